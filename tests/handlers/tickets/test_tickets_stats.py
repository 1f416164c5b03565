"""12345 KPIs, 典型案例, duplicate hints and 并单 through the dispatcher."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.due import DueItem, DueStatus
from tests.handlers.tickets.test_tickets import NUMBER, current, ingest, say
from tests.support import RecordingAdapter

OTHER = "12345-20261126-000200"


async def test_kpis_per_unit(app: App, console: RecordingAdapter, clock: FakeClock) -> None:
    await ingest(app, category="咨询")  # due 11-30 24:00
    await ingest(app, number=OTHER, category="咨询", content="河道漂浮垃圾", lead_unit="县水利局")
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    await say(app, console, "吴磊", f"工单 回复 {NUMBER} 已修好")
    clock.advance(days=6)  # 12-02: the other ticket was never signed nor answered
    stats = await say(app, console, "陈静", "工单 统计 2026-11-01 2026-11-30")
    assert (
        "【城关镇】1 张｜按时签收 100.0%（1/1）｜按时办结 100.0%（1/1）｜满意 —（无可统计件）"
        in stats
    )
    assert "【县水利局】1 张｜按时签收 0.0%（0/1）｜按时办结 0.0%（0/1）" in stats
    assert "此期间没有" in await say(app, console, "陈静", "工单 统计 2026-10-01 2026-10-31")
    assert "结束日期早于" in await say(app, console, "陈静", "工单 统计 2026-11-30 2026-11-01")


async def test_typical_cases_are_anonymised(app: App, console: RecordingAdapter) -> None:
    await ingest(app, content="王小明反映路灯不亮，电话13912345678")
    assert "还没有标记" in await say(app, console, "陈静", "典型案例")
    assert "已标记为典型案例" in await say(app, console, "陈静", f"工单 典型 {NUMBER}")
    shown = await say(app, console, "陈静", "/cases")
    assert NUMBER in shown and "王**反映" in shown and "139****" in shown
    assert "13912345678" not in shown and "王小明" not in shown


async def test_duplicate_flagged_then_merged(app: App, console: RecordingAdapter) -> None:
    await ingest(app)
    await ingest(app, number=OTHER, content="人民路路灯不亮好几天了，晚上行人看不清")
    await app.sender.drain()
    hint = console.texts("陈静")[-1]
    assert f"{OTHER}" in hint and "可能与在办工单重复" in hint and NUMBER in hint
    assert f"/ticket_merge {OTHER} {NUMBER}" in hint
    assert "不能把工单并入它自己" in await say(app, console, "陈静", f"工单 合并 {OTHER} {OTHER}")
    assert "已将" in await say(app, console, "陈静", f"/ticket_merge {OTHER} {NUMBER}")
    assert (await current(app, OTHER)).status == "合并"
    assert (await current(app, OTHER)).merged_into == NUMBER
    async with app.sessions() as session:
        pending = set(
            await session.scalars(
                select(DueItem.key).where(DueItem.status == DueStatus.PENDING.value)
            )
        )
    merged_id = (await current(app, OTHER)).id
    assert not any(k and k.startswith(f"ticket:{merged_id}:") for k in pending)
    assert "已并入" in await say(app, console, "张三", f"工单 {OTHER}")
    # a different place and caller is not a duplicate
    await ingest(
        app,
        number="12345-20261126-000300",
        address="河口乡政府",
        content="路灯不亮",
        caller_phone="13700000000",
    )
    await app.sender.drain()
    assert "000300" not in console.texts("陈静")[-1]
