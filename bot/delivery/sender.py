"""The sender loop: claims due outbox rows, delivers them at platform limits, records each result.

Nothing is silently dropped: a row is sent, retried with exponential backoff (or after the wait
the platform asked for), or marked failed, audited, and reported to the administrators.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply, Target
from bot.core.ports import Adapter
from bot.core.roles import Role
from bot.delivery.limits import PlatformLimits
from models import audit, binding, outbox, outbox_once
from models.users import users_with_role

log = logging.getLogger("dutybot.sender")


class Sender:
    """Empties the outbox through the adapters."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        adapters: dict[str, Adapter],
        config: Config,
        clock: Clock,
    ) -> None:
        self.sessions = sessions
        self.adapters = adapters
        self.config = config
        self.clock = clock
        # Platforms without a config section (test fakes) get no limits.
        settings = {name: getattr(config.platforms, name, None) for name in adapters}
        self.limits = {
            name: PlatformLimits(getattr(section, "rate_limit", None), clock)
            for name, section in settings.items()
        }
        self._wake = asyncio.Event()
        self._soonest: datetime | None = None  # earliest time a row was put back to
        # At-most-once rows (broadcasts) go one at a time per platform: a crash then leaves at
        # most one of them in doubt, instead of every send that happened to be in flight.
        self._once = {name: asyncio.Lock() for name in adapters}

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    def backoff(self, attempts: int) -> timedelta:
        """Delay before attempt ``attempts + 1``: base·2^(attempts−1), capped."""
        cfg = self.config.outbox
        seconds = cfg.backoff_base_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, cfg.backoff_max_seconds))

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set."""
        while not stop.is_set():
            try:
                busy = await self.drain_once()
            except Exception:
                log.exception("sender pass failed; retrying")
                busy = 0
            if busy:
                continue
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            timeout = self.config.outbox.poll_seconds
            if self._soonest is not None:
                # A row put back for a rate limit is due before the next poll: look then.
                soon = (self._soonest - self.clock.now()).total_seconds()
                timeout = max(min(timeout, soon), 0.0)
            await asyncio.wait(
                {waiter, stopper},
                timeout=timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
            waiter.cancel()
            stopper.cancel()

    async def drain(self, max_passes: int = 1000) -> None:
        """Deliver everything due now (used by the piped console and tests)."""
        for _ in range(max_passes):
            if not await self.drain_once():
                return

    async def drain_once(self) -> int:
        """Claim one batch and deliver it; returns how many rows were handled."""
        now = self.clock.now()
        if self._soonest is not None and self._soonest <= now:
            self._soonest = None  # that row is due now: this pass claims it
        async with self.sessions.begin() as session:
            for stuck in await outbox_once.settle_abandoned(session, now):
                log.warning("outbox row %s to %s was cut off mid-send", stuck.id, stuck.target)
                await self._audit(session, now, stuck, "uncertain", outbox_once.UNCERTAIN_NOTE)
            rows = await outbox.claim(
                session,
                now,
                lease=timedelta(seconds=self.config.outbox.lease_seconds),
                limit=self.config.outbox.batch_size,
                platforms=list(self.adapters),
            )
        by_platform: dict[str, list[outbox.Claimed]] = defaultdict(list)
        for row in rows:
            by_platform[row.target.platform].append(row)
        # Platforms proceed side by side; within one, rows go in priority order.
        results = await asyncio.gather(
            *(self._deliver_all(p, rs, now) for p, rs in by_platform.items())
        )
        return sum(results)

    async def _deliver_all(
        self, platform: str, rows: list[outbox.Claimed], claimed_at: datetime
    ) -> int:
        # Different chats go out side by side, so one send's network wait and commit overlap the
        # next one's (sequential sends could not keep up with 30/s); one chat keeps its order.
        # The rate limits pace them all.
        by_chat: dict[str, list[outbox.Claimed]] = defaultdict(list)
        for row in rows:
            by_chat[row.target.address].append(row)
        slots = asyncio.Semaphore(self.config.outbox.send_concurrency)

        async def in_order(chat_rows: list[outbox.Claimed]) -> int:
            done = 0
            # Oldest first: a row put back for the chat's rate limit is due later than a newer
            # row that was never put back, but it must still go first.
            ordered = sorted(chat_rows, key=lambda r: (r.priority, r.id))
            for i, row in enumerate(ordered):
                async with slots:
                    if not await self._deliver(platform, row, claimed_at, ordered[i:]):
                        break  # the chat is not free: the rest were put back with this one
                    done += 1
            return done

        return sum(await asyncio.gather(*(in_order(rs) for rs in by_chat.values())))

    async def _put_back(self, rows: list[outbox.Claimed], until: datetime) -> None:
        """Rows that came before their chat is free wait (uncounted) until it is, in one go."""
        async with self.sessions.begin() as session:
            for row in rows:
                await outbox.mark_retry(session, row.id, until, None, counted=False)
        self._soonest = until if self._soonest is None else min(self._soonest, until)

    async def _deliver(
        self,
        platform: str,
        row: outbox.Claimed,
        claimed_at: datetime,
        waiting: list[outbox.Claimed],
    ) -> bool:
        """Send ``row`` and record the result; False when its chat is not free yet (then
        ``waiting`` — this row and the chat's later ones — are put back)."""
        adapter, limits = self.adapters[platform], self.limits[platform]
        address = row.target.address
        later = await limits.try_acquire(address, adapter.is_group(address), claimed_at)
        if later is not None:
            await self._put_back(waiting, later)
            return False
        reply = Reply.from_payload(row.payload)
        edit_of = None
        if reply.edit_key:
            async with self.sessions() as session:
                edit_of = await outbox.edited_message(session, row.target, reply.edit_key)
        if not row.at_most_once:
            return await self._send(platform, row, reply, edit_of)
        async with self._once[platform]:
            # Recorded before the platform sees it: after a crash this row is not sent again.
            async with self.sessions.begin() as session:
                await outbox_once.begin_send(session, row.id, self.clock.now())
            return await self._send(platform, row, reply, edit_of)

    async def _send(
        self, platform: str, row: outbox.Claimed, reply: Reply, edit_of: str | None
    ) -> bool:
        adapter, limits = self.adapters[platform], self.limits[platform]
        try:
            external_id = await adapter.send(row.target.address, reply, edit_of)
        except DeliveryError as exc:
            if exc.retry_after and exc.pause_platform:
                limits.pause(exc.retry_after)
            await self._failed_attempt(row, exc)
            return True
        except Exception as exc:  # an adapter bug must not lose the message
            log.exception("adapter %s raised while sending outbox row %s", platform, row.id)
            await self._failed_attempt(row, DeliveryError(f"{type(exc).__name__}: {exc}"))
            return True
        async with self.sessions.begin() as session:
            now = self.clock.now()
            await outbox.mark_sent(session, row.id, now, external_id)
            await self._audit(session, now, row, "sent", external_id)
        return True

    async def _failed_attempt(self, row: outbox.Claimed, exc: DeliveryError) -> None:
        now = self.clock.now()
        attempts = row.attempts + 1
        async with self.sessions.begin() as session:
            if row.at_most_once and exc.uncertain:
                note = f"是否送达不确定，不重发：{exc}"
                await outbox_once.mark_uncertain(session, row.id, note)
                await self._audit(session, now, row, "uncertain", note)
            elif exc.permanent or attempts >= self.config.outbox.max_attempts:
                reason = str(exc) if exc.permanent else f"重试 {attempts} 次仍失败：{exc}"
                await outbox.mark_failed(session, row.id, now, reason)
                await self._audit(session, now, row, "failed", reason)
                if row.notify_on_failure:
                    await self._alert_admins(session, now, row, reason)
                log.warning("outbox row %s to %s failed for good: %s", row.id, row.target, reason)
            else:
                delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
                await outbox.mark_retry(
                    session, row.id, now + (delay or self.backoff(attempts)), str(exc)
                )

    async def _audit(
        self, session: AsyncSession, now: datetime, row: outbox.Claimed, outcome: str, note: str
    ) -> None:
        await audit.append(
            session,
            now,
            audit.Entry(
                kind="outbound",
                command=row.kind,
                outcome=outcome,
                platform=row.target.platform,
                chat=str(row.target),
                detail={
                    "outbox_id": row.id,
                    "key": row.idempotency_key,
                    "note": note[:300],
                    "text": str(row.payload.get("text", ""))[:200],
                },
            ),
        )

    async def _alert_admins(
        self, session: AsyncSession, now: datetime, row: outbox.Claimed, reason: str
    ) -> None:
        """Tell every admin, on every account they have, that a message was not delivered."""
        admins = await users_with_role(session, Role.ADMIN)
        text = (
            f"【投递失败】发往 {row.target} 的{row.kind}消息（编号 {row.id}）未能送达：{reason}\n"
            f"内容摘要：{str(row.payload.get('text', ''))[:60]}\n"
            f"处理：核实地址后执行 dutybot outbox retry {row.id}，"
            "或在聊天中发送 /outbox failed 查看。"
        )
        priority = min(row.priority, outbox.Priority.INTERACTIVE)
        for user_id, platform, address in await binding.private_targets(
            session, [a.id for a in admins]
        ):
            if platform not in self.adapters:
                continue
            await outbox.enqueue(
                session,
                now,
                Target(platform, address),
                Reply(text),
                key=f"alert:outbox:{row.id}:{user_id}:{platform}",
                priority=outbox.Priority(priority),
                kind="alert",
                notify_on_failure=False,
            )
