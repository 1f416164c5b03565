"""Chinese word segmentation (jieba), loaded once and taught the bot's command words.

Used where word boundaries matter: "值班今天" is the command 值班 plus 今天, while "值班员说…"
is not the command 值班 at all.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from typing import Any

_lock = threading.Lock()
_tokenizer: Any = None
_added: set[str] = set()


def _load() -> Any:
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
            _tokenizer = tok
    return _tokenizer


def _fast() -> Any:
    """rjieba (jieba-rs), or None when it is not installed."""
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba


def add_words(words: Iterable[str]) -> None:
    """Make sure each word is segmented as one unit (by jieba and rjieba alike)."""
    new = [w for w in words if w and w not in _added]
    if not new:
        return
    tok, fast = _load(), _fast()
    for word in new:
        tok.add_word(word, freq=200000)
        if fast is not None:
            fast.add_word(word, 200000, None)
        _added.add(word)


def spans(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their start and end offsets, whitespace dropped."""
    tok = _load()
    return [(w, s, e) for w, s, e in tok.tokenize(text) if w.strip()]


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
