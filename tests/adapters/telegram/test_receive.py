"""Receiving: no update lost or handled twice (polling crash, webhook retries, wrong secret),
button presses, group mentions, supergroup service messages, live edits."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from sqlalchemy import func, select

from bot.adapters.telegram.render import TOKEN_MARK
from bot.app import App
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


async def _inbox_rows(app: App) -> int:
    async with app.sessions() as session:
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


async def test_aiogram_polling_confirms_an_update_whose_handler_failed() -> None:
    """Why the adapter polls itself with both drivers (receive.py): aiogram's own polling, even
    waiting for its handler (handle_as_tasks=False), confirms an update the handler could not
    store. Should aiogram stop doing so, its polling could serve the aiogram driver."""
    fake = FakeBotApi(TOKEN)
    await fake.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url), timeout=2)
    bot, dispatcher, seen = Bot(TOKEN, session=session), Dispatcher(), []

    @dispatcher.message()
    async def store(message: Message) -> None:
        seen.append(message.text)
        raise RuntimeError("the inbox refused it")

    update_id = await fake.push(fake.message_update(OFFICER, "/whoami"))
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_as_tasks=False, handle_signals=False, polling_timeout=1
        )
    )
    try:
        await fake.wait_confirmed(update_id)
    finally:
        await dispatcher.stop_polling()
        await polling
        await fake.stop()
    assert seen == ["/whoami"] and fake.updates == []  # handled once, failed, confirmed


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
        # An update_id alone does not make an update: the driver's library must read it.
        assert await chat.post({"update_id": 5, "message": "not a message"}) == 400
        assert await _inbox_rows(chat.app) == 1


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


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("driver", DRIVERS)
async def test_a_captioned_command_is_answered_but_edits_and_joins_are_not(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str, mode: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver, mode=mode) as chat:
        await add_person(chat.app, "值班员甲", {Role.OFFICER}, telegram_id=OFFICER)
        original = chat.fake.message_update(OFFICER, "/whoami")
        await chat.deliver(original)
        await chat.deliver(chat.fake.edited_update(original, "/help"))
        await chat.deliver(chat.fake.member_update(-500, OFFICER, "member"))
        await chat.deliver(chat.fake.caption_update(OFFICER, "/whoami"))
        replies = await chat.replies(str(OFFICER))
        assert len(replies) == 2 and all("姓名：值班员甲" in r for r in replies)
        assert chat.fake.texts(-500) == []


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
