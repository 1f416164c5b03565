"""Time-driven jobs, one module per feature. REGISTRIES is the one list the ticker runs."""

from bot.core.jobs import JobRegistry
from schedules import (
    broadcast,
    duty,
    duty_incident,
    duty_rollcall,
    housekeeping,
    petitions,
    proposals,
    reminders,
    reports,
    supervision,
    tickets,
)

REGISTRIES: tuple[JobRegistry, ...] = (
    reminders.jobs,
    housekeeping.jobs,
    duty.jobs,
    duty_rollcall.jobs,
    duty_incident.jobs,
    supervision.jobs,
    proposals.jobs,
    petitions.jobs,
    reports.jobs,
    broadcast.jobs,
    tickets.jobs,
)
