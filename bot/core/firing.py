"""Firing claimed due items: a batch in one transaction, one at a time when one of them fails.

A tick claims up to ``scheduler.batch_size`` items. They are completed, handled and audited in
one transaction — one commit and one lock of the audit chain's tip per batch instead of per
item, which at 10,000 reminders a minute is most of the ticker's cost. If a handler raises, the
batch is rolled back (nothing of it happened), the failure is recorded for that item alone
(retried or given up as before) and the rest fire again as a batch; after a few such failures
the rest fire one at a time, each in its own transaction. Handlers only write rows, so a run
that was rolled back left nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock
from bot.core.jobs import JobContext, JobRegistry
from bot.core.metrics import Metrics
from bot.core.renders import draw_deferred
from bot.store import audit, due, outbox_files
from bot.store.sql import attach_fast_path

log = logging.getLogger("dutybot.ticker")
Context = Callable[..., JobContext]  # (session, now, late=…, scheduled_for=…) → JobContext


@dataclass
class TickResult:
    """What one tick did."""

    fired: int = 0
    late: int = 0
    failed: int = 0
    retried: int = 0


class _LostClaim(Exception):
    """Another worker took the item over (our lease ran out); roll back."""


class _ItemFailed(Exception):
    """The handler of the batch's item ``index`` raised ``cause``; the batch rolled back."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(index, cause)
        self.index, self.cause = index, cause


BATCH_FAILURES = 3  # failed items after which a batch's rest fires one at a time


def _late_entry(item: due.ClaimedItem, late: bool) -> audit.Entry:
    """Why an item's message says 补发: it fired late, or after its instance died."""
    return audit.Entry(
        kind="system",
        command=f"due:{item.kind}",
        outcome="late" if late else "after_restart",
        detail={"due_item": item.id, "due_at": item.due_at.isoformat()},
    )


@dataclass
class Firing:
    """Fires claimed items through the registry's handlers and records what happened."""

    sessions: async_sessionmaker[AsyncSession]
    registry: JobRegistry
    config: Config
    clock: Clock
    metrics: Metrics
    context: Context

    def _late(self, item: due.ClaimedItem, now: datetime) -> bool:
        return (now - item.due_at).total_seconds() > self.config.scheduler.late_after_seconds

    async def fire(self, items: list[due.ClaimedItem], worker: str, result: TickResult) -> None:
        """Fire ``items`` (claimed by ``worker``) in one transaction, or one by one."""
        for _ in range(BATCH_FAILURES):
            if not items:
                return
            try:
                await self._batch(items, worker, result)
                return
            except _ItemFailed as failed:
                item = items[failed.index]
                log.error("due item %s (%s) failed", item.id, item.kind, exc_info=failed.cause)
                self.metrics.errors.labels("due", item.kind).inc()
                await self._record_failure(item, self.clock.now(), failed.cause, result)
                items = items[: failed.index] + items[failed.index + 1 :]
            except Exception:
                log.exception("a batch of %s due items failed; firing them one by one", len(items))
                break
        for item in items:
            await self.fire_one(item, worker, result)

    async def _batch(self, items: list[due.ClaimedItem], worker: str, result: TickResult) -> None:
        now = self.clock.now()
        fired: list[tuple[due.ClaimedItem, bool]] = []
        session = self.sessions()
        try:
            async with session, session.begin():
                await attach_fast_path(session)  # the outbox rows and audit rows: prepared
                lateness = [(item.id, self._late(item, now)) for item in items]
                held = await due.complete_many(session, lateness, worker=worker, now=now)
                entries = []
                for index, item in enumerate(items):
                    if item.id not in held:
                        log.warning("due item %s was taken over by another worker", item.id)
                        continue
                    late = self._late(item, now)
                    try:
                        await self._handle(session, now, item, late)
                    except Exception as exc:
                        raise _ItemFailed(index, exc) from exc
                    if late or item.resumed:  # what it sent says 补发; the audit says why
                        entries.append(_late_entry(item, late))
                    fired.append((item, late))
                await audit.append_many(session, now, entries)
        except Exception:
            outbox_files.take_deferred(session)  # rolled back: nothing of it is to be drawn
            raise
        await draw_deferred(self.sessions, session, self.clock)
        for item, late in fired:
            result.fired += 1
            result.late += late
            self.metrics.fired(item.kind, (now - item.due_at).total_seconds())

    async def _handle(
        self, session: AsyncSession, now: datetime, item: due.ClaimedItem, late: bool
    ) -> None:
        handler = self.registry.due_handlers.get(item.kind)
        if handler is None:
            raise LookupError(f"no job handles due items of kind {item.kind!r}")
        await handler(self.context(session, now, late=late, scheduled_for=item.due_at), item)

    async def fire_one(self, item: due.ClaimedItem, worker: str, result: TickResult) -> None:
        """Fire ``item`` in a transaction of its own; a failure is recorded for it alone."""
        now = self.clock.now()
        late = self._late(item, now)
        try:
            async with self.sessions.begin() as session:
                await self._handle(session, now, item, late)
                if not await due.complete(session, item.id, worker=worker, now=now, late=late):
                    raise _LostClaim
                if late or item.resumed:
                    await audit.append(session, now, _late_entry(item, late))
            await draw_deferred(self.sessions, session, self.clock)
            result.fired += 1
            result.late += late
            self.metrics.fired(item.kind, (now - item.due_at).total_seconds())
        except _LostClaim:
            log.warning("due item %s was taken over by another worker", item.id)
        except Exception as exc:
            log.exception("due item %s (%s) failed", item.id, item.kind)
            self.metrics.errors.labels("due", item.kind).inc()
            await self._record_failure(item, now, exc, result)

    async def _record_failure(
        self, item: due.ClaimedItem, now: datetime, exc: Exception, result: TickResult
    ) -> None:
        cfg = self.config.scheduler
        attempts = item.attempts + 1
        retry_at = None
        if attempts < cfg.max_attempts:
            retry_at = now + timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
        async with self.sessions.begin() as session:
            await due.fail(
                session, item.id, now=now, error=f"{type(exc).__name__}: {exc}", retry_at=retry_at
            )
            if retry_at is None:
                detail: dict[str, Any] = {"due_item": item.id, "error": str(exc)[:300]}
                entry = audit.Entry(
                    kind="system", command=f"due:{item.kind}", outcome="failed", detail=detail
                )
                await audit.append(session, now, entry)
        if retry_at is None:
            result.failed += 1
        else:
            result.retried += 1
