"""What keeps the phone rungs in bounds: quiet hours, the per-person daily limit, a broadcast
that does not fit the approved template, and provider refusals (retried or reported)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import select

from bot.core.clock import FakeClock, LocalTime
from bot.store.outbox import OutboxMessage, OutboxStatus
from models.broadcast import ladder
from models.broadcast.settings import PhoneEscalation
from tests.broadcast_drill import SENDER
from tests.schedules.broadcast.test_phone_ladder import (
    AFTER_SMS,
    IN_FLIGHT,
    PHONES,
    SILENT,
    Rig,
    make_rig,
    plus,
    start,
)
from tests.support import RecordingAdapter

TZ = LocalTime("Asia/Shanghai")


async def rig_with(
    db_url: str, clock: FakeClock, console: RecordingAdapter, **options: object
) -> AsyncIterator[Rig]:
    async for made in make_rig(db_url, clock, console, **options):  # type: ignore[arg-type]
        yield made


def test_quiet_hours_span_midnight() -> None:
    cfg = PhoneEscalation(quiet_hours=("22:00", "07:00"), quiet_levels=("orange",))
    at = datetime.fromisoformat("2026-11-26T23:30:00+08:00")
    assert ladder.quiet_until(cfg, "orange", at, TZ) == datetime.fromisoformat(
        "2026-11-27T07:00:00+08:00"
    )
    assert ladder.quiet_until(cfg, "red", at, TZ) is None  # red is not held back
    noon = datetime.fromisoformat("2026-11-26T12:00:00+08:00")
    assert ladder.quiet_until(cfg, "orange", noon, TZ) is None


async def test_a_rung_in_quiet_hours_waits_until_they_end(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    # The test clock starts at 09:00 local; quiet until 10:00 for red in this county.
    async for rig in rig_with(
        db_url, clock, console, quiet_hours=["08:00", "10:00"], quiet_levels=["red"]
    ):
        await start(rig)
        await rig.drill.tick(59)
        assert rig.fake.calls == []
        await rig.drill.tick(1)
        # The rungs that waited all go now: SMS to the four silent mobiles, calls to them,
        # the landline and the 带班领导.
        assert len(rig.texted()) == 4
        assert {plus(n) for n in [IN_FLIGHT, AFTER_SMS, *SILENT]} < set(rig.called())


async def test_the_daily_limit_per_person_holds_back_the_call(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async for rig in rig_with(db_url, clock, console, max_per_person_per_day=1):
        await start(rig)
        await rig.drill.tick(10)
        assert len(rig.texted()) == 4 and rig.called() == ["+8657187654321"]  # not texted
        notice = [t for t in console.texts(SENDER) if "【语音电话升级】" in t][-1]
        assert f"未能发送给 {SILENT[0]}：24 小时内已达 1 次短信/电话上限" in notice


async def test_a_broadcast_that_does_not_fit_the_template_is_not_texted(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async for rig in rig_with(db_url, clock, console, sms_max=1):  # "演练" has two characters
        await start(rig)
        await rig.drill.tick(5)
        assert rig.texted() == []
        notice = [t for t in console.texts(SENDER) if "【短信升级】" in t][-1]
        assert "未发送短信：内容不符合已审核的模板「red」" in notice
        assert "超过模板允许的 1 字" in notice
        await rig.drill.tick(5)
        assert len(rig.called()) == 5  # the call rung still goes (4 mobiles, 1 landline)


async def test_throttling_is_retried_and_a_bad_number_reported_to_admins(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async for rig in rig_with(db_url, clock, console):
        rig.fake.fail(plus(SILENT[0]), "LimitExceeded.PhoneNumberThirtySecondLimit")
        rig.fake.fail(plus(SILENT[1]), "InvalidParameterValue.IncorrectPhoneNumber")
        await start(rig)
        await rig.drill.tick(5)
        assert plus(SILENT[0]) not in rig.texted()
        await rig.drill.tick(1)  # 腾讯云 asked for 30 s (from the moment of the refusal)
        assert plus(SILENT[0]) in rig.texted()
        assert sorted(rig.texted()) == sorted(plus(n) for n in [IN_FLIGHT, AFTER_SMS, SILENT[0]])
        async with rig.app.sessions() as session:
            failed = await session.scalar(
                select(OutboxMessage.last_error).where(
                    OutboxMessage.status == OutboxStatus.FAILED.value
                )
            )
        assert failed is not None and "IncorrectPhoneNumber" in failed
        (alert,) = [t for t in console.texts("刘洋") if "【投递失败】" in t]
        assert "IncorrectPhoneNumber" in alert and PHONES[SILENT[1]] not in alert
