"""Time-driven jobs, one module per feature. REGISTRIES is the one list the ticker runs."""

from bot.core.jobs import JobRegistry
from schedules import broadcast, housekeeping, reminders

REGISTRIES: tuple[JobRegistry, ...] = (
    reminders.jobs,
    housekeeping.jobs,
    broadcast.jobs,
)
