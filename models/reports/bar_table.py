"""What a bar table shows (models/reports/bars.py draws it): plain data, so the pages that build
one load no plotting library until a chart is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure: how full its bar is (0–1; None: nothing to count) and the text it shows."""

    fraction: float | None
    text: str
    warn: bool = False
    """Drawn in red (a figure below its mark)."""


@dataclass(frozen=True, slots=True)
class BarTable:
    """What the chart shows: column heads, and each line's name and cells."""

    title: str
    note: str
    columns: Sequence[str]
    rows: Sequence[tuple[str, Sequence[Cell]]]
    empty: str = "暂无数据"
