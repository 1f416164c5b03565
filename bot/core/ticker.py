"""The scheduler tick: fires due items exactly once and runs named cron jobs once per occurrence.

What is due lives in the database, so nothing is lost across restarts. The due scan is a loop
that wakes when the next item falls due (and at least every ``due_scan_seconds``, for items other
processes add); APScheduler 3.11 (AsyncIOScheduler, in-memory job store) provides the cron
arithmetic and runs the cron jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock, LocalTime
from bot.core.firing import Firing, TickResult
from bot.core.jobs import CronJob, JobContext, JobRegistry
from bot.core.metrics import Metrics
from bot.core.renders import draw_deferred
from bot.store import due

log = logging.getLogger("dutybot.ticker")


def latest_fire_time(trigger: Any, now: datetime, lookback: timedelta) -> datetime | None:
    """The most recent occurrence of ``trigger`` at or before ``now`` within ``lookback``."""
    last, cur = None, trigger.get_next_fire_time(None, now - lookback)
    while cur is not None and cur <= now:
        last = cur
        cur = trigger.get_next_fire_time(cur, cur + timedelta(seconds=1))
    return last


class Ticker:
    """Runs due items and cron jobs against the database."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        registry: JobRegistry,
        config: Config,
        clock: Clock,
        notify: Callable[[], None] = lambda: None,
        metrics: Metrics | None = None,
    ) -> None:
        self.sessions = sessions
        self.metrics = metrics or Metrics()
        self.registry = registry
        self.config = config
        self.clock = clock
        self.tz = LocalTime(config.timezone)
        self.notify = notify
        self.worker = f"w-{secrets.token_hex(6)}"
        self.firing = Firing(sessions, registry, config, clock, self.metrics, self._context)
        self.triggers = {
            job.name: CronTrigger.from_crontab(job.crontab, timezone=self.tz.tz)
            for job in registry.cron_jobs
        }

    def _context(self, session: AsyncSession, now: datetime, **extra: Any) -> JobContext:
        return JobContext(
            session=session, clock=self.clock, config=self.config, tz=self.tz, now=now, **extra
        )

    async def tick(self) -> TickResult:
        """Fire every item due now, batch by batch, until none is left."""
        cfg, result = self.config.scheduler, TickResult()
        self.metrics.marks.last_tick = self.clock.now()  # /healthz: the ticker is alive
        while True:
            async with self.sessions.begin() as session:
                items = await due.claim(
                    session,
                    self.clock.now(),
                    worker=self.worker,
                    lease=timedelta(seconds=cfg.lease_seconds),
                    limit=cfg.batch_size,
                )
            fired = result.fired + result.failed
            await self.firing.fire(items, self.worker, result)
            if result.fired + result.failed > fired:
                self.notify()  # each batch's messages go out while the next batch fires
            if len(items) < cfg.batch_size:
                break
        return result

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set: when the next item falls due, but no sooner than
        ``due_precision_seconds`` after the last tick (a stream of items fires in batches) and
        no later than ``due_scan_seconds`` (items other processes added, leases run out)."""
        cfg = self.config.scheduler
        while not stop.is_set():
            wait = cfg.due_scan_seconds
            try:
                await self.tick()
                async with self.sessions() as session:
                    upcoming = await due.next_due(session)
                if upcoming is not None:
                    until = (upcoming - self.clock.now()).total_seconds()
                    wait = min(max(until, cfg.due_precision_seconds), cfg.due_scan_seconds)
            except Exception:
                log.exception("due scan failed; retrying")
                self.metrics.errors.labels("due", "scan").inc()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)

    async def run_cron(self, name: str, *, since: datetime | None = None) -> bool:
        """Run the latest occurrence of cron job ``name`` if nobody has; True if it ran here.

        Args:
            name: The cron job.
            since: Catching up at start: look back ``scheduler.cron_catch_up_hours``, but not
                before this moment (the bot's first start on the database).
        """
        job = next(j for j in self.registry.cron_jobs if j.name == name)
        now = self.clock.now()
        lookback = timedelta(hours=1)
        if since is not None:
            catch_up = timedelta(hours=self.config.scheduler.cron_catch_up_hours)
            lookback = min(catch_up, now - since)
        scheduled = latest_fire_time(self.triggers[name], now, lookback)
        if scheduled is None:
            return False
        late = (now - scheduled).total_seconds() > self.config.scheduler.late_after_seconds
        async with self.sessions.begin() as session:
            if not await due.record_cron_run(session, name, scheduled, now, late):
                return False
            await self._run_job(job, session, now, scheduled, late)
        self.notify()
        if await draw_deferred(self.sessions, session, self.clock):
            self.notify()
        return True

    async def _run_job(
        self, job: CronJob, session: AsyncSession, now: datetime, scheduled: datetime, late: bool
    ) -> None:
        await job.func(self._context(session, now, late=late, scheduled_for=scheduled))

    async def catch_up(self) -> list[str]:
        """At start: run cron occurrences missed during downtime (once each, marked late).

        Only occurrences after the bot's first start on this database count as missed: a new
        bot must not send last Monday's 督查通报 or last night's warnings the moment it starts.
        """
        async with self.sessions.begin() as session:
            since = await due.first_start(session, self.clock.now())
        ran = []
        for job in self.registry.cron_jobs:
            try:
                if await self.run_cron(job.name, since=since):
                    ran.append(job.name)
            except Exception:
                log.exception("catch-up of cron job %s failed", job.name)
        return ran

    def scheduler(self) -> AsyncIOScheduler:
        """An APScheduler that runs each cron job (the due scan is :meth:`run`)."""
        # With APScheduler's default grace of 1 s a job started late is dropped with only a
        # warning (docs/benchmarks.md §APScheduler pitfalls); a late run should still run, once.
        sched = AsyncIOScheduler(
            timezone=self.tz.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        for job in self.registry.cron_jobs:
            sched.add_job(
                self._cron_safely,
                self.triggers[job.name],
                args=[job.name],
                id=f"cron:{job.name}",
                replace_existing=True,
            )
        return sched

    async def _cron_safely(self, name: str) -> None:
        try:
            await self.run_cron(name)
        except Exception:
            log.exception("cron job %s failed", name)
            self.metrics.errors.labels("cron", name).inc()
