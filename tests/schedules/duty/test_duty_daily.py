"""值班日报: pushed to the leaders when the roster slot ends (its configured shift end), with the
slot's log, incidents, reports and handover in text and .docx; not sent twice across a restart
or a repeated run; /daily regenerates it on demand."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import update

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.due import DueItem
from models.duty.due import DAILY
from tests.duty_support import duty_app, later, say
from tests.support import RecordingAdapter

HEAD = "📋 值班日报（2026-11-26 08:30 至 2026-11-27 08:30）"


def _reports(console: RecordingAdapter, who: str) -> list[str]:
    return [t for t in console.texts(who) if t.startswith("📋 值班日报")]


async def _shift(app: App, clock: FakeClock) -> None:
    """11-26's 全天 shift (08:30 to 08:30 next day): a log entry, an incident with its 初报, a
    bulletin issued, and the 交班 half an hour before the end."""
    await say(app, "记录 其他 县气象局发布暴雨蓝色预警")
    await say(app, "突发 新建 一般 防汛 河口乡河堤渗水")
    await say(app, "突发 上报 1 已书面报告县委县政府")
    await later(app, clock, hours=23)  # 11-27 08:00
    await say(app, "交班 河口乡隐患点继续关注")


async def test_the_report_at_the_shift_end_once_across_a_restart(
    db_url: str, clock: FakeClock, console: RecordingAdapter, fake: RecordingAdapter
) -> None:
    adapters = {"console": console, "fake": fake}
    async for app in duty_app(db_url, clock, adapters):
        await _shift(app, clock)
        await later(app, clock, minutes=29)  # 08:29: the shift has not ended
        assert _reports(console, "李明") == []
        await later(app, clock, minutes=1)  # 08:30: it ends
        for leader in ("李明", "王刚"):
            (text,) = _reports(console, leader)
            assert text.startswith(HEAD)
            assert "日志 1 条，突发事件 1 起，报送 1 次，交接班 1 次。" in text
            assert "【其他】县气象局发布暴雨蓝色预警" in text and "事件 #1 初报" in text
            assert "交班：张三，遗留事项：河口乡隐患点继续关注" in text
        reply = next(r for a, r in console.sent if a == "李明" and r.text.startswith(HEAD))
        assert reply.attachment is not None
        assert reply.attachment.name == "值班日报_2026-11-26.docx"
        word = Document(io.BytesIO(reply.attachment.data))
        lines = [p.text for p in word.paragraphs if p.text]
        assert lines[:2] == ["值班日报", "2026年11月26日"]
        assert "带班领导：李明；值班员：张三。" in lines
        assert word.tables[0].rows[1].cells[2].text == "县气象局发布暴雨蓝色预警"
        assert any("事件 #1 初报：已书面报告县委县政府" in line for line in lines)
        # the run repeated (a takeover after a crash mid-job): nothing is sent again
        async with app.sessions.begin() as session:
            await session.execute(
                update(DueItem)
                .where(DueItem.kind == DAILY, DueItem.fired_at.is_not(None))
                .values(status="pending")
            )
        await later(app, clock, minutes=1)
    async for app in duty_app(db_url, clock, adapters):  # a restart on the same database
        await later(app, clock, minutes=5)
        assert len(_reports(console, "李明")) == 1 and len(_reports(console, "王刚")) == 1


async def test_daily_on_demand_and_bad_dates(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _shift(app, clock)
    await say(app, "值班日报 11-26", sender="郑华")
    assert console.texts("郑华")[-1].startswith(HEAD)
    reply = [r for a, r in console.sent if a == "郑华"][-1]
    assert reply.attachment is not None and reply.attachment.name.endswith(".docx")
    await say(app, "值班日报 12-30", sender="郑华")
    assert "还没到" in console.texts("郑华")[-1]
    await say(app, "值班日报 13-45", sender="郑华")
    assert "日期" in console.texts("郑华")[-1]
    await say(app, "值班日报", sender="孙伟")
    assert "仅限" in console.texts("孙伟")[-1]
