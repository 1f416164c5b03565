"""值班信息 / 要情快报: a bulletin drafted from a duty-log entry or an incident, edited field by
field, reviewed by the 带班领导 on duty (批准 or 退回 with a reason, then revised and resubmitted)
and, on approval, given the next 期号 of its masthead and year (``bot/store/numbers.py``).

Review buttons carry a token signed with a secret drawn afresh at each submission and bound to
the bulletin, its revision, the action and the reviewer: a forged token, one from an earlier
revision, or one pressed by anyone else is refused.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.store import numbers
from bot.store.base import Base
from models.directory.users import User
from models.duty.bulletin_settings import MASTHEADS
from models.duty.incident import Incident
from models.duty.log import DutyLog
from models.duty.triage import casualties

#: Editable fields in form order, with the label people type (``地点=河口乡``) and read.
FIELDS = {
    "event": "事件",
    "occurred": "时间",
    "place": "地点",
    "casualties": "伤亡",
    "actions": "已采取措施",
    "reporter": "报告人",
}
LIMITS = {"event": 1000, "occurred": 50, "place": 100, "casualties": 200, "actions": 1000}
LIMITS["reporter"] = 50
_BUCKETS = {"deaths": "死亡{}人", "injured": "受伤{}人", "trapped": "被困（失联）{}人"}


class BulletinStatus(enum.StrEnum):
    """Where a bulletin stands."""

    DRAFT = "草稿"
    REVIEW = "待审核"
    RETURNED = "已退回"
    ISSUED = "已签发"


class DutyBulletin(Base):
    """One 值班信息 or 要情快报."""

    __tablename__ = "duty_bulletins"
    __table_args__ = (UniqueConstraint("masthead", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    masthead: Mapped[str] = mapped_column(String(10))
    log_id: Mapped[int | None] = mapped_column(ForeignKey("duty_logs.id"), default=None)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("duty_incidents.id"), default=None)
    event: Mapped[str] = mapped_column(Text, default="")
    occurred: Mapped[str] = mapped_column(String(50), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    casualties: Mapped[str] = mapped_column(String(200), default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(10), index=True)
    drafter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    revision: Mapped[int] = mapped_column(default=0)
    review_secret: Mapped[str] = mapped_column(String(32), default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(default=None)
    number: Mapped[int | None] = mapped_column(default=None)
    issued_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    drafter: Mapped[User] = relationship(foreign_keys=[drafter_id], lazy="joined")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id], lazy="joined")

    @property
    def issue(self) -> str:
        """``第3期`` once issued, else empty."""
        return f"第{self.number}期" if self.number else ""

    def values(self) -> dict[str, str]:
        """Label → value in form order."""
        return {label: getattr(self, name) for name, label in FIELDS.items()}


def casualty_text(text: str) -> str:
    """``死亡1人、受伤2人`` from the counts the text mentions; empty when none."""
    found = casualties(text)
    return "、".join(form.format(found[key]) for key, form in _BUCKETS.items() if key in found)


def fields_from_log(entry: DutyLog, tz: LocalTime) -> dict[str, str]:
    """The form filled from a duty-log entry."""
    who = " ".join(p for p in (entry.caller_org, entry.caller_name) if p)
    return {
        "event": entry.summary,
        "occurred": entry.occurred or tz.fmt(entry.occurred_at or entry.recorded_at),
        "place": entry.place or "",
        "casualties": casualty_text(entry.summary),
        "actions": entry.actions or "",
        "reporter": (who or entry.recorder.name)[: LIMITS["reporter"]],
    }


def fields_from_incident(
    incident: Incident, entry: DutyLog | None, tz: LocalTime, opener: str
) -> dict[str, str]:
    """The form filled from an incident (and the log entry it came from, if any); the reports
    already made go under 已采取措施."""
    base = fields_from_log(entry, tz) if entry is not None else {}
    done = "；".join(f"{r.title}：{r.text}" for r in incident.reports if r.text)
    actions = "；".join(p for p in (base.get("actions", ""), done) if p and p != "无")
    return {
        "event": f"{incident.category}：{incident.summary}",
        "occurred": tz.fmt(incident.received_at),
        "place": base.get("place", ""),
        "casualties": casualty_text(incident.summary) or base.get("casualties", ""),
        "actions": actions[: LIMITS["actions"]],
        "reporter": base.get("reporter") or opener,
    }


def check_value(name: str, value: str) -> str:
    """``value`` as field ``name`` keeps it.

    Raises:
        UserError: empty, or longer than the field holds (with the fix).
    """
    value = value.strip()
    label = FIELDS[name]
    if not value:
        raise UserError(f"「{label}」不能为空，例如 {label}=…")
    if len(value) > LIMITS[name]:
        raise UserError(f"「{label}」最多 {LIMITS[name]} 字（现 {len(value)} 字），请精简后重发")
    return value


def draft(
    now: datetime,
    masthead: str,
    fields: dict[str, str],
    drafter_id: int,
    *,
    log_id: int | None = None,
    incident_id: int | None = None,
) -> DutyBulletin:
    """A new draft (not yet added to the session)."""
    if masthead not in MASTHEADS:
        raise UserError(f"刊头应为 {'/'.join(MASTHEADS)}")
    bulletin = DutyBulletin(
        masthead=masthead,
        log_id=log_id,
        incident_id=incident_id,
        status=BulletinStatus.DRAFT.value,
        drafter_id=drafter_id,
        created_at=now,
        updated_at=now,
        revision=0,
        review_secret="",
        return_reason="",
    )
    for name, value in fields.items():
        setattr(bulletin, name, value[: LIMITS[name]])
    return bulletin


async def get(session: AsyncSession, bulletin_id: int) -> DutyBulletin:
    """The bulletin, or a UserError pointing at the list."""
    found = await session.get(DutyBulletin, bulletin_id)
    if found is None:
        raise UserError(f"没有编号为 {bulletin_id} 的快报，发送 /bulletin_list 查看。")
    return found


def editable_by(bulletin: DutyBulletin, user_id: int) -> None:
    """Only the drafter edits, and only a draft or a returned bulletin.

    Raises:
        UserError: someone else's bulletin, or one under review or issued.
    """
    if bulletin.drafter_id != user_id:
        raise UserError(
            f"快报 #{bulletin.id} 由 {bulletin.drafter.name} 拟稿，只有拟稿人可以修改。"
        )
    if bulletin.status not in (BulletinStatus.DRAFT, BulletinStatus.RETURNED):
        raise UserError(f"快报 #{bulletin.id} 当前为「{bulletin.status}」，不能修改。")


def submit(now: datetime, bulletin: DutyBulletin, user_id: int, reviewer_id: int) -> None:
    """Send a draft or a revised bulletin for review; a new secret voids earlier buttons."""
    editable_by(bulletin, user_id)
    missing = [FIELDS[n] for n in ("event", "occurred", "reporter") if not getattr(bulletin, n)]
    if missing:
        raise UserError(f"请先补充：{'、'.join(missing)}（例如 /bulletin_edit {bulletin.id}）")
    bulletin.status = BulletinStatus.REVIEW.value
    bulletin.reviewer_id, bulletin.revision = reviewer_id, bulletin.revision + 1
    bulletin.review_secret = secrets.token_hex(16)
    bulletin.updated_at = now


def token(bulletin: DutyBulletin, action: str) -> str:
    """The signed token of a review button (``approve`` or ``return``)."""
    message = f"{bulletin.id}:{bulletin.revision}:{action}:{bulletin.reviewer_id}"
    digest = hmac.new(bulletin.review_secret.encode(), message.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def check_review(bulletin: DutyBulletin, user_id: int, action: str, given: str) -> None:
    """The presser is the reviewer and the token is this revision's.

    Raises:
        UserError: not under review, someone else's review, or a forged or stale token.
    """
    if bulletin.status != BulletinStatus.REVIEW:
        raise UserError(f"快报 #{bulletin.id} 当前为「{bulletin.status}」，无需审核。")
    if bulletin.reviewer_id != user_id:
        who = bulletin.reviewer.name if bulletin.reviewer else "带班领导"
        raise UserError(f"快报 #{bulletin.id} 应由 {who} 审核，您无权处理。")
    if not bulletin.review_secret or not hmac.compare_digest(token(bulletin, action), given):
        raise UserError(f"该审核按钮无效或已过期，请使用快报 #{bulletin.id} 最新的审核消息。")


def send_back(now: datetime, bulletin: DutyBulletin, reason: str) -> None:
    """退回 with a reason; the drafter revises and resubmits."""
    bulletin.status, bulletin.return_reason = BulletinStatus.RETURNED.value, reason
    bulletin.review_secret, bulletin.updated_at = "", now


async def issue(
    session: AsyncSession, now: datetime, tz: LocalTime, bulletin: DutyBulletin
) -> None:
    """批准: the next 期号 of the masthead in the local year of ``now``."""
    year = tz.local(now).year
    bulletin.year = year
    bulletin.number = await numbers.next_number(session, bulletin.masthead, year)
    bulletin.status, bulletin.issued_at = BulletinStatus.ISSUED.value, now
    bulletin.review_secret, bulletin.updated_at = "", now
    await session.flush()


async def recent(session: AsyncSession, limit: int = 20) -> list[DutyBulletin]:
    """The latest bulletins, newest first."""
    query = select(DutyBulletin).order_by(DutyBulletin.id.desc()).limit(limit)
    return list(await session.scalars(query))
