"""Deadlines computed from estimated holidays are recomputed when the notice is imported: moved
ones are applied, re-planned, announced to their owners and audited, once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.audit import AuditLog
from bot.store.due import DueItem
from models.deadlines.estimates import EstimatedDeadline
from models.petitions.records import Petition
from models.proposals.records import Proposal
from models.supervision.records import SupervisionItem
from tests.handlers.petitions.test_petitions import NEW
from tests.handlers.supervision.test_supervision import say
from tests.handlers.tickets.test_tickets import NUMBER, TZ, current, ingest
from tests.models.deadlines.notice_2099 import NOTICE_2099
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


async def rows(app: App) -> list[EstimatedDeadline]:
    async with app.sessions() as session:
        return list(await session.scalars(select(EstimatedDeadline)))


async def test_import_moves_estimated_deadlines_and_tells_their_owners(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await at(app, clock, console, 2099, 1, 10, 10)  # a Saturday in a year no release covers
    reply = await say(app, console, "张三", NEW)
    # 15 日 → Sunday 01-25, moved to Monday 01-26: the estimate knows only 春节 01-20…23
    assert "转送、交办期限：2099-01-26（星期一）" in reply and "推定" in reply
    reply = await say(app, console, "陈静", "督办 立项 县水利局 10工作日 清理河道淤积")
    assert "期限：2099-01-29（星期四）" in reply and "推定" in reply  # 20-23 off (estimated)
    assert "期限按推定的 2099 年节假日计算" in console.texts("孙伟")[-1]  # the liaison's notice
    assert {(r.feature, r.field) for r in await rows(app)} == {
        ("petition", "forward_due"),
        ("supervision", "due_date"),
    }

    done = await say(app, console, "刘洋", "导入节假日 " + NOTICE_2099)
    assert "已导入" in done
    texts = await at(app, clock, console, 2099, 1, 10, 10, 1)
    async with app.sessions() as session:
        petition = await session.scalar(select(Petition))
        task = await session.get(SupervisionItem, 1)
        assert petition is not None and task is not None
        # The notice gives 01-20…27 off: 01-25 rolls to 01-28; 10 working days end 02-02.
        assert (petition.forward_due, task.due_date) == (date(2099, 1, 28), date(2099, 2, 2))
        over = await session.scalar(
            select(DueItem).where(DueItem.key == "petition:1:forward_over")
        )
        assert over is not None and over.due_at.date() == date(2099, 1, 29)  # re-planned
        audited = list(
            await session.scalars(select(AuditLog).where(AuditLog.command == "calendar recompute"))
        )
    assert len(audited) == 2
    told = [t for t in texts.get("张三", []) if "📅 期限调整" in t]
    assert len(told) == 1 and "2099-01-26（推定）改为 2099-01-28（星期三）" in told[0]
    assert any("📅 期限调整" in t for t in texts.get("孙伟", []))  # the unit's liaison
    assert await rows(app) == []

    await at(app, clock, console, 2099, 1, 11, 8, 30)
    before = len(console.sent)
    assert await app.ticker.run_cron("calendar-refresh")  # the daily refresh: nothing new
    await app.sender.drain()
    assert not any("📅 期限调整" in reply.text for _, reply in console.sent[before:])


async def test_a_deadline_not_resting_on_an_estimate_is_not_kept(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)  # 2026-11-26 + 15 日: chinese-calendar's data
    assert await rows(app) == []


async def test_a_redo_limit_on_an_estimated_spring_festival_moves_with_the_notice(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await at(app, clock, console, 2098, 11, 22, 10)
    await say(app, console, "陈静", "建议提案 交办 人大建议 第12号 县水利局 关于加固河堤的建议")
    await say(app, console, "孙伟", "建议提案 答复 1 A")
    reply = await say(app, console, "陈静", "建议提案 评价 1 不满意")
    # 2 个月 → Thu 2099-01-22, 春节 (推定) to Fri 01-23, weekend: Monday 01-26
    assert "再次答复期限 2099-01-26" in reply and "推定" in reply
    assert "期限按推定的 2099 年节假日计算" in console.texts("孙伟")[-1]
    await say(app, console, "刘洋", "导入节假日 " + NOTICE_2099)
    texts = await at(app, clock, console, 2098, 11, 22, 10, 1)
    async with app.sessions() as session:
        item = await session.get(Proposal, 1)
        assert item is not None and item.redo_due == date(2099, 1, 28)  # off until 01-27
    told = [t for t in texts.get("孙伟", []) if "📅 期限调整" in t]
    assert len(told) == 1 and "再次答复期限由 2099-01-26（推定）改为 2099-01-28" in told[0]


async def test_a_12345_ticket_counted_over_estimated_days_moves_with_the_notice(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await at(app, clock, console, 2099, 1, 19, 10)  # Monday; 春节 2099 only estimated so far
    received = {"received_at": "2099-01-19T09:00:00", "category": "咨询"}  # 2 工作日
    await ingest(app, number="12345-20990119-000001", **received)
    # given by the platform: its deadline is the platform's, never recomputed by us
    await ingest(app, number="12345-20990119-000002", due_at="2099-01-27T18:00:00", **received)
    # estimate: 01-20…23 off, weekend, so 01-26 and 01-27 are the two working days
    first = await current(app, "12345-20990119-000001")
    assert first.due_at.astimezone(TZ) == datetime(2099, 1, 28, tzinfo=TZ)  # 01-27 24:00
    assert {(r.feature, r.field, r.item_id) for r in await rows(app)} == {
        ("ticket", "due_at", first.id)
    }

    await say(app, console, "刘洋", "导入节假日 " + NOTICE_2099)
    texts = await at(app, clock, console, 2099, 1, 19, 10, 1)
    moved = await current(app, "12345-20990119-000001")
    kept = await current(app, "12345-20990119-000002")
    # the notice gives 01-20…27 off: 01-28 and 01-29 are the two working days
    assert moved.due_at.astimezone(TZ) == datetime(2099, 1, 30, tzinfo=TZ)
    assert kept.due_at.astimezone(TZ) == datetime(2099, 1, 27, 18, tzinfo=TZ)
    assert moved.events[-1].action == "期限调整"
    told = [t for t in texts.get("吴磊", []) if "📅 期限调整" in t]  # 城关镇's liaison
    assert len(told) == 1 and "办理期限由 2099-01-27（推定）改为 2099-01-29" in told[0]
    assert await rows(app) == []


async def test_an_extended_ticket_is_no_longer_recomputed(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await at(app, clock, console, 2099, 1, 19, 10)
    await ingest(app, number=NUMBER, received_at="2099-01-19T09:00:00", category="咨询")
    assert len(await rows(app)) == 1
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    reply = await say(app, console, "吴磊", f"工单 延期 {NUMBER} 3 需现场核实")
    assert "已延期至" in reply
    assert await rows(app) == []
