"""The sender loop: claims due outbox rows, delivers them at platform limits, records each result.

Nothing is silently dropped: a row is sent, retried with exponential backoff (or after the wait
the platform asked for), or marked failed, audited, and reported to the administrators.

Each chat's claimed rows go out in order on a lane of their own (a task), side by side with
other chats' lanes, so one send's network wait and commit overlap the next one's. A lane waits
for its chat's rate limit in place when the chat is free soon, and otherwise puts its rows back
in the outbox until then. While a chat has a lane, its other rows are not claimed, and the loop
claims more rows as soon as lanes finish instead of after a whole batch: a chat that is free
never idles behind one that is waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import OutboxConfig, PlatformsConfig
from bot.core import redaction
from bot.core.clock import Clock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.core.metrics import Metrics
from bot.core.ports import Adapter, Directory
from bot.delivery.limits import PlatformLimits
from bot.delivery.results import audit_outbound, failed_attempt, redacted
from bot.store import outbox, outbox_files, outbox_once

log = logging.getLogger("dutybot.sender")


class Sender:
    """Empties the outbox through the adapters."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        adapters: dict[str, Adapter],
        outbox_config: OutboxConfig,
        platforms: PlatformsConfig,
        clock: Clock,
        directory: Directory,
        metrics: Metrics | None = None,
    ) -> None:
        self.sessions = sessions
        self.metrics = metrics or Metrics()
        self.directory = directory
        self.adapters = adapters
        self.outbox_config = outbox_config
        self.clock = clock
        # Platforms without a config section (test fakes) get no limits.
        settings = {name: getattr(platforms, name, None) for name in adapters}
        self.files = outbox_files.FileLimits(outbox_config.max_image_mb, outbox_config.max_file_mb)
        self.limits = {
            name: PlatformLimits(getattr(section, "rate_limit", None), clock)
            for name, section in settings.items()
        }
        self._slots = {
            name: asyncio.Semaphore(outbox_config.send_concurrency) for name in adapters
        }
        self._lanes: dict[str, asyncio.Task[None]] = {}  # target → the task sending its rows
        self._held = 0  # rows claimed by lanes and not yet settled
        self._held_back: dict[str, datetime] = {}  # target → its rows were put back until then
        self._halt = asyncio.Event()  # stopping: lanes put back what they have not sent
        self._wake = asyncio.Event()
        self._soonest: datetime | None = None  # earliest time a row was put back to
        # At-most-once rows (broadcasts) go one at a time per platform: a crash then leaves at
        # most one of them in doubt, instead of every send that happened to be in flight.
        self._once = {name: asyncio.Lock() for name in adapters}
        self.owner: str | None = None  # this instance, when it beats (bot/store/instances.py)

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set, then let the lanes put back what they still hold."""
        self._halt.clear()
        try:
            while not stop.is_set():
                try:
                    claimed = await self.claim_once()
                except Exception:
                    log.exception("sender pass failed; retrying")
                    claimed = 0
                if not claimed:
                    await self._idle(stop)
            self._halt.set()
            await asyncio.gather(*self._lanes.values())
        finally:
            self._cancel_lanes()  # cancelled (killed): held rows are retried after their lease

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for a wake-up, a lane to finish, a put-back row to fall due, or the next poll."""
        self._wake.clear()
        timeout = self.outbox_config.poll_seconds
        if self._soonest is not None:
            soon = (self._soonest - self.clock.now()).total_seconds()
            timeout = max(min(timeout, soon), 0.0)
        waiter = asyncio.ensure_future(self._wake.wait())
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({waiter, stopper}, timeout=timeout, return_when="FIRST_COMPLETED")
        waiter.cancel()
        stopper.cancel()

    async def drain(self, max_passes: int = 1000) -> None:
        """Deliver everything due now (used by the piped console and tests)."""
        try:
            for _ in range(max_passes):
                claimed = await self.claim_once()
                lanes = list(self._lanes.values())
                if not claimed and not lanes:
                    return
                await asyncio.gather(*lanes)
        except BaseException:
            self._cancel_lanes()
            raise

    def _cancel_lanes(self) -> None:
        for lane in self._lanes.values():
            lane.cancel()

    async def claim_once(self) -> int:
        """Claim due rows of chats without a lane (up to the batch size held) and start lanes."""
        now = self.clock.now()
        self.metrics.marks.last_send_pass = now  # /healthz: the sender is alive
        if self._soonest is not None and self._soonest <= now:
            self._soonest = None  # that row is due now: this pass claims it
        room = self.outbox_config.batch_size - self._held
        if room <= 0:
            return 0
        async with self.sessions.begin() as session:
            for stuck in await outbox_once.settle_abandoned(session, now):
                log.warning("outbox row %s to %s was cut off mid-send", stuck.id, stuck.target)
                await audit_outbound(session, now, stuck, "uncertain", outbox_once.UNCERTAIN_NOTE)
            rows = await outbox.claim(
                session,
                now,
                lease=timedelta(seconds=self.outbox_config.lease_seconds),
                limit=room,
                platforms=list(self.adapters),
                skip_targets=list(self._lanes),
                owner=self.owner,
            )
        by_chat: dict[str, list[outbox.Claimed]] = defaultdict(list)
        for row in rows:  # claimed in (priority, id) order, which each lane keeps
            by_chat[str(row.target)].append(row)
        self._held += len(rows)
        for key, chat_rows in by_chat.items():
            self._lanes[key] = asyncio.create_task(self._lane(key, chat_rows, now))
        return len(rows)

    async def _lane(self, key: str, rows: list[outbox.Claimed], claimed_at: datetime) -> None:
        """Send one chat's rows in order; put the rest back when the chat is not free soon."""
        platform = rows[0].target.platform
        try:
            for i, row in enumerate(rows):
                later = await self._chat_free(key, row, claimed_at, first=i == 0)
                if later is None:
                    async with self._slots[platform]:
                        later = await self._deliver(platform, row)
                if later is not None:
                    await self._put_back(key, rows[i:], later)
                    return
        except Exception:
            log.exception("sending to %s failed; its rows are retried after their lease", key)
        finally:
            self._held -= len(rows)
            self._lanes.pop(key, None)
            self._wake.set()

    async def _chat_free(
        self, key: str, row: outbox.Claimed, claimed_at: datetime, first: bool
    ) -> datetime | None:
        """Wait until the chat may be sent to and return None, or return when to try again."""
        limits = self.limits[row.target.platform]
        held_back = self._held_back.pop(key, None) if first else None
        if held_back is not None and held_back > claimed_at:
            # Older rows of this chat were put back until then and were not due at the claim:
            # these wait for the same time, so they cannot overtake them.
            self._held_back[key] = held_back
            return held_back
        # Held rows are waited for only briefly, and well within their lease.
        horizon = min(
            claimed_at + timedelta(seconds=self.outbox_config.lease_seconds / 2),
            self.clock.now() + timedelta(seconds=self.outbox_config.wait_in_place_seconds),
        )
        while True:
            now = self.clock.now()
            if self._halt.is_set():
                return now  # stopping: back in the outbox, due at once for the next start
            if (ready := limits.ready(row.target.address)) <= now:
                return None
            if ready > horizon:
                return ready
            await self.clock.sleep((ready - now).total_seconds())
            if self.clock.now() == now:  # a clock that only moves by hand: come back later
                return ready

    async def _put_back(self, key: str, rows: list[outbox.Claimed], until: datetime) -> None:
        """Rows that came before their chat is free wait (uncounted) until it is, in one go."""
        async with self.sessions.begin() as session:
            for row in rows:
                await outbox.mark_retry(session, row.id, until, None, counted=False)
        self._held_back[key] = max(until, self._held_back.get(key, until))
        self._soonest = until if self._soonest is None else min(self._soonest, until)

    async def _deliver(self, platform: str, row: outbox.Claimed) -> datetime | None:
        """Send ``row`` and record the result; or return when its chat is free (a pause)."""
        adapter, limits = self.adapters[platform], self.limits[platform]
        later = await limits.try_acquire(row.target.address, adapter.is_group(row.target.address))
        if later is not None:
            return later
        payload, _ = redaction.screen(row.payload)
        if redaction.FLAG in payload:  # it carries (or carried) a 密级 marking
            async with self.sessions.begin() as session:
                row = await redacted(
                    session, self.clock.now(), row, payload, set(self.adapters), self.directory
                )
        reply = Reply.from_payload(row.payload)
        edit_of = None
        if reply.attachment is not None:  # a file goes as a new message, with its bytes
            async with self.sessions() as session:
                reply = await outbox_files.with_data(session, row.id, row.payload, self.files)
        elif reply.edit_key:
            async with self.sessions() as session:
                edit_of = await outbox.edited_message(session, row.target, reply.edit_key)
        if not row.at_most_once:
            await self._send(platform, row, reply, edit_of)
            return None
        async with self._once[platform]:
            # Recorded before the platform sees it: after a crash this row is not sent again.
            async with self.sessions.begin() as session:
                started = await outbox_once.begin_send(session, row.id, self.clock.now())
            if not started:  # withdrawn while claimed (acknowledged meanwhile): not sent
                log.info("outbox row %s was withdrawn before its send", row.id)
                return None
            await self._send(platform, row, reply, edit_of)
        return None

    async def _send(
        self, platform: str, row: outbox.Claimed, reply: Reply, edit_of: str | None
    ) -> None:
        adapter, limits = self.adapters[platform], self.limits[platform]
        try:
            external_id = await adapter.send(row.target.address, reply, edit_of)
        except DeliveryError as exc:
            if exc.retry_after and exc.pause_platform:
                limits.pause(exc.retry_after)
            await self._failed(row, exc)
            return
        except Exception as exc:  # an adapter bug must not lose the message
            log.exception("adapter %s raised while sending outbox row %s", platform, row.id)
            await self._failed(row, DeliveryError(f"{type(exc).__name__}: {exc}"))
            return
        async with self.sessions.begin() as session:
            now = self.clock.now()
            await outbox.mark_sent(session, row.id, now, external_id)
            await audit_outbound(session, now, row, "sent", external_id)
        waited = (now - row.created_at).total_seconds() if row.created_at else 0.0
        self.metrics.sent(platform, row.kind, row.priority, waited, now)

    async def _failed(self, row: outbox.Claimed, exc: DeliveryError) -> None:
        self.metrics.send_failed(row.target.platform, self.clock.now())
        async with self.sessions.begin() as session:
            await failed_attempt(
                session,
                self.outbox_config,
                self.clock.now(),
                row,
                exc,
                set(self.adapters),
                self.directory,
            )
