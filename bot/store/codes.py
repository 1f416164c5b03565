"""Short codes people type and read aloud (a broadcast's 确认码, a meeting invitation's 回执码):
random, unused in their column, and free of look-alike characters."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

# Typed on phones and read aloud: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


async def fresh_code(
    session: AsyncSession, column: InstrumentedAttribute[Any], length: int
) -> str:
    """A code of ``length`` characters from :data:`ALPHABET` that no row holds in ``column``."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        taken = await session.scalar(select(func.count()).where(column == code))
        if not taken:
            return code
