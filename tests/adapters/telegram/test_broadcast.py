"""Emergency broadcasts over the local Bot API server at Telegram's limits: the acknowledgement
drill of tests/broadcast_drill.py with acks as presses of the inline 收到 button, the sender's
live summary edited in place with editMessageText, and an officer's draft approved by a leader."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.core.clock import FakeClock
from bot.core.roles import Role
from bot.testing.telegram.local_bot import TELEGRAM_LIMITS
from models.broadcast import records as bc
from tests.adapters.telegram.harness import TelegramChat, add_person, press, running_bot, settle
from tests.broadcast_drill import DRILL_CONFIG, EVERYONE, PROMPT, SENDER, enlist, run_drill

DRIVERS = ["ptb", "aiogram"]
IDS = {SENDER: 9000} | {name: 7100 + i for i, name in enumerate(EVERYONE)}
SUMMARY_HEAD = "【广播回执】"


@dataclass
class TelegramDrill:
    """:class:`tests.broadcast_drill.DrillChat` over the local Bot API server."""

    chat: TelegramChat
    clock: FakeClock

    async def say(self, text: str) -> None:
        await self.chat.say(str(IDS[SENDER]), text)
        await settle(self.chat.app, self.clock)

    async def ack(self, names: list[str]) -> None:
        """Everyone presses 收到 at about the same time; the poller takes them in batches."""
        last = 0
        for name in names:
            last = await press(self.chat.fake, IDS[name], IDS[name], "收到")
        await self.chat.fake.wait_confirmed(last, within=60)
        await settle(self.chat.app, self.clock)

    async def tick(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.chat.app.ticker.tick()
        await settle(self.chat.app, self.clock)

    async def texts(self, name: str) -> list[str]:
        await settle(self.chat.app, self.clock)
        return self.chat.fake.texts(IDS[name])

    async def summary(self) -> str:
        (live,) = [m for m in self.chat.fake.sent_to(IDS[SENDER]) if SUMMARY_HEAD in m.text]
        return live.text


async def _acks(chat: TelegramChat) -> list[bc.BroadcastAck]:
    async with chat.app.sessions() as session:
        return list(await session.scalars(select(bc.BroadcastAck).order_by(bc.BroadcastAck.id)))


@pytest.mark.parametrize("driver", DRIVERS)
async def test_drill_with_button_acks_and_a_live_summary(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(
        db_url, clock, monkeypatch, driver=driver, rate_limit=TELEGRAM_LIMITS, **DRILL_CONFIG
    ) as chat:
        await add_person(chat.app, SENDER, {Role.LEADER}, telegram_id=IDS[SENDER])
        await enlist(chat.app, lambda name: ("telegram", str(IDS[name])))
        await run_drill(TelegramDrill(chat, clock), chat.app)

        acks = await _acks(chat)
        assert len(acks) == 90 and {a.platform for a in acks} == {"telegram"}
        # Every press was answered (the button stops spinning) without a notice.
        assert len(chat.fake.answers) == 90 and {text for _, text in chat.fake.answers} == {None}
        (first,) = [a for a in acks if a.chat == f"telegram:{IDS[PROMPT[0]]}"]

        # A second press changes nothing and says so.
        await TelegramDrill(chat, clock).ack([PROMPT[0]])
        assert "确认过" in chat.fake.texts(IDS[PROMPT[0]])[-1]
        again = await _acks(chat)
        assert len(again) == 90 and len(chat.fake.answers) == 91
        assert [(a.id, a.acked_at) for a in again if a.user_id == first.user_id] == [
            (first.id, first.acked_at)
        ]

        # One summary message in the sender's chat, kept current by editMessageText.
        (live,) = [m for m in chat.fake.sent_to(IDS[SENDER]) if SUMMARY_HEAD in m.text]
        edits = [
            p
            for method, p in chat.fake.calls
            if method == "editMessageText" and p["message_id"] == live.message_id
        ]
        assert live.edits >= 1 and len(edits) >= live.edits
        assert {p["chat_id"] for p in edits} == {IDS[SENDER]}
        assert "已确认 90 / 100" in live.text  # current …
        bodies = [p["text"].rsplit("\n", 1)[0] for p in edits]
        assert all(a != b for a, b in itertools.pairwise(bodies))  # … never repeated
        assert chat.fake.throttled == 0


@pytest.mark.parametrize("driver", DRIVERS)
async def test_an_officers_draft_is_approved_with_a_button(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    officer, few = 9001, EVERYONE[:3]
    async with running_bot(
        db_url, clock, monkeypatch, driver=driver, rate_limit=TELEGRAM_LIMITS, **DRILL_CONFIG
    ) as chat:
        await add_person(chat.app, SENDER, {Role.LEADER}, telegram_id=IDS[SENDER])
        await add_person(chat.app, "张三", {Role.OFFICER}, telegram_id=officer)
        await enlist(chat.app, lambda name: ("telegram", str(IDS[name])), few)
        await chat.say(str(officer), "应急广播 演练 红色 防汛演练：请于 10 时前到岗")
        assert "确认后需领导批准才发送" in (await chat.replies(str(officer)))[-1]
        await chat.fake.wait_confirmed(await press(chat.fake, officer, officer, "确认发送"))
        assert "已提交领导审批（1 位领导）" in (await chat.replies(str(officer)))[-1]
        assert all(chat.fake.texts(IDS[name]) == [] for name in few)  # nothing out yet
        assert "【待批准】张三" in chat.fake.texts(IDS[SENDER])[-1]

        await chat.say(str(officer), "批准广播 1")
        assert "仅限领导使用" in (await chat.replies(str(officer)))[-1]
        leader = IDS[SENDER]
        await chat.fake.wait_confirmed(await press(chat.fake, leader, leader, "批准发送"))
        assert "已发送 红色应急广播 #1" in (await chat.replies(str(leader)))[-1]
        for name in few:
            (alert,) = chat.fake.texts(IDS[name])
            assert "防汛演练" in alert and "张三（李明 批准） 发布于" in alert
