"""bench all: every benchmark run in its own process, and the summary of docs/benchmarks.md
rewritten between its markers while the rest of the file stays as written."""

from __future__ import annotations

import json
from pathlib import Path

from bench import all as bench_all
from bench._machine import benchmarks

DOC = "# Benchmarks\n\n## dispatch\n\nMethod and history.\n"


def _fixed(name: str) -> bench_all.Outcome:
    """A runner for the rewriting tests: figures as a benchmark prints them."""
    figures = {
        "per_second": 1234.5678,
        "target_met": name == "dispatch",
        "nested": {"p99_ms": 0.8},
    }
    return bench_all.Outcome(name, 2.0, figures)


def test_the_summary_goes_after_the_title_then_is_replaced(tmp_path: Path) -> None:
    docs = tmp_path / "docs/benchmarks.md"
    docs.parent.mkdir()
    docs.write_text(DOC, encoding="utf-8")
    bench_all.run(["--only", "dispatch,stall", "--docs", str(docs)], runner=_fixed)
    first = docs.read_text(encoding="utf-8")
    assert first.startswith("# Benchmarks\n\n" + bench_all.START)
    assert first.endswith("## dispatch\n\nMethod and history.\n")
    assert "| dispatch | 2 | yes | per_second=1235; nested.p99_ms=0.8 |" in first
    assert "| stall | 2 | **no** |" in first
    assert "- python: " in first and "- commit: " in first
    assert '"per_second": 1234.5678' in first  # every figure, not only the table's

    bench_all.run(["--only", "triage", "--docs", str(docs)], runner=_fixed)
    second = docs.read_text(encoding="utf-8")
    assert second.count(bench_all.START) == 1 and "| dispatch |" not in second
    assert "| triage |" in second and second.endswith("Method and history.\n")


def test_skip_and_the_listing_leave_all_itself_out(tmp_path: Path) -> None:
    docs = tmp_path / "docs/benchmarks.md"
    docs.parent.mkdir()
    docs.write_text(DOC, encoding="utf-8")
    ran: list[str] = []

    def record(name: str) -> bench_all.Outcome:
        ran.append(name)
        return bench_all.Outcome(name, 0.0, None, "skipped in test")

    result = bench_all.run(["--skip", "tickets,telegram-broadcast", "--docs", str(docs)], record)
    assert "all" in benchmarks() and "all" not in ran
    assert "tickets" not in ran and "telegram_broadcast" not in ran and "dispatch" in ran
    # The issues' own variants run beside the defaults, and are skipped with their benchmark.
    assert "reminders" in ran and "reminders --processes 3" in ran and "broadcast --mix" in ran
    assert ran.index("reminders") + 1 == ran.index("reminders --processes 3")
    assert result["benchmarks"]["dispatch"] == {
        "seconds": 0.0,
        "ok": False,
        "error": "skipped in test",
    }
    assert "| dispatch | 0 | — | failed: skipped in test |" in docs.read_text(encoding="utf-8")


def test_a_real_benchmark_process_gives_its_last_json_line() -> None:
    out = bench_all.run_one("triage")  # about a second: the labelled set, 20 rounds
    assert out.error == "" and out.figures is not None
    assert out.figures == json.loads(json.dumps(out.figures))
    assert out.figures["lines"] > 0 and 0 < out.figures["accuracy"] <= 1


def test_only_picks_a_benchmark_with_its_variants(tmp_path: Path) -> None:
    docs = tmp_path / "docs/benchmarks.md"
    docs.parent.mkdir()
    docs.write_text(DOC, encoding="utf-8")
    result = bench_all.run(["--only", "broadcast", "--docs", str(docs)], runner=_fixed)
    assert list(result["benchmarks"]) == ["broadcast", "broadcast --mix"]
    assert "| broadcast --mix | 2 | **no** |" in docs.read_text(encoding="utf-8")


def test_a_benchmark_that_fails_says_why() -> None:
    out = bench_all.run_one("no_such_bench")
    assert out.figures is None and out.error.startswith("exit 2")
