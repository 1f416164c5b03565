"""Chinese word segmentation (jieba, or rjieba with jieba's tokens), loaded on first use.

Used where word boundaries matter: "值班今天" is the command 值班 plus 今天, while "值班员说…"
is not the command 值班 at all.

Nothing is loaded at start: :func:`add_words` only records the bot's words, and the segmenter
is loaded (and taught every recorded word) by the first call that segments. rjieba (jieba-rs)
is used when installed: its dictionary loads in a tenth of jieba's time and a third of its
memory, and it yields jieba's tokens (tests/core/test_segment_start.py checks the labelled sets;
figures: docs/benchmarks.md §Start-up and memory). jieba stays the reference and the
fallback. Two environment variables exist for measuring (bench/startup.py):
``DUTYBOT_SEGMENTER=jieba`` uses jieba everywhere, ``DUTYBOT_SEGMENT_LOAD=start`` loads at the
first :func:`add_words` (the old start path) and ``=background`` loads on a thread from there.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from typing import Any

_lock = threading.RLock()
_tokenizer: Any = None  # jieba.Tokenizer once loaded
_rjieba: Any = None  # the rjieba module once imported and taught
_added: list[str] = []  # every word taught, in order, so a segmenter loaded later learns them
_known: set[str] = set()
_FREQ = 200000


def _load() -> Any:
    """jieba's tokenizer, loaded (and taught the recorded words) on first call."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            # jieba's default cache path is shared by every program on the machine: use our own.
            tok.tmp_dir = os.environ.get("DUTYBOT_CACHE_DIR") or tempfile.gettempdir()
            tok.cache_file = "dutybot.jieba.cache"
            tok.initialize()
            for word in _added:
                tok.add_word(word, freq=_FREQ)
            _tokenizer = tok
    return _tokenizer


def _fast() -> Any:
    """rjieba (jieba-rs) taught the recorded words, or None when not installed or not wanted."""
    global _rjieba
    if os.environ.get("DUTYBOT_SEGMENTER", "").strip().lower() == "jieba":
        return None
    with _lock:
        if _rjieba is None:
            try:
                import rjieba
            except ImportError:
                _rjieba = False
                return None
            for word in _added:
                rjieba.add_word(word, _FREQ, None)
            _rjieba = rjieba
    return _rjieba or None


def _segmenter() -> Any:
    """What :func:`spans` uses: rjieba when available, else jieba."""
    fast = _fast()
    return fast if fast is not None else _load()


def loaded() -> bool:
    """True once a segmenter's dictionary is in memory."""
    return _tokenizer is not None or bool(_rjieba)


def add_words(words: Iterable[str]) -> None:
    """Make sure each word is segmented as one unit (by jieba and rjieba alike).

    Cheap: a segmenter not loaded yet learns the words when it loads.
    """
    with _lock:
        new = [w for w in words if w and w not in _known]
        _known.update(new)
        _added.extend(new)
        for word in new:
            if _tokenizer is not None:
                _tokenizer.add_word(word, freq=_FREQ)
            if _rjieba:
                _rjieba.add_word(word, _FREQ, None)
    mode = os.environ.get("DUTYBOT_SEGMENT_LOAD", "").strip().lower()
    if new and mode == "start":
        _segmenter()
    elif new and mode == "background" and not loaded():
        threading.Thread(target=_segmenter, name="segment-load", daemon=True).start()


def spans(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their start and end offsets, whitespace dropped."""
    return [(w, s, e) for w, s, e in _segmenter().tokenize(text) if w.strip()]


def spans_jieba(text: str) -> list[tuple[str, int, int]]:
    """:func:`spans` by jieba, the reference segmenter."""
    return [(w, s, e) for w, s, e in _load().tokenize(text) if w.strip()]


def words(text: str) -> list[str]:
    """Words of ``text``, whitespace dropped."""
    return [w for w, _, _ in spans(text)]


def for_search(text: str) -> list[str]:
    """Words of ``text`` for a search index: each word plus its shorter dictionary words
    (``路灯不亮`` → 路灯, 不亮 …), whitespace dropped. rjieba when installed (≈28× faster, see
    docs/benchmarks.md §Segmentation: jieba and rjieba; tests/core/test_segment.py proves the
    ticket index gets jieba's tokens), else jieba."""
    fast = _fast()
    if fast is None:
        return for_search_jieba(text)
    return [w for w in fast.cut_for_search(text) if w.strip()]


def for_search_jieba(text: str) -> list[str]:
    """:func:`for_search` by jieba, the reference segmenter."""
    return [w for w in _load().cut_for_search(text) if w.strip()]
