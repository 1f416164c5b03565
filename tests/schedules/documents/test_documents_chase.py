"""办件 催办 on the fake clock: nothing for a 阅件, nothing once answered, the unit's leaders at
the last step, and a limit counted over a weekend."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FakeClock
from tests.handlers.documents.test_documents import at, pending
from tests.handlers.supervision.test_supervision import say
from tests.support import RecordingAdapter

LINE = "收文 登记 通知 〔2026〕5号 县应急管理局 关于冬季供暖保障的通知 承办=县应急管理局"


async def test_answered_in_time_no_chase_is_sent(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "张三", LINE)  # 平件: 10 working days → 2026-12-10
    assert "办理时限：2026-12-10（星期四）前" in reply
    await say(app, console, "张三", "公文 答复 1 已部署")  # an officer may answer for the unit
    assert await pending(app) == set()
    assert await at(app, clock, console, 2026, 12, 15, 9, 0) == {}


async def test_the_last_chase_reaches_the_units_leaders(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", LINE + " 紧急=特急")  # 2026-11-30 (Mon), over the weekend
    sent = await at(app, clock, console, 2026, 11, 27, 9, 0)  # 1 working day before
    # the unit has no liaison bound: the registrar gets it, asked to pass it on
    assert set(sent) == {"张三"} and "办件临期催办" in sent["张三"][0]
    assert "请线下通知" in sent["张三"][0]
    sent = await at(app, clock, console, 2026, 12, 1, 9, 0)
    assert any("办件已超期" in t for t in sent["张三"])
    sent = await at(app, clock, console, 2026, 12, 2, 9, 0)  # 2 working days after 11-30
    assert any("办件超期催办" in t for t in sent["王刚"])  # leader of 县应急管理局
    assert await at(app, clock, console, 2026, 12, 9, 9, 0) == {}


async def test_a_reading_document_is_never_chased(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", "收文 登记 通报 〔2026〕8号 县政府办公室 关于检查情况的通报")
    assert await pending(app) == set()
    assert await at(app, clock, console, 2026, 12, 31, 9, 0) == {}
