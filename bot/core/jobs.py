"""Time-driven jobs: handlers for kinds of due item, and named cron jobs. Modules in schedules/
declare them on a JobRegistry; the ticker runs them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.context import WorkContext
from bot.store.due import ClaimedItem


@dataclass(kw_only=True)
class JobContext(WorkContext):
    """A job's view: the transaction, clock and config, plus whether it runs late."""

    late: bool = False
    scheduled_for: datetime | None = None


DueHandler = Callable[[JobContext, ClaimedItem], Awaitable[None]]
CronHandler = Callable[[JobContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CronJob:
    """A named job run on a crontab schedule (local time)."""

    name: str
    crontab: str
    func: CronHandler
    help: str


@dataclass
class JobRegistry:
    """One feature's jobs."""

    name: str
    due_handlers: dict[str, DueHandler] = field(default_factory=dict)
    cron_jobs: list[CronJob] = field(default_factory=list)

    def due(self, kind: str) -> Callable[[DueHandler], DueHandler]:
        """Register the handler for due items of ``kind``."""

        def register(func: DueHandler) -> DueHandler:
            self.due_handlers[kind] = func
            return func

        return register

    def cron(self, name: str, crontab: str, *, help: str) -> Callable[[CronHandler], CronHandler]:
        """Register a cron job, e.g. ``@jobs.cron("housekeeping", "30 3 * * *", help=…)``."""

        def register(func: CronHandler) -> CronHandler:
            self.cron_jobs.append(CronJob(name, crontab, func, help))
            return func

        return register

    @classmethod
    def merge(cls, registries: Iterable[JobRegistry]) -> JobRegistry:
        """All features' jobs in one registry; duplicate names are an error."""
        merged = cls("all")
        for reg in registries:
            for kind, func in reg.due_handlers.items():
                if kind in merged.due_handlers:
                    raise ValueError(f"due kind {kind!r} registered twice")
                merged.due_handlers[kind] = func
            for job in reg.cron_jobs:
                if any(j.name == job.name for j in merged.cron_jobs):
                    raise ValueError(f"cron job {job.name!r} registered twice")
                merged.cron_jobs.append(job)
        return merged
