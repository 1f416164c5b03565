"""At-most-once rows (broadcasts) take turns per lane class, and each row's result is recorded in
the same commit that starts the next row.

One at a time: a crash then leaves at most one row of the class in doubt (sent, perhaps, but not
recorded), instead of every send that happened to be in flight. Recording row k's result and
noting row k+1's start in one commit keeps that — at any moment at most one row is started and
unrecorded — and saves a commit per row inside the turn, which at a broadcast's pace (a WeCom
text and its card every 60 ms) is what decides whether the platform's limit is reached. With
nobody waiting for the turn, a result is recorded at once.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.gate import TurnGate
from bot.store import outbox, outbox_once
from bot.store.sql import attach_fast_path

FIRST = (-math.inf, -math.inf)  # a flush goes before every row waiting for the turn
Record = Callable[[AsyncSession, outbox.Claimed, str, datetime], Awaitable[None]]


@dataclass
class _Turn:
    gate: TurnGate = field(default_factory=TurnGate)
    waiting: int = 0
    unrecorded: tuple[outbox.Claimed, str, datetime] | None = None


class OnceTurns:
    """The turns of each lane class, and the one result each may still have to record."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], names: list[str], record: Record
    ) -> None:
        self.sessions = sessions
        self.record = record  # writes a sent row's result (mark_sent, audit) in a session
        self._turns = {name: _Turn() for name in names}

    @asynccontextmanager
    async def turn(self, lane: str, key: tuple[int, int]) -> AsyncIterator[None]:
        """Hold ``lane``'s turn, entering before every waiter with a higher ``key`` (priority,
        row id: rows taken over from a dead instance are the oldest and go next); after it,
        record a result nobody else's start will carry."""
        turn = self._turns[lane]
        turn.waiting += 1
        entered = False
        try:
            async with turn.gate.turn(key):
                turn.waiting, entered = turn.waiting - 1, True
                yield
        finally:
            if not entered:
                turn.waiting -= 1
        if turn.unrecorded is not None and not turn.waiting:
            async with turn.gate.turn(FIRST):
                await self.flush(lane)

    async def begin(self, lane: str, row_id: int, now: datetime, owner: str | None) -> bool:
        """In one commit: the previous row's result, and that row ``row_id`` is being sent.

        False when the row is no longer ``owner``'s to send (another instance took it over).
        """
        async with self.sessions.begin() as session:
            await attach_fast_path(session)
            await self._settle(session, lane)
            return await outbox_once.begin_send(session, row_id, now, owner)

    def sent(self, lane: str, row: outbox.Claimed, external_id: str, now: datetime) -> None:
        """The platform took ``row``: recorded with the next start, or when the turn ends."""
        self._turns[lane].unrecorded = (row, external_id, now)

    async def flush(self, lane: str) -> None:
        """Record ``lane``'s pending result now."""
        if self._turns[lane].unrecorded is None:
            return
        async with self.sessions.begin() as session:
            await attach_fast_path(session)
            await self._settle(session, lane)

    async def flush_all(self) -> None:
        """Record every pending result (the sender stops or drained)."""
        for lane, turn in self._turns.items():
            async with turn.gate.turn(FIRST):
                await self.flush(lane)

    async def _settle(self, session: AsyncSession, lane: str) -> None:
        pending, self._turns[lane].unrecorded = self._turns[lane].unrecorded, None
        if pending is not None:
            await self.record(session, *pending)
