"""突发事件 incidents and their 电话报告/初报/续报/终报, with report deadlines by level from config
(``duty.incident_limits``, sources in docs/rules.md §Incident reports) counted from 接报, and due
items that remind before and escalate after each."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store import due
from bot.store.base import Base
from models.duty.settings import DutyConfig, IncidentLimit

CLOCK = "duty-incident"
STAGES = {"phone": "电话报告", "written": "书面初报", "followup": "续报"}
PHONE, WRITTEN = "电话", "初报"  # report kinds that stop the phone / both initial clocks


class Incident(Base):
    """One emergency being reported upward."""

    __tablename__ = "duty_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    log_id: Mapped[int | None] = mapped_column(ForeignKey("duty_logs.id"), default=None)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    opened_at: Mapped[datetime]
    # 接报: when the report came in (the log entry's 时间); the report clocks run from it.
    reported_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    reports: Mapped[list[IncidentReport]] = relationship(
        lazy="selectin", order_by="IncidentReport.id"
    )

    @property
    def received_at(self) -> datetime:
        """接报: the time the report came in, else the time the incident was opened."""
        return self.reported_at or self.opened_at

    def has(self, kind: str) -> bool:
        """Whether a report of ``kind`` (电话, 初报, 续报, 终报) was recorded."""
        return any(r.kind == kind for r in self.reports)

    def done(self, stage: str) -> bool:
        """Whether an initial stage (phone, written) needs no more report."""
        return self.has(WRITTEN) or (stage == "phone" and self.has(PHONE))


class IncidentReport(Base):
    """A report sent upward: 初报, 续报N or 终报."""

    __tablename__ = "duty_incident_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("duty_incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime]

    @property
    def title(self) -> str:
        """``初报`` / ``续报二`` / ``终报``."""
        numerals = "一二三四五六七八九十"
        if self.kind == PHONE:
            return "电话报告"
        if self.kind != "续报":
            return self.kind
        return f"续报{numerals[self.seq - 1] if self.seq <= 10 else self.seq}"


def prefix(incident_id: int) -> str:
    """Key prefix of an incident's clocks."""
    return f"duty:incident:{incident_id}:"


def limit_for(cfg: DutyConfig, level: str) -> IncidentLimit:
    """The configured time limits of a level."""
    found = next((v for k, v in cfg.incident_limits.items() if k == level), None)
    if found is None:
        raise UserError(
            f"config.yaml 的 duty.incident_limits 未配置「{level}」的报告时限，请联系管理员。"
        )
    return found


async def _clock(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    incident: Incident,
    stage: str,
    at: datetime,
) -> None:
    """A reminder before ``at`` and an overdue escalation at ``at`` for one stage; a deadline
    already past (a report logged late) escalates at once."""
    before = at - timedelta(minutes=cfg.incident_remind_minutes)
    for step, when in (("remind", before), ("overdue", max(at, now))):
        if when <= now and step == "remind":
            continue
        await due.schedule(
            session,
            now,
            kind=CLOCK,
            due_at=when,
            payload={
                "incident_id": incident.id,
                "stage": stage,
                "step": step,
                "due": at.isoformat(),
            },
            key=f"{prefix(incident.id)}{stage}:{step}",
        )


def deadlines(cfg: DutyConfig, incident: Incident) -> dict[str, datetime]:
    """When the 电话 and 书面 initial reports are due, counted from 接报; phone first."""
    limit = limit_for(cfg, incident.level)
    start = incident.received_at
    found = {}
    if limit.phone_minutes:
        found["phone"] = start + timedelta(minutes=limit.phone_minutes)
    found["written"] = start + timedelta(minutes=limit.written_minutes)
    return found


def next_followup(cfg: DutyConfig, level: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When the next 续报 is due after a report made ``now``: a rolling interval, or the first
    fixed daily time at least ``followup_min_minutes`` away; None when the level has neither."""
    limit = limit_for(cfg, level)
    if limit.followup_hours:
        return now + timedelta(hours=limit.followup_hours)
    if not limit.followup_times:
        return None
    earliest = now + timedelta(minutes=limit.followup_min_minutes)
    local = earliest.astimezone(tz)
    for days in range(2):
        day = local.date() + timedelta(days=days)
        for at in sorted(limit.followup_times):
            moment = datetime.combine(day, at, tz)
            if moment >= local:
                return moment.astimezone(now.tzinfo)
    return None  # unreachable: some fixed time comes within two days


async def plan_initial(
    session: AsyncSession, now: datetime, cfg: DutyConfig, incident: Incident
) -> None:
    """(Re)start the clocks of the initial reports not yet made, from 接报."""
    for stage in ("phone", "written"):
        await due.cancel(session, f"{prefix(incident.id)}{stage}:")
    for stage, at in deadlines(cfg, incident).items():
        if not incident.done(stage):
            await _clock(session, now, cfg, incident, stage, at)


async def open_incident(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    *,
    category: str,
    level: str,
    summary: str,
    by_user_id: int | None,
    log_id: int | None = None,
    reported_at: datetime | None = None,
) -> Incident:
    """Open an incident and start its report clocks from 接报 (``reported_at``, else now)."""
    limit_for(cfg, level)
    incident = Incident(
        category=category,
        level=level,
        summary=summary,
        log_id=log_id,
        opened_by=by_user_id,
        opened_at=now,
        reported_at=reported_at or now,
    )
    session.add(incident)
    await session.flush()
    await session.refresh(incident)
    await plan_initial(session, now, cfg, incident)
    return incident


async def add_report(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    incident: Incident,
    kind: str,
    text: str,
    by_user_id: int,
    tz: ZoneInfo,
) -> IncidentReport:
    """Record 电话/初报/续报/终报 and move the clocks: 电话 stops the phone clock, 初报 (written)
    both initial ones, each 续报 restarts the follow-up clock, 终报 closes the incident."""
    if incident.closed_at is not None:
        raise UserError(f"事件 #{incident.id} 已终报，不能再报告。")
    kinds = [r.kind for r in incident.reports]
    if kind == PHONE and (PHONE in kinds or WRITTEN in kinds):
        raise UserError(f"事件 #{incident.id} 已有电话报告或书面初报，请用续报。")
    if kind == "初报" and "初报" in kinds:
        raise UserError(
            f"事件 #{incident.id} 已有初报，请用 /incident followup {incident.id} 续报。"
        )
    if kind not in (PHONE, WRITTEN) and WRITTEN not in kinds:
        raise UserError(
            f"事件 #{incident.id} 还没有初报，请先 /incident report {incident.id} 内容。"
        )
    seq = int(
        await session.scalar(
            select(func.count()).where(
                IncidentReport.incident_id == incident.id, IncidentReport.kind == "续报"
            )
        )
        or 0
    )
    report = IncidentReport(
        incident_id=incident.id,
        kind=kind,
        seq=seq + 1 if kind == "续报" else 0,
        text=text,
        by_user_id=by_user_id,
        sent_at=now,
    )
    session.add(report)
    if kind == PHONE:
        await due.cancel(session, f"{prefix(incident.id)}phone:")
        await session.flush()
        await session.refresh(incident)
        return report
    await due.cancel(session, prefix(incident.id))
    if kind == "终报":
        incident.closed_at = now
    else:
        at = next_followup(cfg, incident.level, now, tz)
        if at is not None:
            await _clock(session, now, cfg, incident, "followup", at)
    await session.flush()
    await session.refresh(incident)
    return report


async def recent(session: AsyncSession, limit: int = 30) -> list[Incident]:
    """The latest incidents, open ones first, then by when they were opened (newest first)."""
    query = (
        select(Incident)
        .order_by(Incident.closed_at.is_not(None), Incident.opened_at.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))
