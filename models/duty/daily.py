"""值班日报: what one shift (or one day) brought — log entries, incidents, reports made upward,
bulletins issued and the handovers — collected as data for the text and the .docx.

The window is a roster slot's own start and end (``duty.shifts`` as the roster stored them),
so the report follows the configured shifts; ``/daily DATE`` spans the slots of that day. The
push at a slot's end is a due item keyed per slot (``DAILY`` in ``models/duty/due.py``), and
its outbox key is per slot too, so a restart neither skips nor repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from models.duty.bulletin import BulletinStatus, DutyBulletin
from models.duty.incident import Incident, IncidentReport
from models.duty.log import DutyLog
from models.duty.records import DutySlot, slots_between
from models.duty.shift import DutyHandover


@dataclass
class DailyReport:
    """One shift's or day's 值班日报."""

    day: date
    start: datetime
    end: datetime
    slots: list[DutySlot]
    logs: list[DutyLog] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    reports: list[tuple[Incident, IncidentReport]] = field(default_factory=list)
    bulletins: list[DutyBulletin] = field(default_factory=list)
    handovers: list[DutyHandover] = field(default_factory=list)


async def collect(
    session: AsyncSession, day: date, start: datetime, end: datetime, slots: list[DutySlot]
) -> DailyReport:
    """Everything recorded from ``start`` (inclusive) to ``end`` (exclusive)."""
    found = DailyReport(day, start, end, slots)
    found.logs = list(
        await session.scalars(
            select(DutyLog)
            .where(DutyLog.recorded_at >= start, DutyLog.recorded_at < end)
            .order_by(DutyLog.id)
        )
    )
    found.incidents = list(
        await session.scalars(
            select(Incident)
            .where(Incident.opened_at < end)
            .where((Incident.closed_at.is_(None)) | (Incident.closed_at >= start))
            .order_by(Incident.id)
        )
    )
    rows = await session.execute(
        select(Incident, IncidentReport)
        .join(IncidentReport, IncidentReport.incident_id == Incident.id)
        .where(IncidentReport.sent_at >= start, IncidentReport.sent_at < end)
        .order_by(IncidentReport.sent_at, IncidentReport.id)
    )
    found.reports = [(row[0], row[1]) for row in rows]
    found.bulletins = list(
        await session.scalars(
            select(DutyBulletin)
            .where(
                DutyBulletin.status == BulletinStatus.ISSUED.value,
                DutyBulletin.issued_at >= start,
                DutyBulletin.issued_at < end,
            )
            .order_by(DutyBulletin.issued_at)
        )
    )
    found.handovers = list(
        await session.scalars(
            select(DutyHandover)
            .where(DutyHandover.at >= start, DutyHandover.at < end)
            .order_by(DutyHandover.at)
        )
    )
    return found


async def for_slot(session: AsyncSession, slot: DutySlot) -> DailyReport:
    """The report of one shift, over its own window."""
    return await collect(session, slot.day, slot.start_at, slot.end_at, [slot])


async def for_day(session: AsyncSession, tz: LocalTime, day: date) -> DailyReport:
    """The report of a day: from its first slot's start to its last slot's end, or the local
    calendar day when nobody was rostered."""
    slots = await slots_between(session, day, day)
    if slots:
        start, end = min(s.start_at for s in slots), max(s.end_at for s in slots)
    else:
        start = tz.start_of_day(day)
        end = start + timedelta(days=1)
    return await collect(session, day, start, end, slots)
