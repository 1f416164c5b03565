"""The sender loop: claims due outbox rows, delivers them at platform limits, records each result.

Nothing is silently dropped: a row is sent, retried with exponential backoff (or after the wait
the platform asked for), or marked failed, audited, and reported to the administrators.

Each chat's claimed rows go out in order on a lane (a task) of their own beside other chats';
a lane waits for its chat's rate limit in place when it is free soon, else puts its rows back.
Results are committed a batch at a time (bot/delivery/recorder.py). More rows are claimed as
lanes finish. Platforms, and a platform's app and its robots, are separate lane classes
(bot/delivery/limits.py) with their own claims and limits: a slow one never holds back another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import OutboxConfig, PlatformsConfig
from bot.core.clock import Clock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.core.metrics import Metrics
from bot.core.ports import Adapter, Directory
from bot.delivery.claims import ClassClaims
from bot.delivery.limits import PlatformLimits, lane_class, lane_classes
from bot.delivery.once import OnceTurns
from bot.delivery.prepare import outgoing
from bot.delivery.recorder import Recorder
from bot.delivery.results import failed_attempt, send_call, settle_abandoned
from bot.store import outbox, outbox_files, outbox_results

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
        self.files = outbox_files.FileLimits(outbox_config.max_image_mb, outbox_config.max_file_mb)
        # Each lane class (a platform's app, its robots) has its own limits, send slots, batch
        # room and at-most-once turn: a class that must go slowly never holds back another.
        self.limits: dict[str, PlatformLimits] = lane_classes(platforms, list(adapters), clock)
        self._slots = {
            name: asyncio.Semaphore(outbox_config.send_concurrency) for name in self.limits
        }
        self._lanes: dict[str, asyncio.Task[None]] = {}  # target → the task sending its rows
        self._claims = ClassClaims(list(self.limits), outbox_config)  # what each class holds
        self._held_back: dict[str, datetime] = {}  # target → its rows were put back until then
        self._halt = asyncio.Event()  # stopping: lanes put back what they have not sent
        self._wake = asyncio.Event()
        # One claim pass at a time: a drain beside the loop then sees the loop's new lanes.
        self._claiming = asyncio.Lock()
        self._soonest: datetime | None = None  # earliest time a row was put back to
        self._settled_at: datetime | None = None  # abandoned at-most-once rows last looked for
        self._poll = timedelta(seconds=outbox_config.poll_seconds)
        # Ordinary rows' results: a batch per commit, one lock of the audit chain's tip.
        patience = outbox_config.lease_seconds / 2  # within the lease, or it could go twice
        self._recorder = Recorder(sessions, clock, patience, self._count_sent)
        # At-most-once rows (broadcasts) go one at a time per lane class, oldest first: a crash
        # leaves at most one of them in doubt, and rows taken over from a dead instance do not
        # queue behind every row claimed since (bot/delivery/once.py).
        self._once = OnceTurns(sessions, list(self.limits), self._recorder.record_one)
        self.owner: str | None = None  # this instance, when it beats (bot/store/instances.py)

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._claims.refresh()
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
            await self._once.flush_all()
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
                self._claims.refresh()  # everything due now, whatever the last pass found
                claimed = await self.claim_once()
                lanes = list(self._lanes.values())
                if not claimed and not lanes:
                    return
                await asyncio.gather(*lanes)
                await self._once.flush_all()
        except BaseException:
            self._cancel_lanes()
            raise

    def _cancel_lanes(self) -> None:
        for lane in self._lanes.values():
            lane.cancel()

    async def claim_once(self) -> int:
        """Claim due rows of chats without a lane (up to the batch size held) and start lanes."""
        async with self._claiming:
            now = self.clock.now()
            self.metrics.marks.last_send_pass = now  # /healthz: the sender is alive
            if self._soonest is not None and self._soonest <= now:
                self._soonest = None  # that row is due now: this pass claims it
                self._claims.refresh()
            rooms = self._claims.rooms(now)
            if not rooms:
                return 0
            async with self.sessions.begin() as session:
                # Leases run out on the scale of minutes: looked for once a poll, not every pass.
                if self._settled_at is None or now - self._settled_at >= self._poll:
                    self._settled_at = now
                    await settle_abandoned(session, now)
                rows = await self._claims.claim(session, now, rooms, list(self._lanes), self.owner)
            by_chat: dict[str, list[outbox.Claimed]] = defaultdict(list)
            for row in rows:  # claimed in (priority, id) order, which each lane keeps
                by_chat[str(row.target)].append(row)
                self._claims.held[lane_class(row.target, self.limits)] += 1
            for key, chat_rows in by_chat.items():
                self._lanes[key] = asyncio.create_task(self._lane(key, chat_rows, now))
            return len(rows)

    async def _lane(self, key: str, rows: list[outbox.Claimed], claimed_at: datetime) -> None:
        """Send one chat's rows in order; put the rest back when the chat is not free soon."""
        platform = rows[0].target.platform
        lane = lane_class(rows[0].target, self.limits)
        try:
            for i, row in enumerate(rows):
                later = await self._chat_free(key, row, claimed_at, first=i == 0)
                if later is None:
                    async with self._turn(lane, row), self._slots[lane]:
                        later = await self._deliver(platform, lane, row)
                    await self._recorder.wait(row.id)  # its send slot is free meanwhile
                if later is not None:
                    await self._put_back(key, rows[i:], later)
                    return
        except Exception:
            log.exception("sending to %s failed; its rows are retried after their lease", key)
        finally:
            self._claims.held[lane] -= len(rows)
            self._lanes.pop(key, None)
            self._wake.set()

    async def _chat_free(
        self, key: str, row: outbox.Claimed, claimed_at: datetime, first: bool
    ) -> datetime | None:
        """Wait until the chat may be sent to and return None, or return when to try again."""
        limits = self.limits[lane_class(row.target, self.limits)]
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
                await outbox_results.mark_retry(session, row.id, until, None, counted=False)
        self._held_back[key] = max(until, self._held_back.get(key, until))
        self._soonest = until if self._soonest is None else min(self._soonest, until)

    async def _deliver(self, platform: str, lane: str, row: outbox.Claimed) -> datetime | None:
        """Send ``row`` and record the result; or return when its chat is free (a pause)."""
        ready = await outgoing(
            self.sessions, self.clock, row, set(self.adapters), self.directory, self.files
        )
        if ready.alerted:
            self._claims.refresh()  # the admins are told: their rows are new
        row, reply, edit_of = ready.row, ready.reply, ready.edit_of
        if not row.at_most_once:
            return await self._send(platform, lane, row, reply, edit_of)
        # In its turn (_turn).
        if (free := self.limits[lane].ready(row.target.address)) > self.clock.now():
            return free  # paused while waiting for the turn
        # Recorded before the platform sees it: after a crash this row is not sent again.
        # (Put back unsent, the row's mark_retry clears it again.) A row another instance took
        # over while this one could not beat is no longer this one's to send, nor is a row
        # withdrawn while claimed (an acknowledgement cancels that person's SMS and calls).
        if not await self._once.begin(lane, row.id, self.clock.now(), self.owner):
            log.info("outbox row %s was withdrawn or taken over before its send", row.id)
            return None
        return await self._send(platform, lane, row, reply, edit_of)

    def _turn(self, lane: str, row: outbox.Claimed) -> AbstractAsyncContextManager[None]:
        """At-most-once rows wait for their lane class's turn before a send slot, oldest first."""
        if not row.at_most_once:
            return contextlib.nullcontext()
        return self._once.turn(lane, (row.priority, row.id))

    async def _send(
        self, platform: str, lane: str, row: outbox.Claimed, reply: Reply, edit_of: str | None
    ) -> datetime | None:
        """Take a send slot, send, record the result; or return when the chat is free."""
        adapter, limits = self.adapters[platform], self.limits[lane]
        address = row.target.address
        cost = getattr(adapter, "send_cost", None)
        # The slot is taken just before the request, after any database work: what the
        # platform sees is then spaced by the grid, not by how long commits happened to take.
        calls = cost(address, reply) if cost else 1
        group = adapter.is_group(address)
        later = await limits.try_acquire(address, group, calls)
        if later is not None:
            return later
        try:
            sending = send_call(adapter, row, reply, edit_of)
            external_id = await limits.answering(address, group, sending, calls)
        except DeliveryError as exc:
            if exc.retry_after and exc.pause_platform:
                limits.pause(exc.retry_after)
            await self._failed(row, exc)
            return None
        except Exception as exc:  # an adapter bug must not lose the message
            log.exception("adapter %s raised while sending outbox row %s", platform, row.id)
            await self._failed(row, DeliveryError(f"{type(exc).__name__}: {exc}"))
            return None
        if row.at_most_once:  # recorded with the next row's start (bot/delivery/once.py)
            self._once.sent(lane, row, external_id, self.clock.now())
            return None
        self._recorder.add(row, external_id)  # committed with others; the lane waits for it
        return None

    def _count_sent(self, row: outbox.Claimed, now: datetime) -> None:
        waited = (now - row.created_at).total_seconds() if row.created_at else 0.0
        self.metrics.sent(row.target.platform, row.kind, row.priority, waited, now)

    async def _failed(self, row: outbox.Claimed, exc: DeliveryError) -> None:
        self.metrics.send_failed(row.target.platform, self.clock.now())
        self._claims.refresh()  # the admins may be told: their rows are new
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
