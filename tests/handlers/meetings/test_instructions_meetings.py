"""领导批示 and 会后督办: one command turns an instruction or a meeting's decisions into 督办."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from models.petitions.records import Petition
from models.supervision.records import SupervisionItem
from tests.handlers.supervision.test_supervision import say
from tests.support import RecordingAdapter


async def items(app: App) -> list[SupervisionItem]:
    async with app.sessions() as session:
        return list(await session.scalars(select(SupervisionItem).order_by(SupervisionItem.id)))


async def test_leader_instruction_on_a_petition_becomes_a_task(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", "信访 登记 来信 申诉求决 王小明 13912345678 河道占地补偿")
    reply = await say(app, console, "李明", "批示 信访1 县水利局 10工作日 请水利局依法妥善处理")
    assert "已立项并交办 督办 #1「李明批示：信访 #1（申诉求决）：河道占地补偿」" in reply
    assert "批示：请水利局依法妥善处理（李明）" in reply
    [task] = await items(app)
    assert (task.source, task.lead_leader, task.origin) == ("领导批示", "李明", "petition:1")
    async with app.sessions() as session:
        petition = await session.scalar(select(Petition))
        assert petition is not None and petition.instruction == "请水利局依法妥善处理"
    assert "/task_sign 1" in console.texts("孙伟")[-1]


async def test_supervisor_records_a_paper_instruction_on_any_document(
    app: App, console: RecordingAdapter
) -> None:
    assert "请写明批示领导" in await say(
        app, console, "陈静", "批示 来文〔2026〕12号 县林业局 2026-12-20 抓紧落实"
    )
    reply = await say(
        app, console, "陈静", "批示 来文〔2026〕12号 县林业局 2026-12-20 抓紧落实 领导=王刚"
    )
    assert "王刚批示：来文〔2026〕12号" in reply
    assert (await items(app))[0].origin == "ref:来文〔2026〕12号"
    assert "仅限" in await say(app, console, "孙伟", "批示 来文 县林业局 5工作日 x")
    assert "没有编号为 9 的建议提案" in await say(
        app, console, "李明", "批示 建议提案9 县林业局 5工作日 x"
    )


async def test_instruction_on_an_existing_task_is_logged_and_passed_on(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", "督办 立项 县水利局 10工作日 清理河道淤积")
    reply = await say(app, console, "李明", "批示 督办1 请加快进度，汛前完成")
    assert "已将李明的批示加入 督办 #1" in reply
    assert "领导批示（李明）：请加快进度，汛前完成" in console.texts("孙伟")[-1]
    assert "批示 李明：李明：请加快进度" in await say(app, console, "陈静", "/task 1")
    assert len(await items(app)) == 1


async def test_meeting_decisions_become_tasks_in_one_command(
    app: App, console: RecordingAdapter
) -> None:
    assert "会议类别应为" in await say(app, console, "陈静", "会议 新建 茶话会 今天 座谈")
    await say(app, console, "陈静", "会议 新建 常务会 2026-11-25 县政府第12次常务会议")
    await say(app, console, "陈静", "会议 决定事项 1 县水利局 2026-12-31 完成河堤加固")
    await say(app, console, "陈静", "会议 决定事项 1 城关镇 做好冬季供暖保障")
    assert "没有单位" in await say(app, console, "陈静", "会议 决定事项 1 县气象局 x")
    reply = await say(app, console, "陈静", "会后督办 1")
    assert "已转督办 2 项" in reply
    first, second = await items(app)
    assert (first.source, first.due_date.isoformat(), first.origin) == (
        "常务会",
        "2026-12-31",
        "meeting:1",
    )
    # no 期限 given: rules.supervision.meeting, 5 working days from 2026-11-25
    assert second.due_date.isoformat() == "2026-12-02" and second.lead_org.name == "城关镇"
    assert "没有待转督办的决定事项" in await say(app, console, "陈静", "会后督办 1")
    listed = await say(app, console, "郑华", "会议 列表")
    assert "1. 县水利局：完成河堤加固 → 督办 #1" in listed
