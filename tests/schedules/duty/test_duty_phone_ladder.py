"""Duty's phone rungs on a fake clock, through the 腾讯云 SDK to the local fake: a missed
check-in texted, then called, then the 带班领导 called; a 查岗 answered while its SMS is in
flight sends nothing more; 县级查岗 rings the unit's 值班电话 (or texts its 联络员); quiet hours,
the daily limit and a missing phone are named to the admins, never skipped silently."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.core.clock import FakeClock
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.testing.tencent import FakeTencent, Templates
from models.directory.phone_contacts import monthly_counts
from models.directory.users import User
from models.duty.records import DutySlot
from tests.conftest import make_config
from tests.duty_support import committed_duty, later, say
from tests.phone_support import PhoneRig, claim_sms, phone_app
from tests.support import RecordingAdapter

ADMIN = "刘洋"
LEADER_PHONES = {"李明": "+8613800000002", "王刚": "+8613800000003"}
ZHANG = "+8613800000004"  # 张三, on duty today (李明 leads)
WULEI = "+8613800000009"  # 吴磊, 城关镇's 联络员
LINE = "0571-87654321"  # 城关镇's 值班电话

SMS = {"names": ("names", "start"), "rollcall": ("name", "asked"), "unit": ("unit",)}
CALL = {"call": ("minutes",)}


def platforms(fake: FakeTencent) -> dict[str, Any]:
    host = fake.url.removeprefix("http://")
    common = {"enabled": True, "endpoint": host, "scheme": "http"}
    return {
        "sms": {
            **common,
            "app_id": fake.sms_app,
            "sign_name": "某县应急办",
            "templates": {
                name: {"id": f"10{i}", "params": params}
                for i, (name, params) in enumerate(SMS.items())
            },
        },
        "voice": {
            **common,
            "app_id": fake.voice_app,
            "templates": {"call": {"id": "2000001", "params": CALL["call"]}},
        },
    }


def rungs(sms: str, at: tuple[int, int, int]) -> list[dict[str, Any]]:
    """SMS, call, then the 带班领导 called, at these minutes."""
    return [
        {"after_minutes": at[0], "by": "sms", "template": sms},
        {"after_minutes": at[1], "by": "voice", "template": "call"},
        {"after_minutes": at[2], "by": "voice", "template": "call", "to": "duty_leader"},
    ]


Rig = PhoneRig


async def make_rig(
    db_url: str, clock: FakeClock, console: RecordingAdapter, **escalation: Any
) -> AsyncIterator[Rig]:
    """The demo county and its roster, duty.escalation as given, 腾讯云 faked on a port."""
    ladders = {
        "checkin": rungs("names", (5, 10, 20)),
        "rollcall": rungs("rollcall", (2, 4, 6)),
        "unitcheck": rungs("unit", (3, 5, 7)),
        **escalation,
    }
    approved = Templates({f"10{i}": len(p) for i, p in enumerate(SMS.values())}, {"2000001": 1})
    async with FakeTencent(clock, templates=approved) as fake:
        config = make_config(
            db_url, platforms=platforms(fake), duty=committed_duty(escalation=ladders)
        )
        async for app in phone_app(config, clock, console, roster_days=2):
            yield Rig(app, fake)


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[Rig]:
    async for made in make_rig(db_url, clock, console):
        yield made


async def tomorrows_slot(rig: Rig, clock: FakeClock) -> DutySlot:
    async with rig.app.sessions() as session:
        slots = await session.scalars(
            select(DutySlot).where(DutySlot.start_at > clock.now()).order_by(DutySlot.start_at)
        )
        slot = slots.first()
        assert slot is not None and slot.leader is not None and slot.officers
        return slot


def admin_notes(console: RecordingAdapter, marker: str) -> list[str]:
    return [t for t in console.texts(ADMIN) if marker in t]


async def test_a_missed_check_in_is_texted_called_then_the_leader_is_called(
    rig: Rig, clock: FakeClock, console: RecordingAdapter
) -> None:
    slot = await tomorrows_slot(rig, clock)
    officer, leader = slot.officers[0], slot.leader
    assert leader is not None
    mobile = "+86" + (officer.phone or "")
    await later(rig.app, clock, seconds=(slot.start_at - clock.now()).total_seconds())
    await later(rig.app, clock, minutes=4)
    assert rig.fake.calls == []
    await later(rig.app, clock, minutes=1)  # 5 minutes after the start
    assert rig.texted() == [mobile]
    (sms,) = rig.fake.sends("SendSms")
    assert sms["TemplateParamSet"] == [officer.name, "08:30"]
    await later(rig.app, clock, minutes=5)  # 10
    assert rig.called() == [mobile]
    await later(rig.app, clock, minutes=10)  # 20: the 带班领导 of the slot
    assert rig.called() == [mobile, LEADER_PHONES[leader.name]]
    await later(rig.app, clock, hours=3)
    assert len(rig.fake.calls) == 3 and rig.fake.refused == []
    assert admin_notes(console, "升级") == []  # everyone reached: nothing to report


async def test_checking_in_stops_the_rest_of_the_ladder(
    rig: Rig, clock: FakeClock, console: RecordingAdapter
) -> None:
    slot = await tomorrows_slot(rig, clock)
    officer = slot.officers[0]
    await later(rig.app, clock, seconds=(slot.start_at - clock.now()).total_seconds())
    await later(rig.app, clock, minutes=6)
    assert len(rig.texted()) == 1
    await say(rig.app, "接班", sender=officer.name)
    await later(rig.app, clock, hours=1)
    assert rig.called() == [] and len(rig.fake.calls) == 1


async def test_a_rollcall_answered_while_its_sms_is_in_flight_sends_nothing_more(
    rig: Rig, clock: FakeClock, console: RecordingAdapter
) -> None:
    app = rig.app
    await say(app, "查岗", sender="王刚")
    await later(app, clock, minutes=1)
    clock.advance(minutes=1)
    await app.ticker.tick()  # minute 2: 张三's SMS is queued …
    claimed = await claim_sms(app, clock)
    assert len(claimed) == 1
    await say(app, "到")  # … and claimed by the sender when 张三 answers
    await app.sender._deliver("sms", "sms", claimed[0])
    await later(app, clock, minutes=30)
    assert rig.fake.calls == []
    async with app.sessions() as session:
        status = await session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.id == claimed[0].id)
        )
    assert status == OutboxStatus.CANCELLED.value


async def test_an_unanswered_rollcall_reaches_the_officer_then_the_leader_on_duty(
    rig: Rig, clock: FakeClock
) -> None:
    await say(rig.app, "查岗", sender="王刚")
    await later(rig.app, clock, minutes=2)
    assert rig.texted() == [ZHANG]
    await later(rig.app, clock, minutes=2)
    assert rig.called() == [ZHANG]
    await later(rig.app, clock, minutes=2)  # 李明 leads today's slot
    assert rig.called() == [ZHANG, LEADER_PHONES["李明"]]


async def test_quiet_hours_hold_the_listed_ladders_until_they_end(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    # The clock starts at 09:00 local; 查岗 rungs wait until 10:00, 县级查岗 ones do not.
    quiet = {"quiet_hours": ["08:00", "10:00"], "quiet_ladders": ["rollcall"]}
    async for rig in make_rig(db_url, clock, console, **quiet):
        await say(rig.app, "值班电话 城关镇 " + LINE, sender=ADMIN)
        await say(rig.app, "查岗", sender="王刚")
        await say(rig.app, "县级查岗 城关镇", sender="王刚")
        await later(rig.app, clock, minutes=5)
        assert rig.texted() == [WULEI] and rig.called() == ["+8657187654321"]
        await later(rig.app, clock, minutes=54)
        assert ZHANG not in rig.texted() + rig.called()
        await later(rig.app, clock, minutes=1)  # 10:00: the three that waited go together
        assert ZHANG in rig.texted() and rig.called().count(ZHANG) == 1
        # 李明 leads today: called by the 县级查岗's last rung at 09:07, by the 查岗's now.
        assert rig.called().count(LEADER_PHONES["李明"]) == 2


async def test_the_daily_limit_and_a_missing_phone_are_told_to_the_admins(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async for rig in make_rig(db_url, clock, console, max_per_person_per_day=1):
        await say(rig.app, "查岗", sender="王刚")
        await later(rig.app, clock, minutes=4)
        assert rig.texted() == [ZHANG] and rig.called() == []
        (note,) = admin_notes(console, "语音电话升级")
        assert "【查岗未应答】张三" in note
        assert "未能发送给 张三：24 小时内已达 1 次短信/电话上限" in note
        async with rig.app.sessions.begin() as session:
            await session.execute(update(User).where(User.name == "李明").values(phone=None))
        await later(rig.app, clock, minutes=2)
        (leader,) = [n for n in admin_notes(console, "语音电话升级") if "带班领导" in n]
        assert "未能发送给 李明：通讯录中没有电话" in leader


async def test_a_unit_check_rings_the_line_texts_the_liaison_and_reports_the_unreachable(
    rig: Rig, clock: FakeClock, console: RecordingAdapter
) -> None:
    app = rig.app
    await say(app, "值班电话 城关镇 " + LINE, sender=ADMIN)
    await say(app, "县级查岗 城关镇、河口乡", sender="王刚")
    await later(app, clock, minutes=3)
    assert rig.texted() == [WULEI]  # a landline takes no SMS: its 联络员 is texted instead
    (note,) = admin_notes(console, "短信升级")
    assert "【县级查岗未应答】河口乡" in note
    assert "未能发送给 河口乡值班电话：通讯录中没有电话" in note
    assert "「值班电话 单位 号码」" in note  # how to fix it
    await later(app, clock, minutes=2)
    assert rig.called() == ["+8657187654321"]
    ask = [r for a, r in console.sent if a == "吴磊" and "【县级查岗】城关镇" in r.text][-1]
    await say(app, ask.buttons[0][0].command, sender="吴磊")
    await later(app, clock, minutes=2)  # 城关镇 answered; 河口乡's 带班领导 rung still goes
    assert rig.called() == ["+8657187654321", LEADER_PHONES["李明"]]
    await later(app, clock, hours=1)
    assert len(rig.fake.calls) == 3
    async with app.sessions() as session:
        counts = await monthly_counts(
            session, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
        )
        targets = list(await session.scalars(select(OutboxMessage.target)))
    assert ("城关镇", "voice", 1) in counts and ("城关镇", "sms", 1) in counts
    assert not any("87654321" in t for t in targets)  # the row names the unit, not the number
