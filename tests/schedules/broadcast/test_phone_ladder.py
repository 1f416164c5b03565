"""The phone rungs of a red broadcast on a fake clock, through the 腾讯云 SDK to the local fake:
chat re-notify at 5, SMS at 5, call at 10, the 带班领导 called at 15 — each at its time, to the
silent only, and nothing after an acknowledgement (one arriving while an SMS is claimed too)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.testing.tencent import FakeTencent
from models.broadcast import ladder
from models.directory.users import User
from models.duty.records import slots_at
from tests.broadcast_drill import SENDER, enlist
from tests.conftest import make_config
from tests.phone_support import PhoneRig, claim_sms, phone_app
from tests.schedules.broadcast.test_broadcast_chase import ConsoleDrill
from tests.support import RecordingAdapter

PROMPT = ["甲", "乙"]  # acknowledge at once
IN_FLIGHT = "丙"  # acknowledges while the sender holds their SMS
AFTER_SMS = "丁"  # acknowledges after the SMS, before the call
SILENT = ["戊", "己"]  # never acknowledge
NO_PHONE = "庚"  # silent, nobody can text or call them
LANDLINE = "辛"  # silent, a landline: called, never texted
PEOPLE = [*PROMPT, IN_FLIGHT, AFTER_SMS, *SILENT, NO_PHONE, LANDLINE]
PHONES = {name: f"1390000{i:04d}" for i, name in enumerate(PEOPLE)}
PHONES[NO_PHONE] = ""
PHONES[LANDLINE] = "0571-87654321"


def phone_config(fake: FakeTencent, sms_max: int = 12, **escalation: Any) -> dict[str, Any]:
    host = fake.url.removeprefix("http://")
    common = {"enabled": True, "endpoint": host, "scheme": "http"}
    return {
        "channels": ["全体", "防汛", "演练"],
        "platforms": {
            "sms": {
                **common,
                "app_id": fake.sms_app,
                "sign_name": "某县应急办",
                "templates": {
                    "red": {
                        "id": "1000001",
                        "params": ["level", "title"],
                        "max_param_chars": sms_max,
                    }
                },
            },
            "voice": {
                **common,
                "app_id": fake.voice_app,
                "templates": {"call": {"id": "2000001", "params": ["title"]}},
            },
        },
        "broadcast": {
            "channels": {"演练": {"orgs": ["测试乡"]}},
            "escalation": {
                "ladders": {
                    "red": [
                        {"after_minutes": 5, "by": "sms", "template": "red"},
                        {"after_minutes": 10, "by": "voice", "template": "call"},
                        {
                            "after_minutes": 15,
                            "by": "voice",
                            "template": "call",
                            "to": "duty_leader",
                        },
                    ]
                },
                **escalation,
            },
        },
    }


@dataclass
class Rig(PhoneRig):
    drill: ConsoleDrill


def plus(name: str) -> str:
    return "+86" + PHONES[name]


async def make_rig(
    db_url: str, clock: FakeClock, console: RecordingAdapter, sms_max: int = 12, **escalation: Any
) -> AsyncIterator[Rig]:
    """The demo county and its roster, 测试乡's people with PHONES, 腾讯云 faked on a port."""
    async with FakeTencent(clock) as fake:
        config = make_config(db_url, **phone_config(fake, sms_max, **escalation))
        async for app in phone_app(config, clock, console, roster_days=1):
            await enlist(app, lambda name: ("console", name), PEOPLE)
            async with app.sessions.begin() as session:
                for name, phone in PHONES.items():
                    await session.execute(
                        update(User).where(User.name == name).values(phone=phone or None)
                    )
            yield Rig(app, fake, ConsoleDrill(app, console, clock))


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[Rig]:
    async for made in make_rig(db_url, clock, console):
        yield made


async def start(rig: Rig) -> None:
    await rig.drill.say("应急广播 演练 红色 防汛：请立即到岗")
    await rig.drill.say("确认广播 1")
    await rig.drill.ack(PROMPT)


async def test_each_rung_at_its_time_and_nothing_after_an_acknowledgement(
    rig: Rig, clock: FakeClock, console: RecordingAdapter
) -> None:
    app, leader_phone = rig.app, "13700000001"
    async with app.sessions() as session:
        slots = await slots_at(session, clock.now() + timedelta(minutes=15))
        (on_duty,) = {s.leader.name for s in slots if s.leader}
    async with app.sessions.begin() as session:
        await session.execute(update(User).where(User.name == on_duty).values(phone=leader_phone))
    await start(rig)

    await rig.drill.tick(4)
    assert rig.fake.calls == []
    # Minute 5: the chat re-notification and the SMS rung come due together; the sender has
    # claimed 丙's SMS when 丙 acknowledges.
    clock.advance(minutes=1)
    await app.ticker.tick()
    claimed = await claim_sms(app, clock)
    in_flight = [r for r in claimed if r.target.address == f"u{await user_id(app, IN_FLIGHT)}"]
    await rig.drill.ack([IN_FLIGHT])
    for row in claimed:
        await app.sender._deliver("sms", "sms", row)
    await app.sender.drain()
    assert "【第1次提醒·您尚未确认】" in console.texts(SILENT[0])[-1]
    assert sorted(rig.texted()) == sorted(plus(n) for n in [AFTER_SMS, *SILENT])
    async with app.sessions() as session:
        status = await session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.id == in_flight[0].id)
        )
    assert status == OutboxStatus.CANCELLED.value
    notice = [t for t in console.texts(SENDER) if "【短信升级】" in t][-1]
    assert f"未能发送给 {NO_PHONE}：通讯录中没有电话" in notice
    assert f"未能发送给 {LANDLINE}：短信只能发往手机号" in notice
    (body,) = rig.fake.sends("SendSms")[:1]
    assert body["TemplateParamSet"] == ["红色", "演练"]

    await rig.drill.ack([AFTER_SMS])
    await rig.drill.tick(4)
    assert rig.called() == []
    await rig.drill.tick(1)  # minute 10: the call rung reaches only the still silent
    assert sorted(rig.called()) == sorted([*(plus(n) for n in SILENT), "+8657187654321"])

    await rig.drill.tick(5)  # minute 15: the 带班领导 on duty is called
    assert rig.called()[-1] == "+86" + leader_phone
    await rig.drill.tick(60)
    assert len(rig.texted()) == 3 and len(rig.called()) == 4  # nothing more, to anyone
    assert rig.fake.refused == []

    async with app.sessions() as session:
        targets = list(await session.scalars(select(OutboxMessage.target)))
        audits = list(await session.scalars(select(AuditLog).where(AuditLog.kind == "escalation")))
        counts = await ladder.monthly_counts(
            session, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
        )
    assert not any(phone and phone in t for t in targets for phone in PHONES.values())
    assert len(audits) == 8  # 丙's SMS was queued (and audited), then withdrawn
    assert all("****" in a.detail["phone"] for a in audits)
    assert ("测试乡", "sms", 3) in counts and ("测试乡", "voice", 3) in counts


async def user_id(app: App, name: str) -> int:
    async with app.sessions() as session:
        found = await session.scalar(select(User.id).where(User.name == name))
    assert found is not None
    return found


async def test_everyone_acknowledged_sends_nothing(rig: Rig) -> None:
    await start(rig)
    await rig.drill.ack([n for n in PEOPLE if n not in PROMPT])
    await rig.drill.tick(30)
    assert rig.fake.calls == []


async def test_a_withdrawn_broadcast_stops_the_ladder(rig: Rig) -> None:
    await start(rig)
    await rig.drill.say("取消广播 1")
    await rig.drill.tick(30)
    assert rig.fake.calls == []


async def test_the_last_acknowledgement_withdraws_the_leaders_queued_call(
    rig: Rig, clock: FakeClock
) -> None:
    async with rig.app.sessions.begin() as session:
        await session.execute(
            update(User).where(User.name.in_(["李明", "王刚"])).values(phone="13700000001")
        )
    await start(rig)
    await rig.drill.ack([n for n in PEOPLE if n not in PROMPT and n != SILENT[0]])
    await rig.drill.tick(10)
    assert rig.called() == [plus(SILENT[0])]
    clock.advance(minutes=5)
    await rig.app.ticker.tick()  # the 带班领导's call is queued …
    await rig.drill.ack([SILENT[0]])  # … and withdrawn before the sender takes it
    assert rig.called() == [plus(SILENT[0])]
    async with rig.app.sessions() as session:
        statuses = set(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.idempotency_key.like("bcx:1:L%"))
            )
        )
    assert statuses == {OutboxStatus.CANCELLED.value}
