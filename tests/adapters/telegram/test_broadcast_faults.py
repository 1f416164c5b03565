"""Emergency broadcasts through the local Bot API server when things go wrong: the sending process
killed half way, a read timeout after Telegram had the message, groups becoming supergroups.

The server's own record of what it accepted is the evidence: each recipient exactly one copy.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.roles import Role
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxMessage
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.local_bot import TELEGRAM_LIMITS, TOKEN, server_limits
from models.broadcast import records as bc
from tests.adapters.telegram.harness import (
    TelegramChat,
    add_person,
    press,
    queue,
    register_group,
    running_bot,
    settle,
)
from tests.adapters.telegram.test_broadcast import IDS, TelegramDrill
from tests.broadcast_drill import DRILL_CONFIG, EVERYONE, RENOTIFY_MINUTES, SENDER, enlist
from tests.conftest import make_config
from tests.support import incoming

DRIVERS = ["ptb", "aiogram"]
ROOT = Path(__file__).resolve().parents[3]
TEXT = "台风登陆，请立即转移危险区群众"
ALERT = f"应急广播 演练 红色 {TEXT}"


def copies(fake: FakeBotApi, names: list[str]) -> Counter[int]:
    """How many copies of the broadcast each of ``names`` got, by the server's record."""
    return Counter(sum(TEXT in t for t in fake.texts(IDS[n])) for n in names)


async def outcomes(app: App) -> tuple[dict[str, str], Counter[str]]:
    """Each first-message row's status by target, and the audited outcomes of their sends."""
    async with app.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.target, OutboxMessage.status).where(
                OutboxMessage.kind == "broadcast"
            )
        )
        audited = await session.scalars(
            select(AuditLog.outcome).where(
                AuditLog.kind == "outbound", AuditLog.command == "broadcast"
            )
        )
        return dict(rows.all()), Counter(audited)


async def _queued_broadcast(db_url: str, clock: FakeClock) -> None:
    """The bot before it sends anything: 100 people, a red broadcast confirmed and queued."""
    config = make_config(db_url, **DRILL_CONFIG)
    bot = await App.create(config, clock=clock, adapters={}, auto_upgrade=True)
    await add_person(bot, SENDER, {Role.LEADER}, telegram_id=IDS[SENDER])
    await enlist(bot, lambda name: ("telegram", str(IDS[name])))
    leader = str(IDS[SENDER])
    for text in (ALERT, "确认广播 1"):
        await bot.dispatcher.receive(incoming(text, sender=leader, platform="telegram"))
    await bot.engine.dispose()


@pytest.mark.parametrize("driver", DRIVERS)
async def test_killed_half_way_the_restart_sends_each_recipient_exactly_one_copy(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    await _queued_broadcast(db_url, clock)
    held = EVERYONE[49]
    fake = FakeBotApi(TOKEN, limits=server_limits(True))
    fake.clock = lambda: clock.now().timestamp()
    fake.timeout_delay = 600  # Telegram has the 50th message; its answer never comes
    fake.fail("sendMessage", "late", chat_id=IDS[held])
    await fake.start()
    try:
        child = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot.testing.telegram.local_bot"),
            *(db_url, fake.base_url, driver, clock.now().isoformat()),
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        async with asyncio.timeout(60):
            await fake.wait_sent(1, chat_id=IDS[held])
        child.kill()  # SIGKILL while its send of the 50th is in flight
        await child.wait()
        before = copies(fake, EVERYONE)
        assert before[0] and before[1] and set(before) == {0, 1}  # half way, none twice

        clock.advance(seconds=make_config(db_url).outbox.lease_seconds + 1)
        async with running_bot(
            db_url, clock, monkeypatch, driver=driver, fake=fake, rate_limit=TELEGRAM_LIMITS
        ) as chat:
            await settle(chat.app, clock)
            assert copies(fake, EVERYONE) == {1: 100}
            statuses, audited = await outcomes(chat.app)
            assert Counter(statuses.values()) == {"sent": 99, "uncertain": 1}
            assert statuses[f"telegram:{IDS[held]}"] == "uncertain"
            assert audited == {"sent": 99, "uncertain": 1}

            # Nobody has acked: the loop re-notifies everyone, the one in doubt included.
            drill = TelegramDrill(chat, clock)
            await drill.tick(RENOTIFY_MINUTES)
            await drill.tick(1)  # the summary catches up
            assert "【第1次提醒·您尚未确认】" in fake.texts(IDS[held])[-1]
            summary = await drill.summary()
            assert "已送达 99 / 100" in summary and f"送达异常：{held}（送达不确定）" in summary
    finally:
        await fake.stop()


async def _row(chat: TelegramChat, name: str) -> OutboxMessage:
    async with chat.app.sessions() as session:
        found = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.kind == "broadcast",
                OutboxMessage.target == f"telegram:{IDS[name]}",
            )
        )
    assert found is not None
    return found


@pytest.mark.parametrize("driver", DRIVERS)
async def test_a_read_timeout_after_sending_leaves_the_copy_in_doubt_and_the_loop_chases(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    few = EVERYONE[:5]
    doubt = IDS[few[0]]
    async with running_bot(
        db_url, clock, monkeypatch, driver=driver, rate_limit=TELEGRAM_LIMITS, **DRILL_CONFIG
    ) as chat:
        await add_person(chat.app, SENDER, {Role.LEADER}, telegram_id=IDS[SENDER])
        await enlist(chat.app, lambda name: ("telegram", str(IDS[name])), few)
        # Telegram carries the send out but answers after 2 s; the adapter waits 1 s.
        chat.fake.fail("sendMessage", "late", chat_id=doubt)
        drill = TelegramDrill(chat, clock)
        for text in (ALERT, "确认广播 1"):
            await drill.say(text)
        assert copies(chat.fake, few) == {1: 5}
        sends = [p for m, p in chat.fake.calls if m == "sendMessage" and p["chat_id"] == doubt]
        assert len(sends) == 1 and not chat.fake.faults  # not sent again
        row = await _row(chat, few[0])
        assert row.status == "uncertain" and "是否送达不确定，不重发" in (row.last_error or "")

        # An ordinary message timing out before Telegram has it is simply retried.
        chat.fake.fail("sendMessage", "timeout", chat_id=doubt)
        await queue(chat.app, doubt, "例行提醒：今日值班表已更新", "routine")
        await settle(chat.app, clock)
        assert chat.fake.texts(doubt).count("例行提醒：今日值班表已更新") == 1

        await drill.ack(few[1:])
        await drill.tick(RENOTIFY_MINUTES)  # only the one in doubt has not acked
        assert "【第1次提醒·您尚未确认】" in chat.fake.texts(doubt)[-1]
        assert copies(chat.fake, few[1:]) == {1: 4}
        await drill.tick(1)
        assert f"送达异常：{few[0]}（送达不确定）" in await drill.summary()


@pytest.mark.parametrize("driver", DRIVERS)
async def test_groups_becoming_supergroups_mid_broadcast(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    (noticed, moved), (silent, upgraded) = (-501, -1001000000501), (-502, -1001000000502)
    few = EVERYONE[:2]
    async with running_bot(
        db_url, clock, monkeypatch, driver=driver, rate_limit=TELEGRAM_LIMITS, **DRILL_CONFIG
    ) as chat:
        await add_person(chat.app, SENDER, {Role.LEADER}, telegram_id=IDS[SENDER])
        await enlist(chat.app, lambda name: ("telegram", str(IDS[name])), few)
        await register_group(chat.app, noticed, "甲村群", "演练")
        await register_group(chat.app, silent, "乙村群", "演练")
        drill = TelegramDrill(chat, clock)
        await drill.say(ALERT)
        preview = chat.fake.texts(IDS[SENDER])[-1]
        assert "群（2）：" in preview and "甲村群" in preview and "乙村群" in preview
        # While the draft waits, 甲村群 moves and Telegram's service message tells the bot …
        chat.fake.migrated.update({noticed: moved, silent: upgraded})
        await chat.deliver(chat.fake.migrate_update(noticed, moved))
        # … 乙村群 moves unnoticed: the bot learns it from the 400 answering its send.
        await drill.say("确认广播 1")
        for group in (moved, upgraded):
            assert [TEXT in t for t in chat.fake.texts(group)] == [True]
        to_old = [p for m, p in chat.fake.calls if m == "sendMessage" and p["chat_id"] == noticed]
        assert to_old == [] and chat.fake.texts(silent) == []

        async with chat.app.sessions() as session:
            groups = {
                r.name: r.targets
                for r in await session.scalars(
                    select(bc.BroadcastRecipient).where(bc.BroadcastRecipient.kind == "group")
                )
            }
        assert groups == {
            "甲村群": [f"telegram:{noticed}", f"telegram:{moved}"],
            "乙村群": [f"telegram:{silent}", f"telegram:{upgraded}"],
        }
        # A 收到 pressed in the supergroup counts for the person and for the group.
        for name, group in zip(few, (moved, upgraded), strict=True):
            await chat.fake.wait_confirmed(await press(chat.fake, IDS[name], group, "收到"))
        await drill.tick(1)
        summary = await drill.summary()
        assert "已送达 4 / 4　已确认 4 / 4" in summary and "无人确认的群" not in summary
