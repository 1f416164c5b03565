"""Every injected Bot API fault ends with the message delivered once or reported as failed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.core.roles import Role
from bot.store.outbox import OutboxMessage
from models.directory import groups
from tests.adapters.telegram.harness import (
    TelegramChat,
    add_person,
    queue,
    register_group,
    running_bot,
    settle,
)

DRIVERS = ["ptb", "aiogram"]
ADMIN, USER, GROUP = 7000, 7001, -500


async def _status(chat: TelegramChat, key: str) -> str:
    async with chat.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
    assert row is not None
    return row.status


@pytest.mark.parametrize("fault", ["429", "500", "timeout"])
@pytest.mark.parametrize("driver", DRIVERS)
async def test_transient_fault_delivers_exactly_once(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str, fault: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        chat.fake.fail("sendMessage", fault, chat_id=USER)
        await queue(chat.app, USER, "请于 10:00 前报送汛情", "k1")
        await settle(chat.app, clock)
        assert chat.fake.texts(USER) == ["请于 10:00 前报送汛情"]
        assert await _status(chat, "k1") == "sent"
        assert not chat.fake.faults  # the fault really happened


@pytest.mark.parametrize("driver", DRIVERS)
async def test_flood_control_pauses_the_whole_bot(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        limits = chat.app.sender.limits["telegram"]
        chat.fake.limits.retry_after = 3
        chat.fake.fail("sendMessage", "429", chat_id=USER)
        await queue(chat.app, USER, "第一条", "k1")
        for _ in range(500):  # until the running sender has met the 429
            if limits.paused_until > clock.now():
                break
            await asyncio.sleep(0.02)
        await queue(chat.app, 7009, "另一位", "k2")  # a different chat waits too
        await asyncio.sleep(0.3)
        assert limits.paused_until > clock.now() and chat.fake.texts(7009) == []
        await settle(chat.app, clock)
        assert chat.fake.texts(USER) == ["第一条"] and chat.fake.texts(7009) == ["另一位"]


@pytest.mark.parametrize(
    ("address", "state", "reason"),
    [
        (USER, "blocked", "屏蔽或移出"),
        (GROUP, "blocked", "屏蔽或移出"),
        (7404, "unknown", "找不到该会话"),
    ],
)
@pytest.mark.parametrize("driver", DRIVERS)
async def test_permanent_failure_is_reported_to_admins(
    db_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    driver: str,
    address: int,
    state: str,
    reason: str,
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await add_person(chat.app, "管理员", {Role.ADMIN}, telegram_id=ADMIN)
        getattr(chat.fake, state).add(address)
        await queue(chat.app, address, "紧急通知", "k1")
        await settle(chat.app, clock)
        assert await _status(chat, "k1") == "failed"
        assert chat.fake.texts(address) == []
        sends = [p for m, p in chat.fake.calls if m == "sendMessage" and p["chat_id"] == address]
        assert len(sends) == 1  # given up at once: retrying cannot help
        (alert,) = chat.fake.texts(ADMIN)
        assert "【投递失败】" in alert and reason in alert


@pytest.mark.parametrize("driver", DRIVERS)
async def test_supergroup_migration_moves_the_group_and_resends(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    new = -1001234567890
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await register_group(chat.app, GROUP, "防汛群", "防汛")
        chat.fake.migrated[GROUP] = new
        await queue(chat.app, GROUP, "汛情通报一", "k1")
        await settle(chat.app, clock)
        # Queued for the old id before anyone knew of the move:
        await queue(chat.app, GROUP, "汛情通报二", "k2")
        await settle(chat.app, clock)
        assert chat.fake.texts(new) == ["汛情通报一", "汛情通报二"]
        assert await _status(chat, "k1") == "sent"
        async with chat.app.sessions() as session:
            assert await groups.find(session, Target("telegram", str(GROUP))) is None
            moved = await groups.find(session, Target("telegram", str(new)))
        assert moved is not None and moved.channels == ["防汛"]


@pytest.mark.parametrize("driver", DRIVERS)
async def test_outbox_pacing_keeps_under_the_servers_limits(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    limits = {"overall_per_second": 30, "per_chat_per_second": 4, "per_group_per_minute": 240}
    async with running_bot(db_url, clock, monkeypatch, driver=driver, rate_limit=limits) as chat:
        for i in range(10):
            await queue(chat.app, USER, f"私聊 {i}", f"p{i}")
            await queue(chat.app, GROUP, f"群消息 {i}", f"g{i}")
        await settle(chat.app, clock)
        # Each exactly once (the outbox may reorder rows it deferred for the rate limit).
        assert sorted(chat.fake.texts(USER)) == [f"私聊 {i}" for i in range(10)]
        assert sorted(chat.fake.texts(GROUP)) == [f"群消息 {i}" for i in range(10)]
        assert chat.fake.throttled == 0
        # The same burst sent straight through the adapter, unpaced, is refused by the server.
        with pytest.raises(Exception, match="限流") as caught:
            for i in range(10):
                await chat.adapter.send(str(USER + 1), Reply(f"未限速 {i}"))
        assert getattr(caught.value, "pause_platform", False)
