"""A hundred invitees answering in a burst: the organiser's 回执 is one message, edited a few
times (answers within ``meetings.summary_delay_seconds`` make one edit), never re-sent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.cli.demo import seed
from bot.core.clock import FakeClock
from bot.store.outbox import OutboxMessage
from tests.broadcast_drill import EVERYONE, enlist
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming

ORGANISER = "陈静"
OFFICERS = [n for n in EVERYONE if n != "乡长"]


async def test_a_burst_of_answers_makes_a_few_edits(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    config = make_config(db_url, meetings={"unit_roles": ["officer"], "summary_delay_seconds": 10})
    app = await App.create(config, clock=clock, adapters={"console": console}, auto_upgrade=True)
    try:
        async with app.sessions.begin() as session:
            await seed(session, clock.now(), timedelta(hours=24))
        await enlist(app, lambda name: ("console", name))
        new = "会议 新建 全体会议 明天 9:00 全乡干部大会 地点=乡政府礼堂 参会=测试乡"
        await app.dispatcher.receive(incoming(new, sender=ORGANISER))
        await app.dispatcher.receive(incoming("会议 通知 1", sender=ORGANISER))
        await app.sender.drain()
        assert f"已向 {len(OFFICERS)} 人发出" in console.texts(ORGANISER)[-1]
        assert all("【会议通知】" in console.texts(n)[-1] for n in OFFICERS)

        for i, name in enumerate(OFFICERS[:90]):
            if i % 10 == 0:  # ten answers every five seconds, over 45 seconds
                clock.advance(seconds=5)
                await app.ticker.tick()
                await app.sender.drain()
            await app.dispatcher.receive(incoming("参加", sender=name))
        for _ in range(3):
            clock.advance(seconds=10)
            await app.ticker.tick()
        await app.sender.drain()

        async with app.sessions() as session:
            queued = await session.scalar(
                select(func.count()).where(OutboxMessage.kind == "meeting_summary")
            )
        firsts = [t for t in console.texts(ORGANISER) if t.startswith("【会议回执】")]
        edits = [r.text for a, _, r in console.edits if a == ORGANISER]
        assert len(firsts) == 1 and 2 <= len(edits) <= 5 and queued == 1 + len(edits)
        assert "参加 90 / 请假 0（代参 0） / 未回复 9" in edits[-1]
        assert "参加 90" not in firsts[0]  # the first went out mid-burst, then was edited
    finally:
        await app.engine.dispose()
