"""The heartbeat task: this instance beats its row and takes over the claims of dead ones.

On start and on every beat (``instances.beat_seconds``) the instance refreshes its heartbeat and
takes back what instances silent for ``instances.stale_seconds`` still hold
(:func:`bot.store.instances.take_over`), so a killed process's broadcast resumes within seconds
rather than after ``outbox.lease_seconds``. At-most-once rows caught mid-send become uncertain
and are audited as such; they are never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import InstancesConfig
from bot.core.clock import Clock
from bot.core.metrics import Marks
from bot.delivery.results import audit_outbound
from bot.store import audit, engine, instances, outbox_once

log = logging.getLogger("dutybot.heartbeat")


class Heartbeat:
    """Beats for one instance and takes over for dead ones."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: InstancesConfig,
        clock: Clock,
        me: str,
        notify: Callable[[], None] = lambda: None,
        marks: Marks | None = None,
        own_pool: bool = False,
    ) -> None:
        # With ``own_pool`` the beats have their own connection (bot/store/engine.py:own_pool):
        # a busy instance's beat never waits for the connections its sends hold.
        self.sessions = engine.own_pool(sessions) if own_pool else sessions
        self.marks = marks or Marks()  # what the sender and pollers last did, written each beat
        self.config = config
        self.clock = clock
        self.me = me
        self.notify = notify

    async def beat(self) -> instances.TakeOver:
        """One beat: refresh this instance, take over stale ones' claims, audit what moved.

        The beat commits on its own first: a takeover waiting for row locks (rows a sender
        holds) or for the audit chain's tip never holds this instance's own beat back.
        """
        stale = timedelta(seconds=self.config.stale_seconds)
        async with self.sessions.begin() as session:
            await instances.beat(session, self.me, self.clock.now(), *self._marks())
        async with self.sessions.begin() as session:
            now = self.clock.now()
            moved = await instances.take_over(session, self.me, now, stale)
            for row in moved.uncertain:
                await audit_outbound(session, now, row, "uncertain", outbox_once.UNCERTAIN_NOTE)
            if moved:
                await audit.append(
                    session,
                    now,
                    audit.Entry(
                        kind="system",
                        command="instances:takeover",
                        outcome="ok",
                        detail={
                            "by": self.me,
                            "dead": moved.dead,
                            "outbox_resent": moved.resent,
                            "outbox_uncertain": len(moved.uncertain),
                            "due_resumed": moved.due,
                        },
                    ),
                )
        if moved.resent or moved.due:
            log.warning(
                "took over from %s: %s outbox rows to send again, %s uncertain, %s due items",
                moved.dead or "instances without a row",
                moved.resent,
                len(moved.uncertain),
                moved.due,
            )
            self.notify()
        return moved

    def _marks(self) -> tuple[datetime | None, datetime | None]:
        """The sender's last pass, and the latest answer any of this instance's pollers had."""
        polled = [p.last_polled for p in self.marks.platforms.values() if p.last_polled]
        return self.marks.last_send_pass, max(polled, default=None)

    async def run(self, stop: asyncio.Event) -> None:
        """Beat until ``stop`` is set; a failed beat (database busy or restarting) is retried at
        the next, and the first beat that succeeds again says so (the pool has reconnected)."""
        failed = 0
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.beat_seconds)
            if stop.is_set():
                return
            try:
                await self.beat()
            except Exception:
                failed += 1
                log.warning("heartbeat failed (%s in a row); will retry", failed, exc_info=True)
                continue
            if failed:
                log.warning(
                    "database reachable again after %s failed heartbeats; %s beats on",
                    failed,
                    self.me,
                )
                failed = 0

    async def leave(self) -> None:
        """A clean stop: remove this instance's row (its rows were already put back)."""
        async with self.sessions.begin() as session:
            await instances.leave(session, self.me)
