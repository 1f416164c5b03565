"""Time-driven jobs, one module per feature. REGISTRIES is the one list the ticker runs."""

from bot.core.jobs import JobRegistry
from schedules import housekeeping, petitions, proposals, reminders, reports, supervision

REGISTRIES: tuple[JobRegistry, ...] = (
    reminders.jobs,
    housekeeping.jobs,
    supervision.jobs,
    proposals.jobs,
    petitions.jobs,
    reports.jobs,
)
