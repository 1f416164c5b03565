"""Rates over counted items (按期办结率, 满意率 …) that know when there is nothing to count yet."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    """A ratio that knows it may be undefined (nothing to count yet)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The ratio, or None when the denominator is zero."""
        return self.numerator / self.denominator if self.denominator else None

    def __str__(self) -> str:
        if not self.denominator:
            return "—（无可统计件）"
        return f"{self.numerator / self.denominator:.1%}（{self.numerator}/{self.denominator}）"
