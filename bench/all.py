"""Every benchmark in turn; docs/benchmarks.md's summary rewritten with figures, machine and date.

Each benchmark runs as its own ``python -m bench NAME`` process (its defaults, so the figures are
the ones its section of docs/benchmarks.md explains; one benchmark's memory never counts in the
next). Its last line (one JSON object) becomes a row of the summary between the markers below,
which this rewrites; the rest of the file — the methods and the history of each benchmark — is
left as it is. ``--only``/``--skip`` pick benchmarks, ``--docs`` writes elsewhere (tests).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import _machine as machine

START = "<!-- bench all: start -->"
END = "<!-- bench all: end -->"
DOCS = Path(__file__).resolve().parents[1] / "docs/benchmarks.md"
TIMEOUT = 45 * 60  # the 1M-ticket ingest is the longest, about 10 minutes on a loaded machine
# Runs beside each benchmark's defaults that the issues name as targets of their own.
VARIANTS = ("broadcast --mix", "reminders --processes 3")


@dataclass(frozen=True)
class Outcome:
    """One benchmark's run: its JSON figures, or why there are none."""

    name: str
    seconds: float
    figures: dict[str, Any] | None
    error: str = ""


Runner = Callable[[str], Outcome]


def run_one(name: str) -> Outcome:
    """``python -m bench NAME [ARGS]`` in a process of its own; the last line is its figures."""
    began = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench", *name.split()],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=DOCS.parents[1],
            env=os.environ.copy(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(name, time.perf_counter() - began, None, f"超时（{TIMEOUT // 60} 分钟）")
    seconds = time.perf_counter() - began
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    try:
        figures = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        figures = None
    if done.returncode != 0 or not isinstance(figures, dict):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Outcome(name, seconds, None, f"exit {done.returncode}: {tail[:200]}")
    return Outcome(name, seconds, figures)


def headline(figures: dict[str, Any], limit: int = 8) -> str:
    """The scalar figures at the top level and one level down, ``key=value``, at most ``limit``."""
    pairs: list[str] = []
    for key, value in figures.items():
        if isinstance(value, dict):
            pairs += [f"{key}.{k}={_short(v)}" for k, v in value.items() if _scalar(v)]
        elif _scalar(value) and key != "target_met":
            pairs.append(f"{key}={_short(value)}")
    more = f" … (+{len(pairs) - limit})" if len(pairs) > limit else ""
    return "; ".join(pairs[:limit]) + more


def summary(outcomes: Sequence[Outcome], facts: dict[str, str]) -> str:
    """The Markdown between the markers: machine facts, then a row per benchmark."""
    lines = [
        START,
        "## Latest full run (`python -m bench all`)",
        "",
        "Written by `bench/all.py`; each benchmark's own section below explains its method and "
        "its baseline (measured in the same run); every figure is under the table.",
        "",
        *(f"- {key}: {value}" for key, value in facts.items()),
        "",
        "| benchmark | seconds | target met | figures |",
        "|---|---|---|---|",
    ]
    for out in outcomes:
        met = "—"
        if out.figures is not None and "target_met" in out.figures:
            met = "yes" if out.figures["target_met"] else "**no**"
        text = headline(out.figures) if out.figures is not None else f"failed: {out.error}"
        lines.append(f"| {out.name} | {out.seconds:.0f} | {met} | {text.replace('|', '/')} |")
    for out in outcomes:  # every figure, since the table shows the first few
        if out.figures is not None:
            figures = json.dumps(out.figures, ensure_ascii=False, sort_keys=True, indent=1)
            lines += ["", f"<details><summary>{out.name}: every figure</summary>", ""]
            lines += ["```json", figures, "```", "</details>"]
    return "\n".join([*lines, END])


def rewrite(path: Path, block: str) -> None:
    """Put ``block`` between the markers of ``path``, or after its title the first time."""
    text = path.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{block}\n{body}"
    path.write_text(text, encoding="utf-8")


def run(argv: list[str], runner: Runner = run_one) -> dict[str, Any]:
    """``python -m bench all [--only A,B] [--skip A,B] [--docs PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m bench all")
    parser.add_argument("--only", default="", help="comma-separated names")
    parser.add_argument("--skip", default="", help="comma-separated names")
    parser.add_argument("--docs", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    names = sorted([n for n in machine.benchmarks() if n != "all"] + list(VARIANTS))
    if args.only:
        names = [name for name in names if name.split()[0] in _names(args.only)]
    names = [name for name in names if name.split()[0] not in _names(args.skip)]
    facts = machine.facts()
    outcomes = []
    for name in names:
        print(f"bench all: {name} …", file=sys.stderr, flush=True)
        outcomes.append(runner(name))
    facts["load average after"] = machine.load()
    rewrite(args.docs, summary(outcomes, facts))
    return {"docs": str(args.docs), "benchmarks": {o.name: _brief(o) for o in outcomes}}


def _brief(out: Outcome) -> dict[str, Any]:
    brief: dict[str, Any] = {"seconds": round(out.seconds, 1), "ok": out.figures is not None}
    if out.error:
        brief["error"] = out.error
    if out.figures is not None and "target_met" in out.figures:
        brief["target_met"] = out.figures["target_met"]
    return brief


def _names(text: str) -> set[str]:
    return {part.strip().replace("-", "_") for part in text.split(",") if part.strip()}


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool) and len(str(value)) <= 40


def _short(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
