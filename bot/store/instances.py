"""Running instances announce themselves; a live one takes over the claims of a dead one.

Every process (``dutybot run``) writes a row here when it starts and beats it every few
seconds (``instances.beat_seconds``). Outbox rows and due items it claims carry its id. When an
instance starts, and on each beat of a live one, claims whose owner has not beaten for
``instances.stale_seconds`` (or has no row at all) are taken back at once instead of waiting
out the lease (``outbox.lease_seconds``): ordinary outbox rows go back to pending and are
flagged as resent, at-most-once rows whose send had started become uncertain (never sent
twice), due items go back to pending. Claims with no owner (heartbeat disabled, or rows from
before migration 0018) still wait for their lease. An instance on the same host whose process
has exited counts as dead at once.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.messages import Target
from bot.store.base import Base, insert_ignore
from bot.store.due import DueItem, DueStatus
from bot.store.outbox import CLAIMED_COLUMNS, Claimed, OutboxMessage, OutboxStatus
from bot.store.outbox_once import UNCERTAIN_NOTE


class Instance(Base):
    """One running process."""

    __tablename__ = "instances"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    # Its sender's last pass over the outbox, its poller's last answer from the platform
    # (migration 0027): the auditor tells the admins when either falls silent.
    sender_at: Mapped[datetime | None] = mapped_column(default=None)
    polled_at: Mapped[datetime | None] = mapped_column(default=None)


PREFIX = "i-"


def new_id() -> str:
    """A fresh instance id (one per process start)."""
    return f"{PREFIX}{uuid.uuid4().hex[:16]}"


@dataclass
class TakeOver:
    """What one takeover moved back."""

    resent: int = 0
    uncertain: list[Claimed] = field(default_factory=list)
    due: int = 0
    dead: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.resent or self.uncertain or self.due or self.dead)


async def beat(
    session: AsyncSession,
    me: str,
    now: datetime,
    sender_at: datetime | None = None,
    polled_at: datetime | None = None,
) -> None:
    """Announce (first call) or refresh ``me``; a row deleted as stale is written again.

    ``sender_at`` and ``polled_at``: when this instance's sender last looked at the outbox and
    its poller last had an answer (None: not yet, or it does not poll).
    """
    marks = {"heartbeat_at": now, "sender_at": sender_at, "polled_at": polled_at}
    touched = await session.execute(update(Instance).where(Instance.id == me).values(**marks))
    if int(touched.rowcount) == 0:  # type: ignore[attr-defined]
        await session.execute(
            insert_ignore(session, Instance).values(
                id=me,
                host=socket.gethostname()[:200],
                pid=os.getpid(),
                started_at=now,
                **marks,
            )
        )


async def leave(session: AsyncSession, me: str) -> None:
    """A clean stop: nothing of ``me`` is left to take over."""
    await session.execute(delete(Instance).where(Instance.id == me))


async def take_over(session: AsyncSession, me: str, now: datetime, stale: timedelta) -> TakeOver:
    """Take back every claim whose owner is not a live instance (other than ``me``).

    Args:
        session: The open transaction.
        me: This instance (its own claims are never touched).
        now: The clock.
        stale: An owner whose last beat is older than this is dead.
    """
    threshold = now - stale
    others = (await session.execute(select(Instance.id, Instance.host, Instance.pid))).all()
    gone = [i for i, host, pid in others if i != me and _exited(host, pid)]
    dead = list(
        (await session.scalars(select(Instance.id).where(Instance.heartbeat_at < threshold))).all()
    )
    dead += [i for i in gone if i not in dead]
    live = select(Instance.id).where(
        Instance.heartbeat_at >= threshold, Instance.id.not_in(gone or [""])
    )
    orphan_rows = (
        (OutboxMessage.status == OutboxStatus.SENDING.value)
        & OutboxMessage.claimed_by.is_not(None)
        & (OutboxMessage.claimed_by != me)
        & OutboxMessage.claimed_by.not_in(live)
    )
    in_doubt = OutboxMessage.at_most_once.is_(True) & OutboxMessage.send_started_at.is_not(None)
    result = TakeOver(dead=dead)
    uncertain = await session.execute(
        update(OutboxMessage)
        .where(orphan_rows, in_doubt)
        .values(
            status=OutboxStatus.UNCERTAIN.value,
            lease_until=None,
            claimed_by=None,
            attempts=OutboxMessage.attempts + 1,
            last_error=UNCERTAIN_NOTE,
        )
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    result.uncertain = [Claimed(r[0], Target.parse(r[1]), *r[2:]) for r in uncertain.all()]
    resent = await session.execute(
        update(OutboxMessage)
        .where(orphan_rows)
        .values(
            status=OutboxStatus.PENDING.value,
            next_attempt_at=now,
            lease_until=None,
            send_started_at=None,
            claimed_by=None,
            resent=True,  # perhaps delivered already: the audit says so when it goes again
        )
        .execution_options(synchronize_session=False)
    )
    result.resent = int(resent.rowcount)  # type: ignore[attr-defined]
    due = await session.execute(
        update(DueItem)
        .where(
            DueItem.status == DueStatus.CLAIMED.value,
            # Only instances that beat name themselves i-…; a ticker without a heartbeat
            # (instances.enabled false) claims as w-… and is left to its lease.
            DueItem.claimed_by.startswith(PREFIX),
            DueItem.claimed_by != me,
            DueItem.claimed_by.not_in(live),
        )
        .values(status=DueStatus.PENDING.value, lease_until=None, claimed_by=None, resumed=True)
        .execution_options(synchronize_session=False)
    )
    result.due = int(due.rowcount)  # type: ignore[attr-defined]
    if dead:
        await session.execute(delete(Instance).where(Instance.id.in_(dead)))
    return result


def _exited(host: str, pid: int) -> bool:
    """An instance on this host whose process is gone is dead now, without waiting for
    ``stale``: a restart after kill -9 resumes at once. A pid taken by another process since
    (or another host) leaves it to staleness."""
    if host != socket.gethostname()[:200]:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


async def live(session: AsyncSession, now: datetime, stale: timedelta) -> list[Instance]:
    """Instances that beat within ``stale`` (``dutybot`` status and tests)."""
    rows = await session.scalars(
        select(Instance).where(Instance.heartbeat_at >= now - stale).order_by(Instance.started_at)
    )
    return list(rows.all())
