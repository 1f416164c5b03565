"""One-line forms: ``<位置参数…> 键=值 键=值``; values may hold spaces (立项, 登记 …).

A step-by-step dialog is a separate mechanism; these commands stay complete on one line so a
phone user can repeat or edit them.
"""

from __future__ import annotations

import re

from bot.core.errors import UserError


class Form:
    """A set of accepted keys (several spellings each) and the positional fields before them."""

    def __init__(self, keys: dict[str, tuple[str, ...]], positional: tuple[str, ...], usage: str):
        self.names = {spelling: name for name, spellings in keys.items() for spelling in spellings}
        self.positional = positional
        self.usage = usage
        alternatives = "|".join(sorted(map(re.escape, self.names), key=len, reverse=True))
        self._split = re.compile(rf"\s*(?<!\S)(?=(?:{alternatives})[=＝])")
        self._field = re.compile(rf"^({alternatives})[=＝](.*)$", re.S)

    def parse(self, text: str) -> dict[str, str]:
        """Field name → value. Positional words fill ``positional`` in order; the last takes the
        rest of the words before the first ``键=``.

        Raises:
            UserError: a part that is neither, naming it, with the usage.
        """
        parts = [p.strip() for p in self._split.split(text.strip()) if p.strip()]
        values: dict[str, str] = {}
        if parts and not self._field.match(parts[0]) and self.positional:
            words = parts.pop(0).split(maxsplit=len(self.positional) - 1)
            values.update(zip(self.positional, words, strict=False))
        for part in parts:
            found = self._field.match(part)
            if found is None:
                raise UserError(f"看不懂「{part}」。{self.usage}")
            values[self.names[found.group(1)]] = found.group(2).strip()
        return values

    def require(self, values: dict[str, str], labels: dict[str, str]) -> None:
        """Refuse when any of ``labels`` (name → 中文名) is missing or empty."""
        missing = [label for name, label in labels.items() if not values.get(name)]
        if missing:
            raise UserError(f"缺少{'、'.join(missing)}。{self.usage}")


def split_list(value: str) -> list[str]:
    """``县林业局,城关镇`` / ``县林业局、城关镇`` → a list."""
    return [v for v in re.split(r"[,，、\s]+", value) if v]
