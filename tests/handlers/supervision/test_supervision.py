"""督办 through the dispatcher: every state transition, and every refusal changing nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.store.due import DueItem, DueStatus
from models.supervision.records import SupervisionItem
from tests.support import RecordingAdapter, incoming


async def say(app: App, console: RecordingAdapter, who: str, text: str) -> str:
    before = len(console.texts(who))
    await app.dispatcher.receive(incoming(text, sender=who))
    await app.sender.drain()
    return "\n".join(console.texts(who)[before:])


async def item(app: App, item_id: int = 1) -> SupervisionItem:
    async with app.sessions() as session:
        found = await session.get(SupervisionItem, item_id)
        assert found is not None
        return found


async def pending_steps(app: App) -> set[str]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(DueItem.key).where(DueItem.status == DueStatus.PENDING.value)
        )
        return {k.rsplit(":", 1)[1] for k in rows if k and k.startswith("task:")}


NEW = "督办 立项 县水利局 10工作日 清理河道淤积"


async def test_full_flow_through_every_state(app: App, console: RecordingAdapter) -> None:
    reply = await say(app, console, "陈静", NEW)
    assert "已立项并交办 督办 #1「清理河道淤积」" in reply
    assert "期限：2026-12-10（星期四）24:00 前" in reply  # 10 working days after 11-26
    assert (await item(app)).status == "交办"
    assert "请签收：/task_sign 1" in console.texts("孙伟")[-1]
    assert await pending_steps(app) == {"sign", "yellow", "orange", "chase", "report", "interview"}

    assert "已签收" in await say(app, console, "孙伟", "/task_sign 1")
    assert (await item(app)).status == "签收"
    assert "sign" not in await pending_steps(app)
    assert "feedback" in await pending_steps(app)

    assert "已记录" in await say(app, console, "孙伟", "督办 进展 1 已清理一半")
    assert (await item(app)).status == "办理中"

    assert "等待督查员审核" in await say(app, console, "孙伟", "/task_done 1 已全部清理")
    assert (await item(app)).status == "待审核"
    assert await pending_steps(app) == set()  # nothing is owed while the supervisor reviews
    assert "/task_close 1" in console.texts("陈静")[-1]

    assert "已退回" in await say(app, console, "陈静", "/task_reject 1 未附照片")
    assert (await item(app)).status == "退回重办"
    assert "理由：未附照片" in console.texts("孙伟")[-1]
    assert {"yellow", "feedback"} <= await pending_steps(app)

    await say(app, console, "孙伟", "/task_done 1 已补照片")
    assert "已办结销号（按期办结）" in await say(app, console, "陈静", "督办 销号 1")
    closed = await item(app)
    assert closed.status == "已办结" and closed.closed_at is not None
    assert await pending_steps(app) == set()
    history = await say(app, console, "郑华", "/task 1")
    for action in ("立项", "交办", "签收", "进展", "申请办结", "退回", "销号"):
        assert action in history


async def test_key_value_form_with_co_units_leader_and_cadence(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(
        app,
        console,
        "陈静",
        "/task_new 标题=森林防火隐患排查 单位=县林业局 期限=2026-12-31 来源=常务会 "
        "领导=李明 协办=城关镇,县水利局 反馈=每月 内容=全县林区逐片排查",
    )
    assert "协办：城关镇、县水利局" in reply and "牵头领导：李明" in reply
    found = await item(app)
    assert (found.source, found.cadence, found.co_orgs) == (
        "常务会",
        "每月",
        ["城关镇", "县水利局"],
    )
    assert "督办交办通知（协办）" in console.texts("吴磊")[-1]
    assert "请配合 县林业局 办理，报进展：/task_progress 1" in console.texts("吴磊")[-1]
    assert "督办交办通知（承办）" in console.texts("周敏")[-1]
    # a co-unit may report progress once signed, but may not sign or ask for closure
    assert "不能办理此项" in await say(app, console, "孙伟", "/task_sign 1")
    await say(app, console, "周敏", "/task_sign 1")
    assert "已记录" in await say(app, console, "孙伟", "/task_progress 1 水源点已排查")
    assert "不能办理此项" in await say(app, console, "孙伟", "/task_done 1 完成")


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        ("陈静", "督办 立项 县水利局", "缺少标题、期限"),
        ("陈静", "督办 立项 县气象局 5工作日 测试", "没有单位「县气象局」"),
        ("陈静", "督办 立项 县水利局 2020-01-01 测试", "已经过去"),
        ("陈静", "督办 立项 县水利局 0工作日 测试", "至少为 1"),
        ("陈静", "督办 立项 县水利局 5工作日 测试 来源=朋友圈", "来源「朋友圈」不对"),
        ("陈静", "督办 立项 县水利局 5工作日 测试 反馈=每天", "反馈周期「每天」不对"),
        ("陈静", "督办 立项 县水利局 5工作日 测试 协办=县水利局", "不能同时作为协办单位"),
        ("孙伟", NEW, "仅限督查员使用"),
    ],
)
async def test_bad_new_is_refused_and_creates_nothing(
    app: App, console: RecordingAdapter, who: str, text: str, expected: str
) -> None:
    assert expected in await say(app, console, who, text)
    async with app.sessions() as session:
        assert list(await session.scalars(select(SupervisionItem))) == []
        assert list(await session.scalars(select(DueItem))) == []


async def test_out_of_order_steps_are_refused(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", NEW)
    assert "请先签收" in await say(app, console, "孙伟", "/task_progress 1 开工")
    assert "请先签收" in await say(app, console, "孙伟", "/task_done 1 完成")
    assert "不能销号" in await say(app, console, "陈静", "/task_close 1")
    assert "不能退回" in await say(app, console, "陈静", "/task_reject 1 不行")
    assert "仅限督查员使用" in await say(app, console, "孙伟", "/task_close 1")
    assert "仅限部门联络员使用" in await say(app, console, "陈静", "/task_sign 1")
    assert "不能办理此项" in await say(app, console, "周敏", "/task_sign 1")
    await say(app, console, "孙伟", "/task_sign 1")
    assert "无需重复签收" in await say(app, console, "孙伟", "/task_sign 1")
    assert "没有编号为 9 的督办事项" in await say(app, console, "孙伟", "/task_sign 9")
    assert (await item(app)).status == "签收"


async def test_extension_moves_the_due_date_and_replans(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    assert "新期限应晚于" in await say(app, console, "陈静", "督办 延期 1 2026-12-01 等批复")
    reply = await say(app, console, "陈静", "督办 延期 1 2026-12-31 等待省厅批复")
    assert "由 2026-12-10 延至 2026-12-31" in reply
    moved = await item(app)
    assert (moved.due_date.isoformat(), moved.original_due_date.isoformat()) == (
        "2026-12-31",
        "2026-12-10",
    )
    async with app.sessions() as session:
        orange = await session.scalar(select(DueItem).where(DueItem.key == "task:1:orange"))
    assert orange is not None and orange.due_at.date().isoformat() == "2026-12-31"
    assert "（原 2026-12-10）" in await say(app, console, "陈静", "/task 1")


async def test_lists_by_unit_overdue_and_due_soon(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "陈静", "督办 立项 县林业局 明天 补种树苗")
    mine = await say(app, console, "孙伟", "/task_list")
    assert "县水利局 的督办事项（1 项）" in mine and "补种树苗" not in mine
    soon = await say(app, console, "陈静", "/task_list 临期")
    assert "补种树苗" in soon and "清理河道淤积" not in soon
    assert "超期督办事项：无" in await say(app, console, "陈静", "/task_list overdue")
    assert "（2 项）" in await say(app, console, "陈静", "督办 台账")


async def test_notices_carry_buttons_that_answer_them(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", NEW)
    notice = [r for a, r in console.sent if a == "孙伟"][-1]
    assert [b.command for b in notice.buttons[0]] == ["/task_sign 1", "/task 1"]
    # pressing 签收 is the same as sending its command
    assert "已签收" in await say(app, console, "孙伟", notice.buttons[0][0].command)
    await say(app, console, "孙伟", "/task_done 1 完成")
    review = [r for a, r in console.sent if a == "陈静"][-1]
    assert review.buttons[0][0].command == "/task_close 1"
