"""Phone numbers as people type them, checked once for every feature that keeps one.

Accepted: a mobile number (``13812345678``, also ``+86 138 1234 5678``, ``139-1234-5678``) or
a landline with its area code (``0571-87654321``, ``057187654321``), optionally with an
extension (``0571-87654321-808``, ``0571-87654321转808``). Full-width digits and dashes, spaces
and brackets around the area code are taken as typed and written back in the plain form.
"""

from __future__ import annotations

import re

EXAMPLE = "手机号如 13812345678，固定电话须带区号如 0571-87654321（分机写作 0571-87654321-808）"

_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})", re.ASCII)
# 010 and 020–029 are the three-digit area codes; every other one has four digits
_LANDLINE = re.compile(
    r"(0(?:10|2\d)|0[3-9]\d\d)-?(\d{7,8})(?:(?:-|转|ext|x)(\d{1,6}))?", re.IGNORECASE | re.ASCII
)
_WIDE = str.maketrans("０１２３４５６７８９－—＋（）", "0123456789--+()")


def normalize(text: str) -> str:
    """``text`` as a phone number in its plain form.

    Raises:
        ValueError: not a mobile number nor a landline with area code (Chinese, with an example).
    """
    typed = text.strip()
    plain = re.sub(r"[\s()]", "", typed.translate(_WIDE))
    if found := _MOBILE.fullmatch(plain.replace("-", "")):  # 139-1234-5678 as people group it
        return found.group(1)
    if found := _LANDLINE.fullmatch(plain):
        area, number, extension = found.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise ValueError(f"电话号码「{typed[:40]}」格式不对：{EXAMPLE}")


def optional(text: str | None) -> str:
    """:func:`normalize` for a field that may be left empty ("" when it is)."""
    return normalize(text) if text and text.strip() else ""
