"""Files drawn after the transaction that queued them (charts, spreadsheets): off the event loop,
one at a time, then stored beside their outbox rows and released to the sender.

A handler or job returns ``Attachment(name, mime, render=…)`` instead of bytes, so no database
lock is held while matplotlib or openpyxl work; the data they draw was read in the transaction.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.store import outbox_files

log = logging.getLogger("dutybot.renders")

# matplotlib keeps global state (rcParams): two charts are never drawn at the same time.
_DRAWING = threading.Lock()


def draw_locked(render: Callable[[], bytes]) -> bytes:
    """Call ``render`` while no other chart is being drawn (in a worker thread)."""
    with _DRAWING:
        return render()


async def draw_deferred(
    sessions: async_sessionmaker[AsyncSession], committed: AsyncSession, clock: Clock
) -> int:
    """Draw the files queued in ``committed`` (a transaction that has committed), store them
    and release their messages; returns how many messages were released.

    A file that cannot be drawn releases its message with a note instead; one shared by several
    messages (a report to many people) is drawn once.
    """
    pending = outbox_files.take_deferred(committed)
    if not pending:
        return 0
    drawn: dict[int, bytes | None] = {}
    for _, file in pending:
        if file.render is None or id(file.render) in drawn:
            continue
        try:
            drawn[id(file.render)] = await asyncio.to_thread(draw_locked, file.render)
        except Exception:
            log.exception("drawing %s failed", file.name)
            drawn[id(file.render)] = None
    released = 0
    try:
        async with sessions.begin() as session:
            for row_id, file in pending:
                error = f"附件「{file.name}」生成失败，请稍后重新发送命令；仍失败请告知管理员。"
                released += await outbox_files.drawn(
                    session, clock.now(), row_id, drawn.get(id(file.render)), error
                )
    except Exception:  # the messages go out after RENDER_WAIT with a note instead
        log.exception("storing %s drawn files failed", len(pending))
        return 0
    return released
