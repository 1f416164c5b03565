"""The phone rungs of a broadcast's escalation: SMS and voice calls to whoever is still silent.

Each rung of ``broadcast.escalation.ladders.<级别>`` is a due item set when the broadcast is
sent (:func:`plan`); when it fires, :func:`reach` queues one templated SMS or call per silent
person (or per 带班领导 on duty) — each an at-most-once emergency outbox row under a key that an
acknowledgement withdraws (:func:`withdraw_for`), audited with the number masked and counted in
``phone_contacts`` (per-person daily limit, per-unit monthly counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import ForeignKey, Index, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.config.platforms import PhoneTemplate
from bot.core import phone_messages
from bot.core.clock import LocalTime
from bot.core.phone_messages import PhoneMessage
from bot.core.privacy import mask_phone
from bot.store import audit, due, outbox, outbox_once
from bot.store.base import Base
from models.broadcast import records as bc
from models.broadcast.settings import LadderStep, PhoneEscalation
from models.directory.users import OrgUnit, User
from models.duty.records import slots_at

LADDER = "broadcast.ladder"


class PhoneContact(Base):
    """One SMS or call the ladder queued (whether it went: its outbox row says)."""

    __tablename__ = "phone_contacts"
    __table_args__ = (Index("ix_phone_contacts_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), default=None)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), default=None)
    step: Mapped[int]
    created_at: Mapped[datetime]


def key_prefix(broadcast_id: int, user_id: int | None = None) -> str:
    """Keys of a broadcast's phone rows (of one recipient's when ``user_id`` is given)."""
    return f"bcx:{broadcast_id}:" + ("" if user_id is None else f"u{user_id}:")


async def plan(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, cfg: PhoneEscalation
) -> None:
    """One due item per rung of the broadcast's level (none when it has no ladder)."""
    for index, step in enumerate(cfg.ladders.get(broadcast.level_enum.value, ())):
        await due.schedule(
            session,
            now,
            kind=LADDER,
            due_at=now + timedelta(minutes=step.after_minutes),
            payload={"broadcast_id": broadcast.id, "step": index},
            key=f"bc:{broadcast.id}:ladder:{index}",
        )


def quiet_until(cfg: PhoneEscalation, level: str, now: datetime, tz: LocalTime) -> datetime | None:
    """When the quiet hours end, if ``now`` is inside them for this level; else None."""
    if not cfg.quiet_hours or level not in cfg.quiet_levels:
        return None
    start, end = (time.fromisoformat(t) for t in cfg.quiet_hours)
    local = tz.local(now)
    at = local.time()
    inside = start <= at < end if start < end else at >= start or at < end
    if not inside:
        return None
    finish = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return finish if finish > local else finish + timedelta(days=1)


def fields(broadcast: bc.Broadcast, step: LadderStep, waiting: int) -> dict[str, str]:
    """Every value a ladder template may use (settings.LADDER_FIELDS)."""
    return {
        "title": broadcast.scope,
        "level": broadcast.level_enum.label,
        "minutes": str(step.after_minutes),
        "waiting": str(waiting),
        "code": broadcast.code,
    }


@dataclass
class Reached:
    """What one rung did: who was queued, who could not be reached and why."""

    queued: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


async def reach(
    session: AsyncSession,
    now: datetime,
    broadcast: bc.Broadcast,
    index: int,
    step: LadderStep,
    template: PhoneTemplate,
    people: list[User],
    *,
    values: dict[str, str],
    cfg: PhoneEscalation,
    leader: bool = False,
) -> Reached:
    """Queue the rung's SMS or call to each of ``people``, once per person and rung."""
    params = {name: values[name] for name in template.params}
    done = Reached()
    for person in people:
        try:
            phone_messages.e164(person.phone or "", step.by)
        except ValueError as exc:
            reason = "通讯录中没有电话" if not person.phone else str(exc)
            done.skipped.append((person.name, reason))
            continue
        if await contacts_since(session, person.id, now - timedelta(days=1)) >= (
            cfg.max_per_person_per_day
        ):
            limit = cfg.max_per_person_per_day
            done.skipped.append((person.name, f"24 小时内已达 {limit} 次短信/电话上限"))
            continue
        who = f"L{person.id}" if leader else f"u{person.id}"
        key = f"bcx:{broadcast.id}:{who}:{index}"
        target = phone_messages.target(step.by, person.id)
        queued = await outbox.enqueue(
            session,
            now,
            target,
            PhoneMessage(person.phone or "", step.template, params).to_reply(),
            key=key,
            priority=outbox.Priority.EMERGENCY,
            kind=f"broadcast_{step.by}",
            at_most_once=True,
        )
        if not queued:
            continue  # this rung reached them already (a re-run after a crash)
        session.add(
            PhoneContact(
                outbox_key=key,
                channel=step.by,
                user_id=person.id,
                org_id=person.org_id,
                broadcast_id=broadcast.id,
                step=index,
                created_at=now,
            )
        )
        await audit.append(
            session,
            now,
            audit.Entry(
                kind="escalation",
                command=f"broadcast_{step.by}",
                platform=step.by,
                chat=str(target),
                detail={
                    "broadcast": broadcast.id,
                    "step": index,
                    "phone": mask_phone(person.phone or ""),
                    "leader": leader,
                },
            ),
        )
        done.queued.append(person.name)
    return done


async def people(
    session: AsyncSession, now: datetime, step: LadderStep, waiting: list[int]
) -> list[User]:
    """Whom the rung reaches: the silent recipients, or the 带班领导 on duty now."""
    if step.to == "duty_leader":
        leaders = {s.leader.id: s.leader for s in await slots_at(session, now) if s.leader}
        return [u for u in leaders.values() if u.active]
    if not waiting:
        return []
    found = await session.scalars(select(User).where(User.id.in_(waiting)).order_by(User.id))
    return [u for u in found if u.active]


async def contacts_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """SMS and calls queued to ``user_id`` since then (the per-person limit)."""
    found = await session.scalar(
        select(func.count(PhoneContact.id)).where(
            PhoneContact.user_id == user_id, PhoneContact.created_at >= since
        )
    )
    return int(found or 0)


async def withdraw_for(session: AsyncSession, broadcast_id: int, user_id: int | None) -> int:
    """Cancel the phone rows not yet handed to the provider: one person's, or all of them."""
    return await outbox_once.withdraw(session, key_prefix(broadcast_id, user_id))


async def pending(session: AsyncSession, broadcast_id: int) -> bool:
    """Whether any of the broadcast's phone rows could still be withdrawn."""
    row = outbox.OutboxMessage
    found = await session.scalar(
        select(row.id)
        .where(
            row.idempotency_key.startswith(key_prefix(broadcast_id), autoescape=True),
            row.status.in_((outbox.OutboxStatus.PENDING.value, outbox.OutboxStatus.SENDING.value)),
            row.send_started_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


async def monthly_counts(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(unit, channel, count) of the SMS and calls the providers accepted in [start, end)."""
    row = outbox.OutboxMessage
    rows = await session.execute(
        select(OrgUnit.name, PhoneContact.channel, func.count(PhoneContact.id))
        .join(
            outbox.OutboxMessage, outbox.OutboxMessage.idempotency_key == PhoneContact.outbox_key
        )
        .outerjoin(OrgUnit, OrgUnit.id == PhoneContact.org_id)
        .where(
            row.status == outbox.OutboxStatus.SENT.value,
            row.sent_at >= start,
            row.sent_at < end,
        )
        .group_by(OrgUnit.name, PhoneContact.channel)
        .order_by(OrgUnit.name, PhoneContact.channel)
    )
    return [(str(unit or "—"), str(channel), int(n)) for unit, channel, n in rows]
