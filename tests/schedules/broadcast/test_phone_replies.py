"""A red broadcast's phone rungs through 阿里云 (the official SDKs against bot/testing/aliyun.py)
on a fake clock, and the way back: an SMS reply or a key pressed on the call acknowledges, once,
and nothing more goes by phone to that person; a replayed, stale, oversized, unknown, unrelated
or classified push acknowledges nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.adapters.sms import AliyunSms, AliyunVoice, PhoneCallbacks
from bot.app import App
from bot.cli.demo import seed, seed_roster
from bot.core.clock import FakeClock
from bot.http.server import HttpServer
from bot.store import outbox
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxMessage
from bot.testing.aliyun import KEY_ID, KEY_SECRET, FakeAliyun
from models.broadcast import records as bc
from models.directory.users import User
from tests.broadcast_drill import enlist
from tests.conftest import make_config
from tests.schedules.broadcast.test_broadcast_chase import ConsoleDrill
from tests.schedules.broadcast.test_phone_ladder import (
    AFTER_SMS,
    IN_FLIGHT,
    PEOPLE,
    PHONES,
    PROMPT,
    SILENT,
)
from tests.support import RecordingAdapter

TOKEN = "k3y5ecretT0kenForPushes"


def aliyun_config(fake: FakeAliyun) -> dict[str, Any]:
    host = fake.url.removeprefix("http://")
    common = {"enabled": True, "provider": "aliyun", "endpoint": host, "scheme": "http"}
    return {
        "channels": ["全体", "防汛", "演练"],
        "platforms": {
            "sms": {
                **common,
                "sign_name": fake.sign_name,
                "callback_path": "/sms/up",
                "templates": {"red": {"id": "SMS_460001", "params": ["level", "title"]}},
            },
            "voice": {
                **common,
                "callback_path": "/voice/report",
                "templates": {"call": {"id": "TTS_270001", "params": ["title"]}},
            },
        },
        "broadcast": {
            "channels": {"演练": {"orgs": ["测试乡"]}},
            "escalation": {
                "ladders": {
                    "red": [
                        {"after_minutes": 5, "by": "sms", "template": "red"},
                        {"after_minutes": 10, "by": "voice", "template": "call"},
                    ]
                }
            },
        },
    }


@dataclass
class Rig:
    app: App
    fake: FakeAliyun
    drill: ConsoleDrill
    http: HttpServer

    @property
    def sms_url(self) -> str:
        return f"{self.http.url}/sms/up/{TOKEN}"

    @property
    def voice_url(self) -> str:
        return f"{self.http.url}/voice/report/{TOKEN}"

    def texted(self) -> list[str]:
        return [q["PhoneNumbers"] for q in self.fake.sends("SendSms")]

    def called(self) -> list[str]:
        return [q["CalledNumber"] for q in self.fake.sends("SingleCallByTts")]

    async def audits(self, outcome: str | None = None) -> list[AuditLog]:
        query = select(AuditLog).where(AuditLog.kind == "phone_inbound")
        if outcome is not None:
            query = query.where(AuditLog.outcome == outcome)
        async with self.app.sessions() as session:
            return list(await session.scalars(query.order_by(AuditLog.id)))

    async def acked(self) -> set[str]:
        async with self.app.sessions() as session:
            rows = await session.scalars(
                select(User.name).join(bc.BroadcastAck, bc.BroadcastAck.user_id == User.id)
            )
            return set(rows)


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[Rig]:
    async with FakeAliyun(clock) as fake:
        config = make_config(db_url, **aliyun_config(fake))
        http = HttpServer("127.0.0.1", 0)
        platforms = config.platforms
        adapters: dict[str, Any] = {
            "console": console,
            "sms": AliyunSms(
                platforms.sms,
                KEY_ID,
                KEY_SECRET,
                PhoneCallbacks("sms", platforms.sms, http, TOKEN, clock),
            ),
            "voice": AliyunVoice(
                platforms.voice,
                KEY_ID,
                KEY_SECRET,
                PhoneCallbacks("voice", platforms.voice, http, TOKEN, clock),
            ),
        }
        app = await App.create(
            config, clock=clock, adapters=adapters, auto_upgrade=True, http=http
        )
        async with app.sessions.begin() as session:
            await seed(session, clock.now(), timedelta(hours=24))
            await seed_roster(session, clock.now(), config, days=1)
        await enlist(app, lambda name: ("console", name), PEOPLE)
        async with app.sessions.begin() as session:
            for name, phone in PHONES.items():
                await session.execute(
                    update(User).where(User.name == name).values(phone=phone or None)
                )
        for adapter in adapters.values():
            await adapter.start(app.dispatcher)
        await http.start()
        try:
            yield Rig(app, fake, ConsoleDrill(app, console, clock), http)
        finally:
            await http.stop()
            await app.engine.dispose()


async def start(rig: Rig) -> None:
    await rig.drill.say("应急广播 演练 红色 防汛：请立即到岗")
    await rig.drill.say("确认广播 1")
    await rig.drill.ack(PROMPT)


async def outbox_rows(app: App) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count(OutboxMessage.id))) or 0)


async def test_ladder_through_aliyun_and_replies_acknowledge(rig: Rig, clock: FakeClock) -> None:
    await start(rig)
    await rig.drill.tick(5)  # minute 5: the SMS rung, mobiles only
    texted = [PHONES[n] for n in [IN_FLIGHT, AFTER_SMS, *SILENT]]
    assert sorted(rig.texted()) == sorted(texted)

    status, answer = await rig.fake.push_reply(rig.sms_url, PHONES[AFTER_SMS], "收到！", 1)
    assert (status, answer) == (200, '{"code": 0, "msg": "接收成功"}')
    assert await rig.acked() == {*PROMPT, AFTER_SMS}
    # The same batch pushed again (阿里云 re-pushes when unsure): answered, nothing more.
    assert (await rig.fake.push_reply(rig.sms_url, PHONES[AFTER_SMS], "收到！", 1))[0] == 200
    (acked,) = await rig.audits("acknowledged")
    assert acked.detail["chars"] == 3 and "收到" not in str(acked.detail)
    assert acked.chat == "sms:139****0003"

    before = await outbox_rows(rig.app)
    await rig.fake.push_reply(rig.sms_url, "13011112222", "收到", 2)  # nobody's number
    await rig.fake.push_reply(rig.sms_url, PHONES[SILENT[0]], "谁啊？", 3)  # not an ack
    await rig.fake.push_reply(rig.sms_url, PHONES[SILENT[1]], "收到 机密★", 4)  # classified
    assert [a.outcome for a in await rig.audits()][1:] == [
        "unknown_number",
        "unrelated",
        "classified",
    ]
    assert await rig.acked() == {*PROMPT, AFTER_SMS}
    assert await outbox_rows(rig.app) == before  # nothing said in any chat

    await rig.drill.tick(5)  # minute 10: the call rung reaches the still silent only
    called = [PHONES[n] for n in [IN_FLIGHT, *SILENT]] + ["057187654321"]
    assert sorted(rig.called()) == sorted(called)
    calls = [c for c in rig.fake.calls if c["action"] == "SingleCallByTts"]
    call = next(c for c in calls if c["query"]["CalledNumber"] == PHONES[SILENT[0]])
    assert (await rig.fake.push_keys(rig.voice_url, call["CallId"], "1"))[0] == 200
    assert await rig.acked() == {*PROMPT, AFTER_SMS, SILENT[0]}
    await rig.fake.push_keys(rig.voice_url, call["CallId"], "1")  # replayed
    await rig.fake.push_keys(rig.voice_url, "999^999", "1")  # no such call
    outcomes = [a.outcome for a in await rig.audits()]
    assert outcomes[-2:] == ["acknowledged", "unknown_call"]

    await rig.drill.tick(60)
    assert len(rig.texted()) == 4 and len(rig.called()) == 4  # nothing more, to anyone
    assert rig.fake.refused == []


async def test_a_reply_while_the_sms_rung_is_queued_withdraws_it(
    rig: Rig, clock: FakeClock
) -> None:
    await start(rig)
    await rig.drill.tick(4)
    # A reply before anything escalated to them by phone acknowledges nothing.
    await rig.fake.push_reply(rig.sms_url, PHONES[AFTER_SMS], "收到", 1)
    assert (await rig.audits())[-1].outcome == "nothing_open"
    clock.advance(minutes=1)
    await rig.app.ticker.tick()  # the SMS rows are queued, not yet sent …
    await rig.fake.push_reply(rig.sms_url, PHONES[AFTER_SMS], "1", 2)
    await rig.app.sender.drain()  # … and 丁's is withdrawn by the reply
    assert PHONES[AFTER_SMS] not in rig.texted()
    assert AFTER_SMS in await rig.acked()


async def test_an_sms_reply_while_the_call_is_in_flight_cancels_the_call(
    rig: Rig, clock: FakeClock
) -> None:
    await start(rig)
    await rig.drill.tick(5)
    clock.advance(minutes=5)
    await rig.app.ticker.tick()  # minute 10: the calls are queued and the sender claims them …
    async with rig.app.sessions.begin() as session:
        claimed = await outbox.claim(
            session,
            clock.now(),
            lease=timedelta(seconds=60),
            limit=100,
            platforms=["voice"],
            owner=rig.app.sender.owner,
        )
    assert len(claimed) == 5  # 丙 丁 戊 己, and 辛 on the landline
    # … when 丙 answers the minute-5 SMS.
    assert (await rig.fake.push_reply(rig.sms_url, PHONES[IN_FLIGHT], "收到，马上到", 1))[0] == 200
    for row in claimed:
        await rig.app.sender._deliver("voice", "voice", row)
    await rig.app.sender.drain()
    assert PHONES[IN_FLIGHT] not in rig.called() and len(rig.called()) == 4
    async with rig.app.sessions() as session:
        statuses = {
            row.idempotency_key: row.status
            for row in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.platform == "voice")
            )
        }
    assert sorted(statuses.values()) == ["cancelled", "sent", "sent", "sent", "sent"]
