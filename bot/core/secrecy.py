"""Secrecy guard: text with a 密级 marking (绝密/机密/秘密, ★ with a term) never crosses the bot.

"涉密不上网、上网不涉密": the bot runs on a non-classified network, so anything that looks
classified is refused before it is stored or forwarded.
"""

from __future__ import annotations

import re

# ★ followed by a protection term such as ★10年, ★长期, ★1个月, or a level word next to ★.
_MARKERS = re.compile(
    r"绝密|机密|秘密"
    r"|★\s*(?:\d+\s*(?:年|个月|月|日|天)|长期)"
)

REFUSAL = (
    "您的消息带有密级标识，按「涉密不上网、上网不涉密」的规定，本机器人不处理也不保存。"
    "请通过机要渠道办理；如属误判，请去掉相关字样后重发。"
)


def find_marker(text: str) -> str | None:
    """Return the first 密级 marking found in ``text``, or None."""
    found = _MARKERS.search(text)
    return found.group(0) if found else None


def is_classified(text: str) -> bool:
    """True when ``text`` carries a 密级 marking."""
    return find_marker(text) is not None
