"""Phone escalation ladders, whatever they chase: rungs as due items, one templated SMS or call
per person and rung through the outbox, per-person limits, withdrawal on an answer, counts.

A chase (a red broadcast, a missed check-in, an unanswered 查岗) names its rungs in config
(:class:`~models.directory.ladder_settings.LadderStep`); :func:`plan` makes each a due item,
and when one fires, :func:`fire` queues an at-most-once emergency outbox row per person still
silent, under the chase's key prefix, which the answer :func:`withdraw` s (a row already handed
to the provider cannot be called back; one claimed but not yet started is). Every row is
audited with the number masked and counted in ``phone_contacts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config.platforms import PlatformsConfig
from bot.core import phone_messages
from bot.core.clock import LocalTime
from bot.core.messages import Target
from bot.core.phone_messages import PhoneMessage
from bot.core.privacy import mask_phone
from bot.store import audit, due, outbox, outbox_once
from models.directory.ladder_settings import LadderStep, quiet_until
from models.directory.phone_contacts import PhoneContact, contacts_since
from models.directory.users import OrgUnit, User


@dataclass(frozen=True, slots=True)
class Callee:
    """Someone a rung may text or call: a person, or a unit's 值班电话 (an office line)."""

    name: str
    phone: str
    address: str
    user_id: int | None = None
    org_id: int | None = None


def person(user: User) -> Callee:
    """A person of the directory, by the phone on file (empty when none)."""
    return Callee(
        user.name, user.phone or "", phone_messages.address(user.id), user.id, user.org_id
    )


def unit_line(org: OrgUnit, phone: str) -> Callee:
    """A unit's 值班电话."""
    return Callee(f"{org.name}值班电话", phone, f"o{org.id}", None, org.id)


@dataclass(frozen=True, slots=True)
class Rung:
    """One rung as it fires: which chase, which step, what its template is filled with.

    Attributes:
        topic: The chase (``broadcast``, ``checkin``, ``rollcall``, ``unitcheck``): the outbox
            kind and audit command are ``<topic>_<sms|voice>``.
        prefix: The chase's outbox key prefix (an answer withdraws everything under it).
        index: The rung's place in its ladder.
        step: The rung.
        values: Every value its template may use.
        limit: SMS plus calls one person may get in 24 hours.
        broadcast_id: The broadcast chased, if that is what it is (the contact names it).
    """

    topic: str
    prefix: str
    index: int
    step: LadderStep
    values: dict[str, str]
    limit: int
    broadcast_id: int | None = None

    @property
    def leader(self) -> bool:
        """Whether the rung reaches the 带班领导 rather than those chased."""
        return self.step.to == "duty_leader"


@dataclass
class Reached:
    """What one rung did: who was queued, who could not be reached and why, or why nobody was."""

    queued: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problem: str | None = None

    @property
    def worth_telling(self) -> bool:
        """Whether anything happened that someone should hear of."""
        return bool(self.queued or self.skipped or self.problem)


def own_key(prefix: str, user_id: int | None) -> str:
    """Keys of one chased person's rows under a chase's ``prefix`` (all of them with None)."""
    return prefix + ("" if user_id is None else f"{phone_messages.address(user_id)}:")


async def plan(
    session: AsyncSession,
    now: datetime,
    steps: tuple[LadderStep, ...],
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    start: datetime | None = None,
) -> None:
    """One due item per rung, ``after_minutes`` from ``start`` (now), keyed ``key + index``."""
    for index, step in enumerate(steps):
        await due.schedule(
            session,
            now,
            kind=kind,
            due_at=(start or now) + timedelta(minutes=step.after_minutes),
            payload={**payload, "step": index},
            key=f"{key}{index}",
        )


async def wait_out_quiet(
    session: AsyncSession,
    now: datetime,
    tz: LocalTime,
    quiet_hours: tuple[str, ...],
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
) -> bool:
    """In quiet hours, move the rung to their end and say True; else False (fire it now)."""
    resume = quiet_until(quiet_hours, now, tz)
    if resume is None:
        return False
    await due.schedule(session, now, kind=kind, due_at=resume, payload=payload, key=key)
    return True


async def fire(
    session: AsyncSession,
    now: datetime,
    platforms: PlatformsConfig,
    rung: Rung,
    callees: list[Callee],
) -> Reached:
    """Queue the rung's SMS or call to each callee, unless its platform or template is amiss."""
    step = rung.step
    platform = getattr(platforms, step.by)
    template = platform.templates.get(step.template)
    if not platform.enabled or template is None:
        return Reached(problem=f"platforms.{step.by} 未启用")
    params = {name: rung.values[name] for name in template.params}
    if misfit := template.misfit(params):
        return Reached(problem=f"内容不符合已审核的模板「{step.template}」（{misfit}）")
    if not callees and rung.leader:
        return Reached(problem="当前值班表中没有带班领导")
    done = Reached()
    for callee in callees:
        if (why := await _unreachable(session, now, rung, callee)) is not None:
            done.skipped.append((callee.name, why))
        elif await _queue(
            session, now, rung, callee, PhoneMessage(callee.phone, step.template, params)
        ):
            done.queued.append(callee.name)
    return done


async def _unreachable(
    session: AsyncSession, now: datetime, rung: Rung, callee: Callee
) -> str | None:
    """Why the rung cannot reach ``callee`` (no number, a landline for SMS, the limit)."""
    try:
        phone_messages.e164(callee.phone, rung.step.by)
    except ValueError as exc:
        return "通讯录中没有电话" if not callee.phone else str(exc)
    if await contacts_since(session, callee.address, now - timedelta(days=1)) >= rung.limit:
        return f"24 小时内已达 {rung.limit} 次短信/电话上限"
    return None


async def _queue(
    session: AsyncSession, now: datetime, rung: Rung, callee: Callee, message: PhoneMessage
) -> bool:
    """One outbox row, its contact and its audit entry; False when queued before (a re-run)."""
    by = rung.step.by
    who = f"L{callee.user_id}" if rung.leader else callee.address
    key = f"{rung.prefix}{who}:{rung.index}"
    target = Target(by, callee.address)
    queued = await outbox.enqueue(
        session,
        now,
        target,
        message.to_reply(),
        key=key,
        priority=outbox.Priority.EMERGENCY,
        kind=f"{rung.topic}_{by}",
        at_most_once=True,
    )
    if not queued:
        return False
    session.add(
        PhoneContact(
            outbox_key=key,
            channel=by,
            address=callee.address,
            user_id=callee.user_id,
            org_id=callee.org_id,
            broadcast_id=rung.broadcast_id,
            step=rung.index,
            created_at=now,
        )
    )
    detail = {"step": rung.index, "phone": mask_phone(callee.phone), "leader": rung.leader}
    if rung.broadcast_id is not None:
        detail["broadcast"] = rung.broadcast_id
    await audit.append(
        session,
        now,
        audit.Entry(
            kind="escalation",
            command=f"{rung.topic}_{by}",
            platform=by,
            chat=str(target),
            detail={"chase": rung.prefix, **detail},
        ),
    )
    return True


async def withdraw(session: AsyncSession, prefix: str) -> int:
    """Cancel a chase's phone rows under ``prefix`` not yet handed to the provider."""
    return await outbox_once.withdraw(session, prefix)


async def pending(session: AsyncSession, prefix: str) -> bool:
    """Whether any of a chase's phone rows could still be withdrawn."""
    row = outbox.OutboxMessage
    found = await session.scalar(
        select(row.id)
        .where(
            row.idempotency_key.startswith(prefix, autoescape=True),
            row.status.in_((outbox.OutboxStatus.PENDING.value, outbox.OutboxStatus.SENDING.value)),
            row.send_started_at.is_(None),
        )
        .limit(1)
    )
    return found is not None
