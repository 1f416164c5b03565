"""信访 through the dispatcher: clocks from the rule table, extension cap, 复查/复核, masking."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.privacy import mask_name, mask_phone
from bot.store.audit import AuditLog
from models.petitions.records import Petition
from models.petitions.settings import PetitionsConfig
from models.supervision.records import SupervisionItem
from tests.conftest import demo_app, make_config
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter

NEW = "信访 登记 来访 申诉求决 王小明 13912345678 要求解决宅基地纠纷"


async def petition(app: App) -> Petition:
    async with app.sessions() as session:
        found = await session.scalar(select(Petition))
        assert found is not None
        return found


def test_masks() -> None:
    assert (mask_name("王小明"), mask_name("李"), mask_phone("13912345678")) == (
        "王**",
        "李*",
        "139****5678",
    )
    assert mask_phone("12345") == "*****"


async def test_lifecycle_with_extension_review_and_recheck(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    reply = await say(app, console, "张三", NEW)
    assert "已登记 信访 #1（申诉求决），信访人 王** 139****5678" in reply
    assert "王小明" not in reply and "13912345678" not in reply
    assert "转送、交办期限：2026-12-11（星期五）" in reply  # 15 日 (§22)

    reply = await say(app, console, "张三", "信访 转办 1 县水利局")
    # 60 日 from 2026-11-26 is 2027-01-25, a year without 调休 data: the reply warns
    assert "办结期限：2027-01-25（星期一）" in reply and "⚠️ 2027 年" in reply
    assert "/petition_conclude 1" in console.texts("孙伟")[-1]
    assert "王小明" not in console.texts("孙伟")[-1]

    assert "延期须经办理机关负责人批准" in await say(app, console, "孙伟", "信访 延期 1 10 理由")
    reply = await say(app, console, "陈静", "信访 延期 1 20 需补充调查")
    assert "累计 20 日" in reply and "2027-02-15" in reply  # day 80 is Sunday 02-14 → moved
    assert "最多延长 30自然日" in await say(app, console, "陈静", "信访 延期 1 11 再延")
    assert (await petition(app)).extension_days == 20

    assert "不能办理此项" in await say(app, console, "周敏", "信访 办结 1 支持 同意")
    assert "意见类别应为" in await say(app, console, "孙伟", "信访 办结 1 同意 好")
    assert "已办结" in await say(app, console, "孙伟", "信访 办结 1 不予支持 证据不足")

    reply = await say(app, console, "张三", "信访 复查 1")
    assert "应于 2026-12-28（星期一）前出具复查意见" in reply  # day 30 is Saturday 12-26
    await say(app, console, "张三", "信访 复查意见 1 不予支持 维持原意见")
    assert "已受理 信访 #1（申诉求决） 的复核申请" in await say(
        app, console, "张三", "信访 复核 1"
    )
    assert "终结" in await say(app, console, "张三", "信访 复核意见 1 不予支持 维持")
    assert "不再受理" in await say(app, console, "张三", "信访 复查 1")
    assert (await petition(app)).status == "终结"


async def test_review_request_after_the_window_is_refused(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(app, console, "张三", NEW)
    await say(app, console, "张三", "信访 转办 1 县水利局")
    await say(app, console, "孙伟", "信访 办结 1 解释说明 已答复")
    # 30 日 from 11-26 ends Saturday 12-26, moved to Monday 12-28 (§203)
    await at(app, clock, console, 2026, 12, 29, 10, 0)
    reply = await say(app, console, "张三", "信访 复查 1")
    assert "复查申请期限已于 2026-12-28 届满（第三十五条），不予受理" in reply
    assert (await petition(app)).status == "已办结"


async def test_masking_follows_the_role(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "张三", NEW)
    assert "王** 139****5678" in await say(app, console, "张三", "信访 台账")
    assert "王小明 13912345678" in await say(app, console, "陈静", "信访 台账")
    assert "王小明 13912345678" in await say(app, console, "陈静", "信访 1")
    assert "王**" in await say(app, console, "李明", "信访 1")
    assert "仅限" in await say(app, console, "郑华", "信访 1")  # viewers do not see petitions
    # a liaison only sees petitions handed to their unit
    assert "不在您的查看范围" in await say(app, console, "孙伟", "信访 1")
    await say(app, console, "张三", "信访 转办 1 县水利局")
    assert "信访人：王** 139****5678" in await say(app, console, "孙伟", "信访 1")


async def test_reminders_carry_no_personal_data(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(app, console, "张三", NEW)
    sent = await at(app, clock, console, 2026, 12, 8, 9, 0)  # 3 working days before 12-11
    assert "信访事项临期" in sent["张三"][0] and "/petition_forward 1" in sent["张三"][0]
    assert "王" not in sent["张三"][0] and "1391234" not in sent["张三"][0]
    await say(app, console, "张三", "信访 转办 1 县水利局")
    assert "张三" not in await at(app, clock, console, 2026, 12, 12, 9, 0)  # forwarded: quiet
    async with app.sessions() as session:
        audits = [a.detail for a in await session.scalars(select(AuditLog))]
    assert any(d and d.get("petition") == 1 for d in audits)


async def test_petitioner_details_stay_out_of_the_audit_log(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)
    async with app.sessions() as session:
        rows = list(await session.scalars(select(AuditLog).where(AuditLog.kind == "command")))
    registered = [r for r in rows if r.command == "petition new"]
    assert registered and registered[0].outcome == "ok"
    assert all("王小明" not in str(r.detail) and "13912345678" not in str(r.detail) for r in rows)


async def test_a_liaison_holding_the_heads_right_extends_own_units_items_only(
    db_url: str, clock: FakeClock
) -> None:
    console = RecordingAdapter(platform="console")
    petitions = {"extension_holders": ["县水利局/孙伟"]}
    async with demo_app(
        make_config(db_url, petitions=petitions), clock, {"console": console}
    ) as app:
        await say(app, console, "张三", NEW)
        await say(app, console, "张三", "信访 转办 1 县水利局")
        await say(app, console, "张三", NEW.replace("宅基地", "林地"))
        await say(app, console, "张三", "信访 转办 2 县林业局")
        assert "累计 10 日" in await say(app, console, "孙伟", "信访 延期 1 10 补充调查")
        refused = await say(app, console, "孙伟", "信访 延期 2 10 补充调查")
        assert "不在您的查看范围（县水利局）" in refused  # another unit: scope first
        assert "延期须经办理机关负责人批准" in await say(
            app, console, "周敏", "信访 延期 2 5 理由"
        )
        async with app.sessions() as session:
            days = [(await session.get(Petition, i)).extension_days for i in (1, 2)]  # type: ignore[union-attr]
        assert days == [10, 0]


def test_extension_holders_are_written_unit_slash_name() -> None:
    with pytest.raises(ValueError, match="单位/姓名"):
        PetitionsConfig(extension_holders=("孙伟",))


async def test_the_conclusion_clock_can_start_at_the_units_acceptance(
    db_url: str, clock: FakeClock
) -> None:
    console = RecordingAdapter(platform="console")
    # a short conclusion limit keeps every date in 2026, whatever the calendar knows of 2027
    config = make_config(
        db_url,
        petitions={"conclude_from": "accept"},
        rules={"petition.conclude": {"amount": 10}},
    )
    async with demo_app(config, clock, {"console": console}) as app:
        await say(app, console, "张三", NEW)
        reply = await say(app, console, "张三", "信访 转办 1 县水利局")
        assert "受理期限：2026-12-11（星期五）（办结期限自受理起算）" in reply
        assert "/petition_accept 1" in console.texts("孙伟")[-1]
        assert "尚未受理" in await say(app, console, "孙伟", "信访 办结 1 支持 同意")
        assert "尚未受理" in await say(app, console, "陈静", "信访 延期 1 5 理由")
        # the 受理 clock reminds the unit 3 working days before 12-11
        sent = await at(app, clock, console, 2026, 12, 8, 9, 0)
        assert "受理并书面告知信访人" in sent["孙伟"][0]
        assert "不能办理此项" in await say(app, console, "周敏", "信访 受理 1")
        reply = await say(app, console, "孙伟", "信访 受理 1")
        # 10 日 from the 受理 on 2026-12-08, not from the 转办 on 11-26
        assert "已受理 信访 #1（申诉求决），办结期限：2026-12-18（星期五）" in reply
        assert "已于 2026-12-08 受理" in await say(app, console, "孙伟", "信访 受理 1")
        item = await petition(app)
        assert (item.accepted_on, item.conclude_due) == (date(2026, 12, 8), date(2026, 12, 18))


async def test_accepting_is_refused_when_the_clock_starts_at_forwarding(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)
    await say(app, console, "张三", "信访 转办 1 县水利局")
    assert "无需登记受理" in await say(app, console, "孙伟", "信访 受理 1")


async def test_reports_and_accusations_go_to_discipline_bodies_not_to_units(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "张三", "信访 登记 来信 检举控告 李四 13900000000 举报某干部")
    assert "第三十条由纪检监察机关处理" in reply and "/petition_refer 1" in reply
    assert "不转办给业务单位" in await say(app, console, "张三", "信访 转办 1 县水利局")
    assert (await petition(app)).org_id is None and console.texts("孙伟") == []
    instructed = await say(app, console, "李明", "批示 信访1 县水利局 10工作日 请依法处理")
    assert "不转业务单位督办" in instructed and console.texts("孙伟") == []
    async with app.sessions() as session:
        assert (await session.scalar(select(SupervisionItem))) is None
    assert "已移交 县纪委监委" in await say(app, console, "张三", "信访 移交纪检 1")
    assert (await petition(app)).status == "移交纪检监察"
    assert "信访台账：无" in await say(app, console, "陈静", "信访 台账")
    assert "已移交 县纪委监委（信访工作条例第三十条）" in await say(app, console, "陈静", "信访 1")
    await say(app, console, "张三", NEW)
    assert "不是检举控告类" in await say(app, console, "张三", "信访 移交纪检 2")


async def test_a_malformed_phone_registers_nothing(app: App, console: RecordingAdapter) -> None:
    reply = await say(app, console, "张三", NEW.replace("13912345678", "1380000abc"))
    assert "电话号码「1380000abc」格式不对" in reply and "用法" in reply
    async with app.sessions() as session:
        assert await session.scalar(select(Petition)) is None
    reply = await say(app, console, "张三", NEW.replace("13912345678", "139-1234-5678"))
    assert "已登记 信访 #1" in reply
    assert (await petition(app)).phone == "13912345678"
