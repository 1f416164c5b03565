"""Nothing heavy is on the start path: the segmenter loads when a message first needs word
boundaries, Alembic only to upgrade, spreadsheet/chart/Telegram libraries only when used. Words
taught before the load are known after it, and rjieba's spans equal jieba's on the labelled
sets, so routing and triage do not change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import handlers
from bench.triage import load as triage_lines
from bot.app import load_config
from bot.core import segment
from bot.core.routing import CommandTable
from models.duty.settings import DUTY
from models.duty.triage import Triager
from models.tickets.search import teach
from models.tickets.settings import TICKETS

ROOT = Path(__file__).resolve().parents[2]
SECRECY = Path(__file__).with_name("secrecy_labelled.tsv")

# What `dutybot run` does up to "ready" (bot/cli/run_cmd.py), then one message that needs
# word boundaries; prints which segmenters were imported at each point.
START = """
import asyncio, json, sys
from bot.adapters.console import ConsoleAdapter
from bot.app import App, build_adapters, load_config
from bot.core import segment
from bot.core.clock import SystemClock
from bot.http.server import HttpServer

def seen():
    heavy = ("jieba", "rjieba", "alembic", "openpyxl", "matplotlib", "telegram", "aiogram")
    return sorted(m for m in heavy if m in sys.modules) + (
        ["loaded"] if segment.loaded() else [])

async def main():
    cfg, clock = load_config(), SystemClock()
    console, http = ConsoleAdapter(), HttpServer(cfg.http.host, cfg.http.port)
    adapters = build_adapters(cfg, http, console, clock)
    app = await App.create(cfg, clock=clock, adapters=adapters, http=http)
    await app.start()
    try:
        ready = seen()
        match = app.dispatcher.table.match("值班今天")
        route = [list(p) for p in match.route.phrases]
        print(json.dumps({"ready": ready, "after": seen(), "route": route, "rest": match.rest},
                         ensure_ascii=False))
    finally:
        await app.stop()

asyncio.run(main())
"""


def _python(code: str, cwd: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_SEGMENT")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT), "DUTYBOT_CONFIG": str(ROOT / "config.yaml"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("segmenter", ["", "jieba"])
def test_app_start_loads_no_segmenter_until_a_message_needs_one(
    tmp_path: Path, segmenter: str
) -> None:
    _python(START, tmp_path)  # the first start creates the database (Alembic upgrades it)
    got = json.loads(_python(START, tmp_path, DUTYBOT_SEGMENTER=segmenter))
    assert got["ready"] == []
    assert "loaded" in got["after"]
    assert ("jieba" in got["after"]) == (segmenter == "jieba")
    assert ["值班"] in got["route"] and got["rest"] == "今天"


def test_background_load_needs_no_message(tmp_path: Path) -> None:
    code = (
        "import time; from bot.core import segment; segment.add_words(['值班']);"
        "deadline = time.monotonic() + 60\n"
        "while not segment.loaded() and time.monotonic() < deadline: time.sleep(0.05)\n"
        "print(segment.loaded())"
    )
    assert _python(code, tmp_path, DUTYBOT_SEGMENT_LOAD="background") == "True"
    assert _python(code.replace("60", "1"), tmp_path) == "False"


def test_words_taught_before_the_load_are_known_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for segmenter in ("jieba", ""):
        # A fresh, unloaded segmenter module state; the word is one no other test teaches.
        monkeypatch.setattr(segment, "_tokenizer", None)
        monkeypatch.setattr(segment, "_rjieba", None)
        monkeypatch.setattr(segment, "_added", [])
        monkeypatch.setattr(segment, "_known", set())
        monkeypatch.setenv("DUTYBOT_SEGMENTER", segmenter)
        word = f"蓝莓塘坝{segmenter or 'r'}"[:5]
        segment.add_words([word])
        assert not segment.loaded()
        assert word in segment.words(f"{word}水位上涨")


def _labelled() -> list[str]:
    lines = [text for _, text in triage_lines()]
    for line in SECRECY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lines.append(line.split("\t")[-1].encode().decode("unicode_escape"))
    return lines


def _teach_like_the_bot() -> Triager:
    CommandTable(handlers.ROUTERS)
    teach(TICKETS.of(load_config()).dictionary)
    return Triager(DUTY.of(load_config()).triage)


def test_rjieba_spans_equal_jieba_on_the_labelled_sets() -> None:
    triager = _teach_like_the_bot()
    phrases = [w + tail for w in triager.lexicon for tail in ("", "今天", "了")]
    corpus = _labelled() + phrases
    assert segment._fast() is not None and len(corpus) > 450
    differ = [t for t in corpus if segment.spans(t) != segment.spans_jieba(t)]
    assert differ == []


def test_triage_verdicts_equal_with_either_segmenter(monkeypatch: pytest.MonkeyPatch) -> None:
    triager = _teach_like_the_bot()
    texts = [text for _, text in triage_lines()]
    fast = [triager.classify(t).as_dict() for t in texts]
    monkeypatch.setenv("DUTYBOT_SEGMENTER", "jieba")
    assert [triager.classify(t).as_dict() for t in texts] == fast
