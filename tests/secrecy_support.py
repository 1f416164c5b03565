"""Secrecy test support: the labelled lines (tests/core/secrecy_labelled.tsv) and every text the
database holds, to show that a marked line was stored nowhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.core import secrecy
from bot.store.base import Base

LABELLED = Path(__file__).parent / "core" / "secrecy_labelled.tsv"
MAX_REFUSED = 0.02  # share of ordinary lines the guard may refuse
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\n|\\t")


@dataclass(frozen=True, slots=True)
class Line:
    """One labelled line."""

    marked: bool
    kind: str
    text: str


def _unescape(text: str) -> str:
    def one(found: re.Match[str]) -> str:
        if found.group(1):
            return chr(int(found.group(1), 16))
        return "\n" if found.group(0) == "\\n" else "\t"

    return _ESCAPE.sub(one, text)


def labelled() -> list[Line]:
    """Every line of the labelled set, escapes decoded."""
    lines = []
    for raw in LABELLED.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        label, kind, text = raw.split("\t")
        assert label in ("marked", "ordinary"), raw
        lines.append(Line(label == "marked", kind, _unescape(text)))
    return lines


async def stored_texts(app: App) -> list[str]:
    """Every value of every row of every table, as text (JSON columns included)."""
    texts: list[str] = []
    async with app.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in await session.execute(select(table)):
                texts.extend(str(value) for value in row if value is not None)
    return texts


def marked_cells(texts: list[str]) -> list[str]:
    """The stored texts that carry a 密级 marking."""
    return [text for text in texts if secrecy.find(text) is not None]
