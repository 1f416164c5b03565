"""Updates as each driver's library parses them → neutral messages: one translation, both drivers.

Every update here goes through the driver's ``read_update`` (``telegram.Update.de_json`` or
``aiogram.types.Update.model_validate``), so the translation reads the library's own objects.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiogram.types
import pytest
import telegram

from bot.adapters.telegram import TOKEN_ENV, build_api
from bot.adapters.telegram.api import BotApi, BotIdentity
from bot.adapters.telegram.updates import Received, translate
from bot.config import TelegramConfig
from bot.core.messages import ChatKind
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.fake_updates import Json
from bot.testing.telegram.local_bot import TOKEN

ROOT = Path(__file__).resolve().parents[3]
LIBRARY_UPDATE = {"ptb": telegram.Update, "aiogram": aiogram.types.Update}
USER, GROUP = 5, -100
BOT = FakeBotApi(TOKEN)  # builds the JSON; never started
ME = BotIdentity(BOT.bot_id, BOT.username)


@pytest.fixture(params=["ptb", "aiogram"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[BotApi]:
    config = TelegramConfig(driver=request.param, base_url="http://127.0.0.1:9")
    api = build_api(config, {TOKEN_ENV: TOKEN})
    await api.open()
    yield api
    await api.close()


def _read(api: BotApi, update: Json) -> Received:
    parsed = api.read_update(update)
    assert isinstance(parsed, tuple(LIBRARY_UPDATE.values()))  # the library's own object
    return translate(parsed, ME)


def _group_message(text: str, **extra: Any) -> Json:
    return BOT.message_update(USER, text, chat_id=GROUP, **extra)


async def test_private_text_message(api: BotApi) -> None:
    update = BOT.message_update(USER, "/whoami")
    update["message"]["from"]["last_name"] = "张"
    msg = _read(api, update).message
    assert msg is not None and msg.chat_kind is ChatKind.PRIVATE
    assert msg.message_id == f"{BOT.bot_id}:{update['update_id']}"
    assert (msg.chat_id, msg.sender_id, msg.sender_name) == ("5", "5", "用户5 张")
    assert (msg.text, msg.is_button, msg.mentions_bot) == ("/whoami", False, False)


async def test_group_mention_by_name_is_stripped_and_case_blind(api: BotApi) -> None:
    entities = [{"type": "mention", "offset": 0, "length": 12}]
    msg = _read(api, _group_message("@dutytestbot 值班 今天", entities=entities)).message
    assert msg is not None and msg.chat_kind is ChatKind.GROUP and msg.mentions_bot
    assert msg.text == "值班 今天" and msg.chat_title == f"群{GROUP}"


async def test_entity_offsets_count_utf16_units(api: BotApi) -> None:
    # The emoji is two UTF-16 units, so the mention starts at 3, not 2.
    entities = [{"type": "mention", "offset": 3, "length": 12}]
    msg = _read(api, _group_message("😀 @DutyTestBot 值班", entities=entities)).message
    assert msg is not None and msg.mentions_bot
    other = [{"type": "mention", "offset": 3, "length": 6}]
    msg = _read(api, _group_message("😀 @zhang 值班", entities=other)).message
    assert msg is not None and not msg.mentions_bot


async def test_mention_by_id_and_reply_to_the_bot(api: BotApi) -> None:
    me = {"id": BOT.bot_id, "is_bot": True, "first_name": "值班助手"}
    by_id = [{"type": "text_mention", "offset": 0, "length": 4, "user": me}]
    msg = _read(api, _group_message("值班助手 值班", entities=by_id)).message
    assert msg is not None and msg.mentions_bot
    earlier = {"message_id": 1, "date": 0, "chat": BOT.chat(GROUP), "from": me, "text": "好"}
    msg = _read(api, _group_message("值班", reply_to_message=earlier)).message
    assert msg is not None and msg.mentions_bot
    msg = _read(api, _group_message("大家辛苦了")).message
    assert msg is not None and not msg.mentions_bot


async def test_caption_with_its_entities(api: BotApi) -> None:
    entities = [{"type": "mention", "offset": 0, "length": 12}]
    update = BOT.caption_update(USER, "@DutyTestBot 现场照片", chat_id=GROUP, entities=entities)
    assert "text" not in update["message"] and "caption_entities" in update["message"]
    msg = _read(api, update).message
    assert msg is not None and msg.mentions_bot and msg.text == "现场照片"


async def test_button_press_also_under_a_message_too_old_to_read(api: BotApi) -> None:
    update: Json = {
        "update_id": 77,
        "callback_query": {
            "id": "cq1",
            "from": {"id": USER, "is_bot": False, "first_name": "三"},
            "chat_instance": "1",
            "data": "/ack 3",
            # date 0: Telegram no longer shows the message's content (InaccessibleMessage).
            "message": {"message_id": 9, "date": 0, "chat": BOT.chat(GROUP)},
        },
    }
    received = _read(api, update)
    assert received.callback_id == "cq1" and received.message is not None
    assert received.message.is_button and received.message.text == "/ack 3"
    assert received.message.chat_id == str(GROUP)
    inline = {**update["callback_query"], "inline_message_id": "im1"}
    del inline["message"]
    assert _read(api, {"update_id": 78, "callback_query": inline}) == Received(callback_id="cq1")


async def test_supergroup_migration(api: BotApi) -> None:
    received = _read(api, BOT.migrate_update(-500, -1009876543210))
    assert received == Received(migrated=("-500", "-1009876543210"))


async def test_updates_that_are_not_requests_to_the_bot(api: BotApi) -> None:
    original = BOT.message_update(USER, "/whoami")
    assert _read(api, BOT.edited_update(original, "/help")) == Received()
    assert _read(api, BOT.member_update(GROUP, USER, "member")) == Received()
    channel = {"id": -1001, "type": "channel", "title": "通知频道"}
    post = {"message_id": 3, "date": 0, "chat": channel, "text": "x"}
    assert _read(api, {"update_id": 11, "channel_post": post}) == Received()
    sender = {"id": USER, "is_bot": False, "first_name": "三"}
    assert _read(api, {"update_id": 12, "message": {**post, "from": sender}}) == Received()
    echo = BOT.message_update(USER, "/whoami")
    echo["message"]["from"] = {"id": 8, "is_bot": True, "first_name": "另一个机器人"}
    assert _read(api, echo) == Received()


async def test_a_body_that_is_no_update_is_refused(api: BotApi) -> None:
    for body in ({"not": "an update"}, {"update_id": 5, "message": "x"}):
        with pytest.raises(ValueError):
            api.read_update(body)


def test_importing_the_adapter_and_both_drivers_changes_no_environment_variable() -> None:
    script = (
        "import os\n"
        "before = dict(os.environ)\n"
        "import bot.adapters.telegram, bot.adapters.telegram.driver_ptb\n"
        "import bot.adapters.telegram.driver_aiogram\n"
        "after = dict(os.environ)\n"
        "print(sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTB_")}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
