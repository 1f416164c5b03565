"""Roster writes at model level: apply plans the slot's due items, edits move them, and a
conversation row expires."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.store import dialog, due
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from models.directory.users import User, add_user
from models.duty import roster as duty_roster
from models.duty.records import SlotSpec
from models.duty.settings import DutyConfig

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
TZ = LocalTime("Asia/Shanghai")


@pytest.fixture
async def session(db_url: str) -> AsyncIterator[AsyncSession]:
    engine = make_engine(db_url)
    await upgrade(engine)
    async with make_sessionmaker(engine).begin() as s:
        yield s
    await engine.dispose()


async def _people(session: AsyncSession) -> list[User]:
    from bot.core.roles import Role

    return [
        await add_user(
            session, name=n, org="县政府办公室", roles={Role.OFFICER}, now=NOW, new_unit=True
        )
        for n in ("张三", "赵丽")
    ]


async def _pending(session: AsyncSession) -> dict[str, datetime]:
    rows = await session.execute(
        select(due.DueItem.key, due.DueItem.due_at).where(
            due.DueItem.status == due.DueStatus.PENDING.value
        )
    )
    return {str(k): at for k, at in rows}


async def test_apply_plans_reminders_and_edits_move_them(session: AsyncSession) -> None:
    zhang, zhao = await _people(session)
    cfg = DutyConfig()
    spec = SlotSpec(date(2026, 11, 27), "全天", None, (zhang.id,))
    summary = await duty_roster.apply(session, NOW, cfg, TZ, [spec])
    assert len(summary.added) == 1
    keys = await _pending(session)
    assert sorted(k.split(":", 2)[2] for k in keys) == [
        "duty-checkin:admin",
        "duty-checkin:leader",
        "duty-daily:daily",  # the 值班日报 at the slot's end
        "duty-remind:day-before",
        "duty-remind:end",
        "duty-remind:start",
    ]
    day_before = next(at for k, at in keys.items() if k.endswith("day-before"))
    assert TZ.fmt(day_before) == "2026-11-26 16:00"
    same = await duty_roster.apply(session, NOW, cfg, TZ, [spec])
    assert same.unchanged == 1 and await _pending(session) == keys
    moved = await duty_roster.apply(
        session, NOW, cfg, TZ, [SlotSpec(spec.day, "全天", None, (zhao.id,))]
    )
    assert len(moved.changed) == 1 and "值班：赵丽" in moved.changed[0]
    assert await _pending(session) == keys  # cancelled and re-created under the same keys


async def test_editing_a_running_slot_does_not_replay_past_reminders(
    session: AsyncSession,
) -> None:
    zhang, _ = await _people(session)
    await duty_roster.apply(
        session, NOW, DutyConfig(), TZ, [SlotSpec(date(2026, 11, 26), "全天", None, (zhang.id,))]
    )
    steps = sorted(k.split(":", 2)[2] for k in await _pending(session))
    # 08:30 start has passed; the 值班日报 at the end is still to come
    assert steps == ["duty-checkin:admin", "duty-daily:daily", "duty-remind:end"]


async def test_dialog_expires(session: AsyncSession) -> None:
    await dialog.open_(
        session,
        platform="console",
        chat_id="张三",
        sender_id="张三",
        kind="quiz",
        state={"step": 1},
        now=NOW,
        expires_at=NOW + timedelta(minutes=5),
    )
    assert await dialog.find(session, "console", "张三", "张三", NOW + timedelta(minutes=4))
    assert (
        await dialog.find(session, "console", "张三", "张三", NOW + timedelta(minutes=5)) is None
    )
    assert await dialog.find(session, "console", "张三", "张三", NOW) is None  # removed
