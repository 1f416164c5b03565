"""What a refused callback must leave behind: its status, one warning naming the reason (and not
the body), and no stored message, signature, queued reply or sent message."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.store.inbox import InboxMessage
from bot.store.outbox import OutboxMessage
from bot.store.sightings import CallbackSighting
from bot.testing.fakes import FakeServer
from tests.adapters.rig import Rig, another_instance

SECRET_TEXT = "机密汛情"  # in the bodies tests send; never in a log line


async def traces(rig: Rig, fake: FakeServer) -> tuple[int, int, int, int]:
    """Stored messages, signatures and queued replies, and messages the platform received."""
    await rig.settle()
    async with rig.app.sessions() as session:
        counts = [
            int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (InboxMessage, CallbackSighting, OutboxMessage)
        ]
    return counts[0], counts[1], counts[2], len(fake.sent)


async def refused(
    rig: Rig,
    fake: FakeServer,
    caplog: pytest.LogCaptureFixture,
    posting: Awaitable[int | tuple[int, object]],
    status: int,
    reason: str,
) -> None:
    """Await ``posting`` and check it was refused with ``status`` for ``reason``, leaving no
    trace."""
    before = await traces(rig, fake)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dutybot.callbacks"):
        answer = await posting
        assert (answer if isinstance(answer, int) else answer[0]) == status
    assert await traces(rig, fake) == before
    (line,) = [r for r in caplog.records if r.name == "dutybot.callbacks"]
    assert line.levelno == logging.WARNING
    assert f"HTTP {status}" in line.getMessage() and reason in line.getMessage()
    assert SECRET_TEXT not in caplog.text


async def refused_elsewhere(
    rig: Rig,
    fake: FakeServer,
    caplog: pytest.LogCaptureFixture,
    create: Callable[..., Any],
    env: dict[str, str],
    posting: Callable[[str], Awaitable[int | tuple[int, object]]],
) -> None:
    """A second instance on the same database refuses ``posting(its callback URL)`` as a
    replay: the signatures seen are not the first instance's alone."""
    await rig.settle()  # the first instance's reply is sent before the traces are counted
    other = await another_instance(rig, create, env)
    try:
        await refused(other, fake, caplog, posting(other.url), 403, "replayed")
    finally:
        await other.close()
