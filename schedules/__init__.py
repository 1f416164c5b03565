"""Time-driven jobs, one module per feature. REGISTRIES is the one list the ticker runs."""

from bot.core.jobs import JobRegistry
from schedules.admin import audit_anchor, auditor, housekeeping
from schedules.broadcast import jobs as broadcast
from schedules.broadcast import ladder as broadcast_ladder
from schedules.deadlines import jobs as deadlines
from schedules.documents import jobs as documents
from schedules.duty import daily as duty_daily
from schedules.duty import incident as duty_incident
from schedules.duty import jobs as duty
from schedules.duty import phone as duty_phone
from schedules.duty import rollcall as duty_rollcall
from schedules.meetings import jobs as meetings
from schedules.petitions import jobs as petitions
from schedules.proposals import jobs as proposals
from schedules.reminders import jobs as reminders
from schedules.reports import jobs as reports
from schedules.submissions import jobs as submissions
from schedules.supervision import jobs as supervision
from schedules.tickets import jobs as tickets
from schedules.vehicles import jobs as vehicles

REGISTRIES: tuple[JobRegistry, ...] = (
    reminders.jobs,
    housekeeping.jobs,
    audit_anchor.jobs,
    auditor.jobs,
    duty.jobs,
    duty_rollcall.jobs,
    duty_phone.jobs,
    duty_incident.jobs,
    duty_daily.jobs,
    supervision.jobs,
    proposals.jobs,
    petitions.jobs,
    reports.jobs,
    broadcast.jobs,
    meetings.jobs,
    broadcast_ladder.jobs,
    tickets.jobs,
    deadlines.jobs,
    vehicles.jobs,
    submissions.jobs,
    documents.jobs,
)
