"""突发事件 incidents and their 初报/续报/终报, with report deadlines by level from config
(``duty.incident_limits``, sources in docs/rules.md §Incident reports) and due items that remind
before and escalate after each."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store import due
from bot.store.base import Base
from models.duty.settings import DutyConfig, IncidentLimit

CLOCK = "duty-incident"
STAGES = {"phone": "电话报告", "written": "书面初报", "followup": "续报"}


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
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    reports: Mapped[list[IncidentReport]] = relationship(
        lazy="selectin", order_by="IncidentReport.id"
    )


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
    """A reminder before ``at`` and an overdue escalation at ``at`` for one stage."""
    before = at - timedelta(minutes=cfg.incident_remind_minutes)
    for step, when in (("remind", before), ("overdue", at)):
        if when <= now:
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
    """When the 电话 and 书面 initial reports are due."""
    limit = limit_for(cfg, incident.level)
    found = {"written": incident.opened_at + timedelta(minutes=limit.written_minutes)}
    if limit.phone_minutes:
        found["phone"] = incident.opened_at + timedelta(minutes=limit.phone_minutes)
    return found


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
) -> Incident:
    """Open an incident and start its report clocks."""
    limit_for(cfg, level)
    incident = Incident(
        category=category,
        level=level,
        summary=summary,
        log_id=log_id,
        opened_by=by_user_id,
        opened_at=now,
    )
    session.add(incident)
    await session.flush()
    for stage, at in deadlines(cfg, incident).items():
        await _clock(session, now, cfg, incident, stage, at)
    return incident


async def add_report(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    incident: Incident,
    kind: str,
    text: str,
    by_user_id: int,
) -> IncidentReport:
    """Record 初报/续报/终报 and move the clocks: 初报 stops the initial ones, each 续报 restarts
    the follow-up clock, 终报 closes the incident."""
    if incident.closed_at is not None:
        raise UserError(f"事件 #{incident.id} 已终报，不能再报告。")
    kinds = [r.kind for r in incident.reports]
    if kind == "初报" and "初报" in kinds:
        raise UserError(
            f"事件 #{incident.id} 已有初报，请用 /incident followup {incident.id} 续报。"
        )
    if kind != "初报" and "初报" not in kinds:
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
    await due.cancel(session, prefix(incident.id))
    if kind == "终报":
        incident.closed_at = now
    else:
        hours = limit_for(cfg, incident.level).followup_hours
        if hours:
            await _clock(session, now, cfg, incident, "followup", now + timedelta(hours=hours))
    await session.flush()
    await session.refresh(incident)
    return report
