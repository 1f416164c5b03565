"""A 12345 ticket overdue twice becomes 督办 on the fake clock: one 督办 item per ticket, due by
the rule table, audited; with ``tickets.supervise_item: false`` only the ticket's status moves."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Any

from sqlalchemy import select, update

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.audit import AuditLog
from bot.store.due import DueItem, DueStatus
from models.directory.users import User
from models.supervision.records import SupervisionItem
from tests.conftest import demo_app, make_config
from tests.handlers.tickets.test_tickets import NUMBER, current, ingest, say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


def county(
    db_url: str, clock: FakeClock, console: RecordingAdapter, **overrides: Any
) -> AbstractAsyncContextManager[App]:
    """The demo county under a config with ``overrides``."""
    return demo_app(make_config(db_url, **overrides), clock, {"console": console})


async def _twice_overdue(app: App, clock: FakeClock, console: RecordingAdapter) -> str:
    """咨询 due 11-30 24:00; overdue 12-01, extended one day, overdue again 12-02 09:00."""
    await ingest(app, category="咨询")
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    first = _overdue(await at(app, clock, console, 2026, 12, 1, 9, 1))
    assert "督办" not in first
    assert (await current(app)).status == "办理中"
    await say(app, console, "吴磊", f"工单 延期 {NUMBER} 1 需协调供电公司")
    return _overdue(await at(app, clock, console, 2026, 12, 2, 9, 1))


def _overdue(sent: dict[str, list[str]]) -> str:
    """The one 超期 push the liaison got among those that fell due."""
    (found,) = [text for text in sent["吴磊"] if "工单已超期" in text]
    return found


async def _items(app: App) -> list[SupervisionItem]:
    async with app.sessions() as session:
        return list(await session.scalars(select(SupervisionItem).order_by(SupervisionItem.id)))


async def _audited(app: App) -> list[AuditLog]:
    async with app.sessions() as session:
        query = select(AuditLog).where(AuditLog.command == "ticket:supervise")
        return list(await session.scalars(query))


async def test_overdue_twice_opens_one_supervision_item(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    rules = {"hotline.supervise": {"amount": 3}}  # the item's deadline follows the rule table
    async with county(db_url, clock, console, rules=rules) as app:
        pushed = await _twice_overdue(app, clock, console)
        ticket = await current(app)
        assert ticket.status == "督办" and ticket.overdue_count == 2
        (item,) = await _items(app)
        # 3 working days after Wednesday 12-02 → Monday 12-07
        assert item.due_date == date(2026, 12, 7)
        assert item.source == "12345" and item.origin == f"ticket:{NUMBER}"
        assert item.status == "交办" and item.lead_org.name == "城关镇"
        assert NUMBER in item.title and "路灯不亮" in item.content
        assert [e.action for e in item.events] == ["立项", "交办"]
        assert [e.action for e in ticket.events][-3:] == ["超期", "督办", "立督办项"]
        assert f"已转督办 #{item.id}" in pushed and f"/task_sign {item.id}" in pushed
        (entry,) = await _audited(app)
        assert entry.outcome == "ok" and entry.detail["task"] == item.id
        assert entry.detail["ticket"] == NUMBER and entry.detail["due"] == "2026-12-07"
        async with app.sessions() as session:
            keys = await session.scalars(
                select(DueItem.key).where(DueItem.status == DueStatus.PENDING.value)
            )
            assert f"task:{item.id}:sign" in set(keys)  # the item is chased like any other
        # Extended again and overdue a third time: still the one item, still one audit entry.
        await say(app, console, "吴磊", f"工单 延期 {NUMBER} 2 等待配件")
        third = _overdue(await at(app, clock, console, 2026, 12, 4, 9, 1))
        assert (await current(app)).status == "督办"
        assert f"已转督办 #{item.id}" in third
        assert len(await _items(app)) == 1 and len(await _audited(app)) == 1
        assert "已签收" in await say(app, console, "吴磊", f"/task_sign {item.id}")


async def test_switch_off_keeps_the_status_only(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async with county(db_url, clock, console, tickets={"supervise_item": False}) as app:
        pushed = await _twice_overdue(app, clock, console)
        assert (await current(app)).status == "督办"
        assert await _items(app) == [] and await _audited(app) == []
        assert "已转督办" not in pushed


async def test_never_supervised_when_the_count_is_zero(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async with county(db_url, clock, console, tickets={"supervise_after_overdue": 0}) as app:
        await _twice_overdue(app, clock, console)
        assert (await current(app)).status == "延期" and await _items(app) == []


async def test_without_a_desk_the_gap_is_recorded(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async with county(db_url, clock, console) as app:
        async with app.sessions.begin() as session:
            await session.execute(
                update(User).where(User.name.in_(["陈静", "刘洋"])).values(active=False)
            )
        await _twice_overdue(app, clock, console)
        ticket = await current(app)
        assert ticket.status == "督办" and ticket.events[-1].action == "督办未立项"
        assert await _items(app) == []
        (entry,) = await _audited(app)
        assert entry.outcome == "skipped" and entry.detail == {"ticket": NUMBER}
