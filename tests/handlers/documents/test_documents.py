"""办文 through the dispatcher on the fake clock: a 办件 from 登记 through 传阅 by two leaders,
批示 → 督办, 催办 before and after its limit, 答复 and 归档; a 阅件; bad input changing nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.due import DueItem, DueStatus
from models.documents.records import Document, DocumentEvent
from models.supervision.records import SupervisionItem
from tests.handlers.supervision.test_supervision import say
from tests.support import RecordingAdapter

TZ = ZoneInfo("Asia/Shanghai")
TASK = (
    "收文 登记 通知 县应急办[2026]12号 县应急管理局 关于做好冬季森林防火工作的通知 "
    "办理=办件 承办=县水利局 紧急=加急 拟办=请李明、王刚同志阅示，县水利局办理"
)


async def doc(app: App, doc_id: int = 1) -> Document:
    async with app.sessions() as session:
        found = await session.get(Document, doc_id)
        assert found is not None
        return found


async def at(
    app: App, clock: FakeClock, console: RecordingAdapter, *when: int
) -> dict[str, list[str]]:
    """Set the clock to local ``when``, fire what is due; the new texts by person."""
    before = len(console.sent)
    clock.set(datetime(*when, tzinfo=TZ))  # type: ignore[misc]
    await app.ticker.tick()
    await app.sender.drain()
    new: dict[str, list[str]] = {}
    for address, reply in console.sent[before:]:
        new.setdefault(address, []).append(reply.text)
    return new


async def pending(app: App) -> set[str]:
    async with app.sessions() as session:
        keys = await session.scalars(
            select(DueItem.key).where(DueItem.status == DueStatus.PENDING.value)
        )
        return {k.rsplit(":", 1)[1] for k in keys if k and k.startswith("doc:")}


async def test_a_task_document_through_its_whole_life(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "张三", TASK)
    assert "已登记 收文 #1 县应急办〔2026〕12号「关于做好冬季森林防火工作的通知」" in reply
    # 加急: 5 working days from the day after 2026-11-26 (rules document.urgent)
    assert "办理时限：2026-12-03（星期四）前" in reply
    assert "公文交办" in console.texts("孙伟")[-1]
    assert await pending(app) == {"soon", "over", "chase"}

    reply = await say(app, console, "张三", "公文 传阅 1 李明 王刚")
    assert "已呈 李明 阅（顺序：李明 → 王刚）" in reply
    card = console.sent[-1][1]
    assert card.text.startswith("📨 请阅：收文 #1") and console.sent[-1][0] == "李明"
    assert [b.command for b in card.buttons[0]] == ["/doc_read 1", "/doc_instruct 1"]
    assert console.texts("王刚") == []  # not his turn yet

    clock.advance(hours=2)
    assert "已阅，已转 王刚" in await say(app, console, "李明", "/doc_read 1")
    assert "李明已阅（1/2），已转 王刚 阅" in console.texts("张三")[-1]
    assert console.texts("王刚")[-1].startswith("📨 请阅")

    clock.advance(hours=4)
    assert "请回复对 收文 #1" in await say(app, console, "王刚", "/doc_instruct 1")
    reply = await say(app, console, "王刚", "请水利局12月3日前完成林区隐患排查")
    assert "批示，传阅完毕" in reply
    assert (
        "王刚批示：请水利局12月3日前完成林区隐患排查（2/2），传阅完毕" in console.texts("张三")[-1]
    )
    assert "领导批示（王刚）：请水利局12月3日前" in console.texts("孙伟")[-1]
    assert (await doc(app)).status == "已传阅"

    reply = await say(app, console, "陈静", "公文 督办 1")
    assert "已立项并交办 督办 #1「王刚批示：关于做好冬季森林防火工作的通知」" in reply
    async with app.sessions() as session:
        task = await session.get(SupervisionItem, 1)
        assert task is not None
        assert (task.source, task.lead_leader, task.origin) == ("领导批示", "王刚", "document:1")
        assert task.due_date.isoformat() == "2026-12-03"
    assert "没有待转督办的批示" in await say(app, console, "陈静", "公文 督办 1")
    assert "→ 督办 #1（王刚批示）" in await say(app, console, "张三", "/doc 1")

    # 催办: one working day before the limit, the day after it, and two working days later
    assert "doc" not in str(await at(app, clock, console, 2026, 12, 2, 8, 59))
    sent = await at(app, clock, console, 2026, 12, 2, 9, 0)
    assert any("办件临期催办" in t for t in sent["孙伟"]) and "张三" not in sent
    sent = await at(app, clock, console, 2026, 12, 4, 9, 0)
    assert any("办件已超期" in t and "已超期 1 天" in t for t in sent["孙伟"])
    assert any("办件已超期" in t for t in sent["张三"])
    sent = await at(app, clock, console, 2026, 12, 7, 9, 0)
    assert any("办件超期催办" in t for t in sent["孙伟"])

    assert "须先答复" not in await say(app, console, "孙伟", "公文 答复 1 已完成林区隐患排查")
    assert (await doc(app)).status == "已答复"
    assert await pending(app) == set()
    assert "已答复，无需再答复" in await say(app, console, "孙伟", "公文 答复 1 再次")
    assert "已归档" in await say(app, console, "张三", "/doc 归档 1")
    found = await doc(app)
    assert found.status == "已归档" and found.reply == "已完成林区隐患排查"
    assert [e.action for e in found.events] == [
        "登记",
        "传阅",
        "已阅",
        "批示",
        "转督办",
        "催办",
        "催办",
        "催办",
        "答复",
        "归档",
    ]


async def test_a_reading_document_is_read_and_archived_without_limit(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(
        app, console, "张三", "收文 登记 通报 〔2026〕7号 县政府办公室 关于安全生产检查情况的通报"
    )
    assert "阅件" in reply and "办理时限" not in reply
    assert await pending(app) == set()
    await say(app, console, "张三", "/doc 传阅 1 李明")
    assert "须先答复" not in await say(app, console, "李明", "已阅 1")
    assert "是阅件，无需答复" in await say(app, console, "张三", "公文 答复 1 x")
    assert "已归档" in await say(app, console, "张三", "公文 归档 1")


async def test_outgoing_document_and_the_registration_dialog(
    app: App, console: RecordingAdapter
) -> None:
    assert "发文 #1" in await say(
        app, console, "张三", "发文 登记 函 县政办函〔2026〕30号 县政府办公室 关于商请支持的函"
    )
    assert "密级？" in await say(app, console, "张三", "收文 登记")
    answers = [
        ("非密", "文种？"),
        ("请示", "文号？"),
        ("县林业局〔2026〕3号", "来文（发文）单位？"),
        ("县林业局", "标题？"),
        ("关于申请护林经费的请示", "紧急程度？"),
        ("特急", "阅件 还是 办件？"),
        ("办件", "收文时间？"),
        ("08:30", "拟办意见？"),
        ("无", "承办单位？"),
        ("县气象局", "没有单位「县气象局」"),  # refused: asked again
        ("县林业局", "办理时限？"),
    ]
    for answer, asked in answers:
        assert asked in await say(app, console, "张三", answer), answer
    reply = await say(app, console, "张三", "默认")
    assert "已登记 收文 #2 县林业局〔2026〕3号" in reply
    # 特急: 2 working days from the day after 2026-11-26 (rules document.most_urgent)
    assert "办理时限：2026-11-30（星期一）前" in reply
    second = await doc(app, 2)
    assert (second.urgency, second.received_at.astimezone(TZ).hour) == ("特急", 8)


async def test_bad_number_or_time_says_how_and_changes_nothing(
    app: App, console: RecordingAdapter
) -> None:
    base = "收文 登记 通知 {number} 县应急管理局 关于防汛的通知 {extra}"
    cases = {
        "〔26〕12号": "文号「〔26〕12号」格式不对",
        "2026-12": "文号应写作 县政办发〔2026〕12号",
        "〔2099〕1号": "年份 2099 不对",
    }
    for number, said in cases.items():
        assert said in await say(app, console, "张三", base.format(number=number, extra=""))
    for extra, said in {
        "时间=明天 09:00": "还没到",
        "时间=25:00": "须写到时刻",
        "时间=昨天": "须写到时刻",
        "紧急=很急": "紧急程度「很急」不对",
        "办理=办件": "办件须写承办单位",
        "承办=县水利局 期限=2026-11-01": "已经过去",
    }.items():
        reply = await say(app, console, "张三", base.format(number="〔2026〕1号", extra=extra))
        assert said in reply, extra
    assert "文种「公函」不对" in await say(app, console, "张三", "收文 登记 公函 无 某单位 标题")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 0
        assert await session.scalar(select(func.count()).select_from(DocumentEvent)) == 0
    # the common variants are read and written the standard way
    await say(app, console, "张三", base.format(number="县政办发【2026】第012号", extra=""))
    assert (await doc(app)).number == "县政办发〔2026〕12号"
