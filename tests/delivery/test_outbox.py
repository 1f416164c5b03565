"""Outbox and sender: idempotency, backoff, retry-after, permanent failure, priority, leases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import App
from bot.core import redaction
from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply, Target
from bot.store import outbox, outbox_admin
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxMessage, OutboxStatus, Priority
from tests.support import RecordingAdapter

TO = Target("fake", "chat-1")


async def _enqueue(app: App, key: str, text: str = "hello", **kwargs: object) -> bool:
    async with app.sessions.begin() as session:
        return await outbox.enqueue(session, app.clock.now(), TO, Reply(text), key=key, **kwargs)  # type: ignore[arg-type]


async def _row(app: App, key: str) -> OutboxMessage:
    async with app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
        assert row is not None
        return row


async def test_same_key_is_queued_and_sent_once(app: App, fake: RecordingAdapter) -> None:
    assert await _enqueue(app, "k1")
    assert not await _enqueue(app, "k1", "changed")
    await app.sender.drain()
    await app.sender.drain()
    assert fake.texts() == ["hello"]


async def test_backoff_then_failure_reported_to_admins(
    app: App, fake: RecordingAdapter, console: RecordingAdapter, clock: FakeClock
) -> None:
    fake.failures.extend(DeliveryError("HTTP 502") for _ in range(10))
    await _enqueue(app, "k2", "防汛会商通知")
    waits = []
    for _ in range(3):
        await app.sender.drain()
        row = await _row(app, "k2")
        assert row.status == OutboxStatus.PENDING
        waits.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.set(row.next_attempt_at)
    assert waits == [2.0, 4.0, 8.0]  # base 2 s, doubling (config max_attempts=4)
    await app.sender.drain()
    row = await _row(app, "k2")
    assert row.status == OutboxStatus.FAILED and row.attempts == 4
    assert "HTTP 502" in (row.last_error or "")
    alert = console.texts("刘洋")[0]  # the admin, on their console account
    assert "投递失败" in alert and "防汛会商通知" in alert and f"outbox retry {row.id}" in alert
    async with app.sessions() as session:
        outcomes = list(
            await session.scalars(
                select(AuditLog.outcome).where(
                    AuditLog.kind == "outbound", AuditLog.command == "reply"
                )
            )
        )
    assert "failed" in outcomes


async def test_permanent_error_fails_at_once_and_retry_requeues(
    app: App, fake: RecordingAdapter
) -> None:
    fake.failures.append(DeliveryError("bot was blocked by the user", permanent=True))
    await _enqueue(app, "k3")
    await app.sender.drain()
    row = await _row(app, "k3")
    assert row.status == OutboxStatus.FAILED and row.attempts == 1
    async with app.sessions.begin() as session:
        assert await outbox_admin.retry_failed(session, app.clock.now(), [row.id]) == 1
    await app.sender.drain()
    assert (await _row(app, "k3")).status == OutboxStatus.SENT
    assert fake.texts() == ["hello"]


async def test_retry_after_is_honoured(app: App, fake: RecordingAdapter, clock: FakeClock) -> None:
    fake.failures.append(DeliveryError("Too Many Requests", retry_after=17))
    await _enqueue(app, "k4")
    await app.sender.drain()
    row = await _row(app, "k4")
    assert row.next_attempt_at - clock.now() == timedelta(seconds=17)
    await app.sender.drain()
    assert fake.texts() == []  # not before the platform said
    clock.advance(seconds=17)
    await app.sender.drain()
    assert fake.texts() == ["hello"]


async def test_emergency_goes_before_routine(app: App, fake: RecordingAdapter) -> None:
    for i in range(5):
        await _enqueue(app, f"r{i}", f"routine {i}", priority=Priority.ROUTINE)
    await _enqueue(app, "e1", "紧急", priority=Priority.EMERGENCY)
    await _enqueue(app, "i1", "reply", priority=Priority.INTERACTIVE)
    await app.sender.drain()
    assert fake.texts()[:2] == ["紧急", "reply"]
    assert len(fake.texts()) == 7


async def test_send_interrupted_by_a_crash_is_retried_after_the_lease(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    await _enqueue(app, "k5")
    async with app.sessions.begin() as session:  # a sender claimed it, then the process died
        claimed = await outbox.claim(
            session, clock.now(), lease=timedelta(seconds=120), limit=10, platforms=["fake"]
        )
    assert [c.idempotency_key for c in claimed] == ["k5"]
    await app.sender.drain()
    assert fake.texts() == []  # still leased
    clock.advance(seconds=121)
    await app.sender.drain()
    assert fake.texts() == ["hello"]


async def test_marked_text_is_redacted_when_queued_and_the_admins_told(
    app: App, fake: RecordingAdapter, console: RecordingAdapter
) -> None:
    assert await _enqueue(app, "k6", "请查收：\n附件：秘密★1年 人员名单")
    row = await _row(app, "k6")
    assert row.payload["text"] == f"请查收：\n{redaction.REDACTED}"
    assert row.payload[redaction.FLAG] == "密级词后带★及保密期限"
    await app.sender.drain()
    await app.sender.drain()
    assert fake.texts() == [f"请查收：\n{redaction.REDACTED}"]
    [alert] = [text for text in console.texts("刘洋") if "【密级标识】" in text]
    assert "编号" in alert and "k6" in alert and "人员名单" not in alert


async def test_a_row_stored_with_a_marking_is_redacted_by_the_sender(
    app: App, fake: RecordingAdapter, console: RecordingAdapter
) -> None:
    """A row that got in before the guard (or some other way) goes out redacted, is stored
    redacted, and neither its delivery audit nor the admins' notice holds the marking."""
    await _enqueue(app, "k7", "防汛会商通知")
    async with app.sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key == "k7")
            .values(payload={"text": "【機密】县应急预案修订稿", "format": "text"})
        )
    await app.sender.drain()
    assert fake.texts() == [redaction.REDACTED]
    assert (await _row(app, "k7")).payload["text"] == redaction.REDACTED
    async with app.sessions() as session:
        details = list(await session.scalars(select(AuditLog.detail)))
    assert not any("预案" in str(detail) for detail in details)
    assert any("【密级标识】" in text for text in console.texts("刘洋"))


async def test_live_message_is_edited_not_resent(app: App, fake: RecordingAdapter) -> None:
    async with app.sessions.begin() as session:
        for n in (1, 2):
            await outbox.enqueue(
                session, app.clock.now(), TO, Reply(f"已确认 {n}", edit_key="s1"), key=f"live{n}"
            )
            await session.flush()
    await app.sender.drain()
    assert fake.texts() == ["已确认 1"]
    assert [(a, m, r.text) for a, m, r in fake.edits] == [("chat-1", "m1", "已确认 2")]
