"""One row per scripted misbehaviour of a webhook platform's API — flood control, 5xx, an answer
that comes too late, a connection closed unanswered, each once or on every attempt — sent
through the real adapter and the outbox: each ends delivered or failed and told to the admins,
none silently dropped (tests/delivery/test_fault_platform.py does the same for Telegram)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.testing.fakes import FakeServer, Fault
from models.directory import binding
from models.directory.users import find_user
from tests.adapters.rig import Rig

ATTEMPTS = 4  # outbox.max_attempts in the test config (tests/conftest.py)
ADMIN = "刘洋"  # the demo's admin, bound on the platform as ``admin_id``
LATE = 1.0  # seconds a "late" answer takes; the rigs' adapters give up after 0.5


@dataclass(frozen=True)
class Case:
    """A row whose first calls meet ``faults``; ``copies`` the receiver ends up with."""

    name: str
    faults: tuple[Fault, ...]
    copies: int

    @property
    def gives_up(self) -> bool:
        return len(self.faults) >= ATTEMPTS


def cases(throttled: Fault, late_copies: int) -> list[Case]:
    """The same misbehaviours for every platform; only its flood answer and what a late
    answer leaves behind (a duplicate check or not) differ."""
    late = Fault(delay=LATE)
    return [
        Case("throttled twice", (throttled, throttled), 1),
        Case("5xx once", (Fault(status=503),), 1),
        Case("late once", (late,), late_copies),
        Case("dropped once", (Fault(drop=True),), 1),
        Case("dropped twice", (Fault(drop=True), Fault(drop=True)), 1),
        Case("5xx always", (Fault(status=502),) * ATTEMPTS, 0),
        Case("dropped always", (Fault(drop=True),) * ATTEMPTS, 0),
    ]


async def bind_admin(rig: Rig, platform: str, admin_id: str, clock: FakeClock) -> None:
    """Give the demo's admin an account on the platform, where failure alerts go."""
    async with rig.app.sessions.begin() as session:
        admin = await find_user(session, ADMIN)
        await binding.bind_account(session, admin, platform, admin_id, clock.now())


async def _next_due(rig: Rig) -> object:
    unfinished = [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
    async with rig.app.sessions() as session:
        return await session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_(unfinished)
            )
        )


async def run_case(
    rig: Rig, fake: FakeServer, clock: FakeClock, platform: str, receiver: str, case: Case
) -> OutboxMessage:
    """Queue one row meeting ``case.faults`` and send until nothing is left; returns the row.
    Backoffs and pauses are passed by moving the clock; a late answer is waited out in real
    time before the retry, as the backoff would in service."""
    fake.fail_next(*case.faults)
    key = f"mix:{case.name}"
    async with rig.app.sessions.begin() as session:
        await outbox.enqueue(session, clock.now(), Target(platform, receiver), Reply(key), key=key)
    for _ in range(4 * ATTEMPTS):
        await rig.app.sender.drain()
        await asyncio.sleep(LATE)  # a late answer lands before anything is tried again
        due = await _next_due(rig)
        if due is None:
            break
        clock.set(max(clock.now(), due))  # type: ignore[type-var]
    else:
        raise AssertionError(f"{case.name}: the outbox never emptied")
    assert not fake.faults, f"{case.name}: scripted faults left unused"
    async with rig.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
    assert row is not None
    return row


async def check_case(
    rig: Rig,
    fake: FakeServer,
    clock: FakeClock,
    accounts: tuple[str, str, str],
    case: Case,
) -> None:
    """Run ``case`` to a receiver, ``accounts`` = (platform, receiver, the admin's account),
    and check its end: ``case.copies`` copies delivered, or failed after every attempt and the
    admin told about that row — never neither."""
    platform, receiver, admin_id = accounts
    await bind_admin(rig, platform, admin_id, clock)
    await rig.adapter.send(receiver, Reply("预热"))  # the token is fetched before the faults
    row = await run_case(rig, fake, clock, platform, receiver, case)
    texts = fake.texts(receiver)  # type: ignore[attr-defined]
    assert texts.count(f"mix:{case.name}") == case.copies, texts
    alerts = [t for t in fake.texts(admin_id) if "【投递失败】" in t]  # type: ignore[attr-defined]
    if case.gives_up:
        assert (row.status, row.attempts) == ("failed", ATTEMPTS)
        assert [a for a in alerts if f"编号 {row.id}）" in a], alerts
    else:
        assert row.status == "sent" and alerts == []
