"""The shared conversation over both drivers, over long polling and over the webhook."""

from __future__ import annotations

import pytest

from bot.adapters.telegram.adapter import MENU_LIMIT
from bot.core.clock import FakeClock
from bot.core.roles import Role
from tests.adapters.contract import run_conversation
from tests.adapters.telegram.harness import add_person, running_bot

DRIVERS = ["ptb", "aiogram"]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("driver", DRIVERS)
async def test_conversation(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str, mode: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver, mode=mode) as chat:
        code = await add_person(chat.app, "新来的值班员", {Role.OFFICER})
        await add_person(chat.app, "值班员甲", {Role.OFFICER}, telegram_id=7002)
        assert code is not None
        await run_conversation(chat, "7001", code, "7002")
        assert chat.fake.throttled == 0
        # The slash menu carries the Chinese one-line help of each command.
        menu = {c["command"]: c["description"] for c in chat.fake.commands}
        assert menu["bind"] == "用管理员给的绑定码绑定本账号"
        assert "outbox_failed" in menu
        # The menu holds Telegram's 100 at most: every entry word, then subcommands in order;
        # none is dropped for a name Telegram would refuse, and each is a real command.
        names = [r.name.replace(" ", "_") for r in chat.app.dispatcher.table.routes]
        assert len(menu) == min(MENU_LIMIT, len(names)) and set(menu) <= set(names)
        assert {n for n in names if "_" not in n} <= set(menu)
