"""Personal data shown masked.

Names keep the surname, phones keep the first three and last four.
"""

from __future__ import annotations


def mask_name(name: str) -> str:
    """``王小明`` → ``王**``: the surname stays so staff can still address the person."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """``13912345678`` → ``139****5678``."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
