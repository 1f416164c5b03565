"""Housekeeping clears the text of finished outbox rows after ``outbox.text_keep_days``: what was
sent is no longer kept, what is still to be sent and what is recent stay whole."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, text, update

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import outbox, outbox_admin
from bot.store.outbox import OutboxMessage, OutboxStatus
from tests.support import RecordingAdapter

SECRET = "来电人钱七 13600001234"
TZ = ZoneInfo("Asia/Shanghai")


async def _queue(app: App, clock: FakeClock, key: str, *, later: bool = False) -> None:
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session,
            clock.now(),
            Target.parse("console:张三"),
            Reply(f"{SECRET}（{key}）"),
            key=key,
            not_before=clock.now() + timedelta(days=365) if later else None,
        )


async def _rows(app: App) -> dict[str, OutboxMessage]:
    async with app.sessions() as session:
        return {r.idempotency_key: r for r in await session.scalars(select(OutboxMessage))}


async def test_old_finished_rows_lose_their_text_pending_and_recent_keep_it(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _queue(app, clock, "old-sent")
    await _queue(app, clock, "old-failed")
    await _queue(app, clock, "old-pending", later=True)
    await app.sender.drain()
    async with app.sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key == "old-failed")
            .values(status=OutboxStatus.FAILED.value)
        )
    later = (clock.now() + timedelta(days=app.config.outbox.text_keep_days + 2)).astimezone(TZ)
    clock.set(datetime.combine(later.date(), time(3, 30), TZ))  # the nightly run
    await _queue(app, clock, "recent-sent")
    await app.sender.drain()
    assert await app.ticker.run_cron("housekeeping")

    rows = await _rows(app)
    assert rows["old-sent"].payload == rows["old-failed"].payload == outbox_admin.PURGED
    assert SECRET in rows["old-pending"].payload["text"]  # not sent yet: kept
    assert SECRET in rows["recent-sent"].payload["text"]  # within the keep period
    assert rows["old-sent"].status == OutboxStatus.SENT.value  # only the text goes

    async with app.sessions.begin() as session:  # a cleared failed row cannot go out again
        assert await outbox_admin.retry_failed(session, clock.now(), None) == 0
    async with app.sessions() as session:  # the stored column itself, as a dump would show it
        stored = list(await session.scalars(text("SELECT payload FROM outbox")))
    assert sum(SECRET in s for s in stored) == 2
