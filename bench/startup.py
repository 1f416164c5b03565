"""Start-up: seconds until `dutybot run` accepts input and its peak memory, and `dutybot --help`,
each against the old way (jieba loaded at start, every command imported) in the same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import yaml

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config.yaml"
#: A console control line: answered with the console's help line as soon as the console reads
#: input, without touching the app — its answer is "ready".
PROBE, ANSWER = ":?", "控制命令"
#: A command written without a space, so the router needs word boundaries (the segmenter).
FIRST = "值班今天"
#: Segmenter set-ups (environment of bot/core/segment.py); the last is the old start path.
VARIANTS: dict[str, dict[str, str]] = {
    "lazy_rjieba": {},
    "background_rjieba": {"DUTYBOT_SEGMENT_LOAD": "background"},
    "lazy_jieba": {"DUTYBOT_SEGMENTER": "jieba"},
    "background_jieba": {"DUTYBOT_SEGMENTER": "jieba", "DUTYBOT_SEGMENT_LOAD": "background"},
    "old_jieba_at_start": {"DUTYBOT_SEGMENTER": "jieba", "DUTYBOT_SEGMENT_LOAD": "start"},
}
#: ``dutybot --help`` as it was: every command module imported to list the commands.
EAGER_HELP = (
    "from bot.cli.lazy import LazyGroup; LazyGroup.placeholders = False; "
    "from bot.cli import main; main()"
)


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_SEGMENT")}
    return {**env, "PYTHONPATH": str(REPO), "DUTYBOT_CONFIG": str(CONFIG), **extra}


def _peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _until(out: IO[str], mark: str) -> None:
    for line in out:
        if mark in line:
            return
    raise RuntimeError(f"dutybot run ended before printing {mark!r}")


def _one_run(work: Path, extra: dict[str, str]) -> dict[str, float]:
    """Start `dutybot run`, probe until it answers, send one segmented command, quit."""
    cmd = [sys.executable, "-m", "bot", "run", "--as", "张三"]
    with (work / "stderr.txt").open("w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=work,
            env=_env(extra),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            encoding="utf-8",
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(PROBE + "\n")
        proc.stdin.flush()
        _until(proc.stdout, ANSWER)
        ready = time.perf_counter() - start
        rss_ready = _peak_mb(proc.pid)
        sent = time.perf_counter()
        proc.stdin.write(f"{FIRST}\n{PROBE}\n")
        proc.stdin.flush()
        _until(proc.stdout, ANSWER)
        first = time.perf_counter() - sent
        after = _peak_mb(proc.pid)
        proc.stdin.write(":quit\n")
        proc.stdin.close()
        proc.stdout.read()
        proc.wait(timeout=60)
    return {"ready_s": ready, "rss_ready_mb": rss_ready, "first_s": first, "rss_first_mb": after}


def _seconds(cmd: list[str], work: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=work, env=_env({}), capture_output=True, check=True)
    return time.perf_counter() - start


def _yaml_ms(loader: Any, rounds: int = 5) -> float:
    text = CONFIG.read_text(encoding="utf-8")
    start = time.perf_counter()
    for _ in range(rounds):
        yaml.load(text, Loader=loader)  # both loaders are safe ones
    return (time.perf_counter() - start) / rounds * 1000


def _median(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(statistics.median(r[k] for r in rows), 3) for k in rows[0]}


def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench startup [RUNS]`` (default 5 runs of each variant, interleaved)."""
    runs = int(argv[0]) if argv else 5
    result: dict[str, Any] = {"runs": runs}
    with tempfile.TemporaryDirectory(prefix="dutybot-startup-") as tmp:
        work = Path(tmp)
        seed = [sys.executable, "-m", "bot", "demo"]
        subprocess.run(seed, cwd=work, env=_env({}), capture_output=True, check=True)
        rows: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
        helps: dict[str, list[float]] = {"help_lazy_s": [], "help_eager_s": []}
        _one_run(work, {})  # warm-up: caches, .pyc files
        for _ in range(runs):
            for name, extra in VARIANTS.items():
                rows[name].append(_one_run(work, extra))
            helps["help_lazy_s"].append(_seconds([sys.executable, "-m", "bot", "--help"], work))
            eager = [sys.executable, "-c", EAGER_HELP, "--help"]
            helps["help_eager_s"].append(_seconds(eager, work))
    for name in VARIANTS:
        result[name] = fig = _median(rows[name])
        print(
            f"{name:<20} ready {fig['ready_s']:.2f} s  {fig['rss_ready_mb']:.0f} MB   "
            f"first segmented command {fig['first_s']:.2f} s  {fig['rss_first_mb']:.0f} MB"
        )
    for name, seconds in helps.items():
        result[name] = round(statistics.median(seconds), 3)
        print(f"{name:<20} {result[name]:.2f} s")
    result["yaml_pure_ms"] = round(_yaml_ms(yaml.SafeLoader), 1)
    result["yaml_c_ms"] = round(_yaml_ms(getattr(yaml, "CSafeLoader", yaml.SafeLoader)), 1)
    print(f"config.yaml parse: pure {result['yaml_pure_ms']} ms, libyaml {result['yaml_c_ms']} ms")
    now = result["lazy_rjieba"]
    result["target_met"] = (
        now["ready_s"] <= 1.5 and now["rss_ready_mb"] <= 150 and result["help_lazy_s"] <= 0.5
    )
    return result
