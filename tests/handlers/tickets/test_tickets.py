"""12345 工单 through the dispatcher: card, glued numbers, search, actions, pushes, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock, LocalTime
from bot.core.context import WorkContext
from bot.store.due import DueItem, DueStatus
from handlers.tickets.intake import announce
from models.tickets.ingest import parse
from models.tickets.intake import take
from models.tickets.records import Ticket, TicketEvent
from tests.support import RecordingAdapter, incoming

TZ = ZoneInfo("Asia/Shanghai")
NUMBER = "12345-20261126-000123"


async def say(app: App, console: RecordingAdapter, who: str, text: str) -> str:
    before = len(console.texts(who))
    await app.dispatcher.receive(incoming(text, sender=who))
    await app.sender.drain()
    return "\n".join(console.texts(who)[before:])


async def ingest(app: App, **fields: object) -> Ticket:
    data: dict[str, object] = {
        "number": NUMBER,
        "category": "投诉",
        "caller_name": "王小明",
        "caller_phone": "13912345678",
        "content": "城关镇人民路路灯不亮，晚上行人看不清",
        "address": "城关镇人民路 18 号",
        "received_at": "2026-11-26T09:00:00",
        "lead_unit": "城关镇",
    }
    data.update(fields)
    async with app.sessions.begin() as session:
        ctx = WorkContext(
            session=session,
            clock=app.clock,
            config=app.config,
            tz=LocalTime("Asia/Shanghai"),
            now=app.clock.now(),
        )
        taken = await take(ctx, parse(data), client="test")
        await announce(ctx, taken)  # as the API does
        return taken.ticket


async def current(app: App, number: str = NUMBER) -> Ticket:
    async with app.sessions() as session:
        found = await session.scalar(select(Ticket).where(Ticket.number == number))
        assert found is not None
        return found


async def test_card_glued_and_natural(app: App, console: RecordingAdapter) -> None:
    await ingest(app)
    card = await say(app, console, "张三", f"工单{NUMBER}进度")
    assert f"工单 {NUMBER}（投诉）·待签收" in card
    assert "承办：城关镇；联络员：吴磊" in card
    assert "王** 139****5678" in card and "王小明" not in card  # caller masked in chat
    # 投诉 → hotline.complaint: 15 working days after 11-26 → 2026-12-17 24:00
    assert "期限：2026-12-17 24:00 前，剩 21 天 15 小时" in card
    assert "受理" in card and "派单" in card
    assert card == await say(app, console, "张三", f"/ticket {NUMBER}")
    found = await say(app, console, "张三", "查一下路灯不亮的工单")
    assert NUMBER in found


async def test_history_shows_when_the_hotline_took_the_call_not_the_import(
    app: App, console: RecordingAdapter
) -> None:
    await ingest(app, received_at="2026-11-20T09:00:00", dispatched_at="2026-11-20T10:30:00")
    card = await say(app, console, "张三", f"工单 {NUMBER}")
    assert "· 2026-11-20 09:00 受理 投诉：" in card
    assert "· 2026-11-20 10:30 派单 承办：城关镇" in card
    assert "2026-11-26 09:00 受理" not in card  # the import's time (the clock's now)
    assert (await current(app)).updated_at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


async def test_liaison_flow_each_step_recorded(app: App, console: RecordingAdapter) -> None:
    await ingest(app)
    assert "工单待签收" not in "\n".join(console.texts("吴磊"))
    assert "已签收" in await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    assert (await current(app)).status == "办理中"
    refused = await say(app, console, "吴磊", f"工单 延期 {NUMBER} 11 需协调供电公司")
    assert "最多延长 10工作日" in refused
    assert (await current(app)).extended_due_at is None
    assert "已延期至 2026-12-31 24:00" not in await say(
        app, console, "吴磊", f"工单 延期 {NUMBER} 5 需协调供电公司"
    )
    assert (await current(app)).status == "延期"
    assert "已回复" in await say(app, console, "吴磊", f"/ticket_reply {NUMBER} 已更换灯泡")
    assert "已回复" in console.texts("陈静")[-1]
    ticket = await current(app)
    assert ticket.status == "已回复" and ticket.reply == "已更换灯泡"
    async with app.sessions() as session:
        actions = list(await session.scalars(select(TicketEvent.action).order_by(TicketEvent.id)))
    assert actions == ["受理", "派单", "签收", "延期", "回复"]


async def test_other_unit_refused_and_return_needs_reason(
    app: App, console: RecordingAdapter
) -> None:
    await ingest(app)
    refused = await say(app, console, "孙伟", f"工单 签收 {NUMBER}")
    assert "由 城关镇 承办" in refused
    assert (await current(app)).status == "待签收"
    assert "退单理由" in await say(app, console, "吴磊", f"工单 退单 {NUMBER}")
    assert (await current(app)).status == "待签收"
    assert "已退回" in await say(app, console, "吴磊", f"工单 退单 {NUMBER} 属县住建局职责")
    assert (await current(app)).return_reason == "属县住建局职责"
    assert "属县住建局职责" in console.texts("陈静")[-1]


async def test_chase_and_lists(app: App, console: RecordingAdapter, clock: FakeClock) -> None:
    await ingest(app, category="咨询")  # 2 working days → 11-30 (Monday) 24:00
    assert "目前没有超期工单" in await say(app, console, "李明", "工单 超期")
    assert "目前没有临期工单" in await say(app, console, "李明", "工单 临期")
    clock.advance(days=1)  # Friday: one working day left
    soon = await say(app, console, "李明", "/tickets due-soon 城关镇")
    assert NUMBER in soon
    assert "已向 城关镇 催办" in await say(app, console, "李明", f"工单 催办 {NUMBER} 今天办结")
    assert "今天办结" in console.texts("吴磊")[-1]
    clock.advance(days=4)
    assert NUMBER in await say(app, console, "李明", "工单 超期")


async def test_list_spellings(app: App, console: RecordingAdapter, clock: FakeClock) -> None:
    await ingest(app, category="咨询")  # due Monday 11-30 24:00
    clock.advance(days=1)  # Friday: 临期
    for text in (
        "/tickets due-soon 城关镇",
        "/tickets_due_soon 城关镇",
        "/tickets_due-soon 城关镇",
        "/tickets_due_soon@DutyBot 城关镇",
        "工单 临期 城关镇",
        "工单临期 城关镇",
    ):
        assert f"临期工单（城关镇） 1 张：\n· {NUMBER}" in await say(app, console, "李明", text)
    assert "目前没有临期工单（县水利局）" in await say(app, console, "李明", "工单 临期 县水利局")
    assert "没有单位「火星局」" in await say(app, console, "李明", "/tickets_due_soon 火星局")
    clock.advance(days=4)
    for text in ("/tickets overdue", "/tickets_overdue 城关镇", "工单 超期", "工单超期 城关镇"):
        assert NUMBER in await say(app, console, "李明", text)
    assert "临期工单" in await say(app, console, "吴磊", "/tickets_due_soon")  # own unit


async def test_pushes_sign_then_overdue(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await ingest(app, category="咨询")
    async with app.sessions() as session:
        keys = set(
            await session.scalars(
                select(DueItem.key).where(DueItem.status == DueStatus.PENDING.value)
            )
        )
    assert {k.rsplit(":", 1)[1] for k in keys if k} == {"sign", "soon", "due", "over"}
    clock.advance(hours=25)
    await app.ticker.tick()
    await app.sender.drain()
    pushed = "\n".join(console.texts("吴磊"))
    assert "工单待签收" in pushed and "工单临期提醒" in pushed  # both due on Friday 09:00
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    clock.set(datetime(2026, 12, 1, 9, 1, tzinfo=TZ))
    await app.ticker.tick()
    await app.sender.drain()
    assert "工单已超期" in console.texts("吴磊")[-1]
    assert "工单已超期" in console.texts("陈静")[-1]
    assert (await current(app)).overdue_count == 1


async def test_search_words(app: App, console: RecordingAdapter) -> None:
    await ingest(app)
    await ingest(
        app,
        number="12345-20261126-000124",
        content="小区噪音扰民，夜里施工",
        address="南山林场宿舍",
    )
    assert "000123" in await say(app, console, "张三", "工单 搜索 路灯 不亮")
    assert "000124" not in await say(app, console, "张三", "工单 搜索 路灯")
    assert "000124" in await say(app, console, "张三", "工单 搜索 噪音")
    assert "000124" in await say(app, console, "张三", "工单 搜索 山林")  # across word boundary
    assert "没有找到" in await say(app, console, "张三", "工单 搜索 溃坝")
