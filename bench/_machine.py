"""What a benchmark run states about itself: which benchmarks exist, the machine, the versions."""

from __future__ import annotations

import os
import pkgutil
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).parent
#: Libraries whose speed the figures depend on, by distribution name.
LIBRARIES = (
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "aiohttp",
    "aiolimiter",
    "apscheduler",
    "python-telegram-bot",
    "aiogram",
    "rjieba",
    "jieba",
)


def benchmarks() -> list[str]:
    """Benchmark module names under bench/ (files starting with ``_`` are not benchmarks)."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))


def load() -> str:
    """The 1/5/15-minute load averages: how busy the machine was, which times depend on."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def facts() -> dict[str, str]:
    """Date, machine, Python, library versions and the commit measured, as Markdown-ready text."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return {
        # A benchmark's date is the wall clock's: it records when it ran, it decides nothing.
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{_cpu()}, {os.cpu_count()} cores, {_memory()}, {platform.platform()}",
        "python": platform.python_version(),
        "versions": ", ".join(versions),
        "commit": _commit(),
        "load average before": load(),
    }


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
            check=False,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"
