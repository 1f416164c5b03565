"""Receiving: no update lost or handled twice (polling crash, webhook retries, wrong secret),
button presses, group mentions, supergroup service messages, live edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.adapters.telegram.render import TOKEN_MARK
from bot.core.clock import FakeClock
from bot.core.messages import Button, Reply, Target
from bot.core.roles import Role
from bot.store.inbox import InboxMessage
from bot.testing.telegram.fake_bot_api import FakeBotApi
from models.directory import groups
from tests.adapters.telegram.harness import (
    TOKEN,
    add_person,
    queue,
    register_group,
    running_bot,
    settle,
)

DRIVERS = ["ptb", "aiogram"]
OFFICER = 7002


async def _inbox_rows(chat_app: object) -> int:
    async with chat_app.sessions() as session:  # type: ignore[attr-defined]
        return int(await session.scalar(select(func.count()).select_from(InboxMessage)) or 0)


@pytest.mark.parametrize("driver", DRIVERS)
async def test_crash_between_storing_and_handling_handles_once(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    fake = FakeBotApi(TOKEN)
    await fake.start()
    try:
        async with running_bot(db_url, clock, monkeypatch, driver=driver, fake=fake) as chat:
            await add_person(chat.app, "值班员甲", {Role.OFFICER}, telegram_id=OFFICER)
            assert chat.adapter.receiver is not None
            await chat.adapter.receiver.stop()  # from here on we poll by hand
            update_id = await fake.push(fake.message_update(OFFICER, "/whoami"))
            (update,) = await chat.adapter.api.get_updates(None, 0)
            await chat.adapter.accept(update)  # stored; the process dies before handling it
        assert fake.texts(OFFICER) == [] and fake.confirmed == 0
        # Restart: the stored update is handled at start; Telegram sends it again (never
        # confirmed) and the copy is dropped.
        async with running_bot(db_url, clock, monkeypatch, driver=driver, fake=fake) as chat:
            await fake.wait_confirmed(update_id)
            replies = await chat.replies(str(OFFICER))
        assert len(replies) == 1 and "姓名：值班员甲" in replies[0]
    finally:
        await fake.stop()


@pytest.mark.parametrize("driver", DRIVERS)
async def test_webhook_refuses_a_wrong_secret_and_stores_nothing(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver, mode="webhook") as chat:
        update = chat.fake.message_update(OFFICER, "/help")
        assert await chat.post(update, secret="wrong") == 403
        assert await chat.post(update, secret=None) == 403
        assert await _inbox_rows(chat.app) == 0
        # Telegram retries until it gets 2xx: the same update twice is answered once.
        assert await chat.post(update) == 200
        assert await chat.post(update) == 200
        await chat.adapter.settle()
        assert len(await chat.replies(str(OFFICER))) == 1
        assert await chat.post({"not": "an update"}) == 400


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("driver", DRIVERS)
async def test_buttons_short_and_long_commands(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str, mode: str
) -> None:
    long_command = "/help " + "绑定" * 12  # 78 bytes: too long for callback_data
    async with running_bot(db_url, clock, monkeypatch, driver=driver, mode=mode) as chat:
        await add_person(chat.app, "值班员甲", {Role.OFFICER}, telegram_id=OFFICER)
        buttons = ((Button("我是谁", "/whoami"), Button("长命令", long_command)),)
        await queue(chat.app, OFFICER, Reply("请选择：", buttons=buttons), "menu")
        await settle(chat.app, clock)
        (menu,) = chat.fake.sent_to(OFFICER)
        short, token = (b["callback_data"] for b in menu.keyboard[0])
        assert short == "/whoami" and token.startswith(TOKEN_MARK)
        assert len(token.encode()) <= 64
        await chat.deliver(chat.fake.press_update(OFFICER, menu, short))
        await chat.deliver(chat.fake.press_update(OFFICER, menu, token))
        await chat.deliver(chat.fake.press_update(OFFICER, menu, TOKEN_MARK + "unknown"))
        _, *replies = await chat.replies(str(OFFICER))
        assert len(replies) == 2  # the unknown token produced no message …
        assert any("姓名：值班员甲" in t for t in replies)
        assert any("用法：/bind" in t for t in replies)  # /help 绑定…, as if typed
        assert chat.fake.answers[-1][1] == "该按钮已失效，请重新发送命令。"  # … only a notice
        assert len(chat.fake.answers) == 3


@pytest.mark.parametrize("driver", DRIVERS)
async def test_group_mention_and_supergroup_service_message(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    group, supergroup = -500, -1009876543210
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await add_person(chat.app, "值班员甲", {Role.OFFICER}, telegram_id=OFFICER)
        await register_group(chat.app, group, "值班群", "全体")
        text = "@DutyTestBot 我是谁"
        entities = [{"type": "mention", "offset": 0, "length": 12}]
        await chat.deliver(
            chat.fake.message_update(OFFICER, text, chat_id=group, entities=entities)
        )
        await chat.deliver(chat.fake.message_update(OFFICER, "大家辛苦了", chat_id=group))
        (reply,) = await chat.replies(str(OFFICER), group=str(group))
        assert "姓名：值班员甲" in reply
        await chat.deliver(chat.fake.migrate_update(group, supergroup))
        async with chat.app.sessions() as session:
            assert await groups.find(session, Target("telegram", str(supergroup))) is not None


@pytest.mark.parametrize("driver", DRIVERS)
async def test_live_summary_is_edited_in_place(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        for i, text in enumerate(["已确认 1/3", "已确认 2/3", "已确认 2/3", "已确认 3/3"]):
            await queue(chat.app, -500, Reply(text, edit_key="ack:1"), f"ack:{i}")
            await settle(chat.app, clock)
        (live,) = chat.fake.sent_to(-500)
        assert live.text == "已确认 3/3" and live.edits == 2  # "not modified" counts as done


@pytest.mark.parametrize("driver", DRIVERS)
async def test_polling_rides_out_server_errors_and_timeouts(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await add_person(chat.app, "值班员甲", {Role.OFFICER}, telegram_id=OFFICER)
        chat.fake.timeout_delay = 4.0  # longer than the poll's own wait plus the request timeout
        for fault in ("500", "timeout", "429"):
            chat.fake.fail("getUpdates", fault)
        await chat.say(str(OFFICER), "/whoami")
        (menu,) = await chat.replies(str(OFFICER))
        assert not chat.fake.faults
        assert "姓名：值班员甲" in menu
