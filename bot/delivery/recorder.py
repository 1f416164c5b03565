"""Sent rows' results, written together: a batch of deliveries is marked sent and audited in
one commit, under one lock of the audit chain's tip.

Every delivered message appends an audit row, and the chain has one tip (bot/store/audit.py):
on PostgreSQL its row lock is held until commit, so recording each send in a transaction of its
own made every send of every instance wait in one queue. Here the lanes hand their results to
one writer; while it commits, the next results gather, and the next commit takes them all. A
lane waits for its row's commit before it counts the row as done, so the promise is unchanged:
a crash between the send and the commit leaves the row claimed, and it is sent again (flagged
as resent: reminders say 补发) once the instance is taken over or the lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.delivery.results import outbound_entry
from bot.store import audit, outbox, outbox_results
from bot.store.sql import attach_fast_path

log = logging.getLogger("dutybot.sender")
RECORD_RETRY_SECONDS = 0.5  # how often a sent batch's result is tried again while the DB is away


class Recorder:
    """Collects (row, platform message id) of sent rows and commits them in batches."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        patience: float,
        counted: Callable[[outbox.Claimed, datetime], None] = lambda row, now: None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        # Within the rows' lease: after it, another pass may claim a row and send it again.
        self.patience = patience
        self.counted = counted  # metrics, once a row's result is committed
        self._pending: list[tuple[outbox.Claimed, str]] = []
        self._done: dict[int, asyncio.Future[datetime]] = {}
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0  # how many batches were written (tests, profiles)

    def add(self, row: outbox.Claimed, external_id: str) -> None:
        """The platform has ``row``: record it with the next commit."""
        self._pending.append((row, external_id))
        self._done[row.id] = asyncio.get_running_loop().create_future()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="sent-recorder")

    async def record_one(
        self, session: AsyncSession, row: outbox.Claimed, external_id: str, now: datetime
    ) -> None:
        """One row's result in the caller's transaction (an at-most-once row's, in the commit
        that starts the next one: bot/delivery/once.py)."""
        await outbox_results.mark_sent(session, row.id, now, external_id)
        await audit.append(session, now, outbound_entry(row, "sent", external_id))
        self.counted(row, now)

    async def wait(self, row_id: int) -> datetime | None:
        """Until ``row_id``'s result is committed (when; None if it was not added).

        Raises what the commit raised once ``patience`` ran out: the row stays claimed.
        """
        done = self._done.get(row_id)
        if done is None:
            return None
        try:
            return await asyncio.shield(done)  # a cancelled lane leaves the batch alone
        finally:
            self._done.pop(row_id, None)

    async def _write(self) -> None:
        # Results of sends that finish in this turn of the loop join the first commit.
        await asyncio.sleep(0)
        while self._pending:
            batch, self._pending = self._pending, []
            futures = [self._done.get(row.id) for row, _ in batch]
            try:
                now = await self._commit(batch)
            except Exception as exc:
                log.exception("%s sent rows could not be recorded", len(batch))
                for future in futures:
                    if future is not None and not future.done():
                        future.set_exception(exc)
                continue
            for (row, _), future in zip(batch, futures, strict=True):
                self.counted(row, now)
                if future is not None and not future.done():
                    future.set_result(now)

    async def _commit(self, batch: list[tuple[outbox.Claimed, str]]) -> datetime:
        """Mark ``batch`` sent and append its audit rows in one transaction; returns when.

        The platform has the messages by now: while the database is out of reach (restarting,
        failing over) the batch is tried again for up to ``patience`` seconds, instead of
        leaving its rows to be sent a second time once their lease runs out.
        """
        waited = 0.0
        while True:
            try:
                async with self.sessions.begin() as session:
                    await attach_fast_path(session)  # mark_sent is a prepared statement
                    now = self.clock.now()
                    sent = [(row.id, external_id) for row, external_id in batch]
                    await outbox_results.mark_sent_many(session, now, sent)
                    entries = [outbound_entry(row, "sent", e) for row, e in batch]
                    await audit.append_many(session, now, entries)
                self.commits += 1
                return now
            except (DBAPIError, OSError) as exc:
                if waited >= self.patience:
                    raise
                log.warning(
                    "%s sent rows were not recorded (%s); trying again",
                    len(batch),
                    type(exc).__name__,
                )
                await asyncio.sleep(RECORD_RETRY_SECONDS)
                waited += RECORD_RETRY_SECONDS
