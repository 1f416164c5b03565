"""Revoking a person for duty and reminders: open swaps are void and the other side told, the
slots still naming them are listed, their reminders never reach the next holder of their chat."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.cli.users_cmd import revoke_person
from bot.core.clock import FakeClock
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import add_user
from tests.duty_support import later, say
from tests.support import RecordingAdapter, incoming


async def revoke(app: App, clock: FakeClock, person: str) -> list[str]:
    async with app.sessions.begin() as session:
        lines = await revoke_person(session, app.config, clock.now(), person)
    await app.sender.drain()
    return lines


async def newcomer_binds(app: App, clock: FakeClock, account: str) -> None:
    async with app.sessions.begin() as session:
        user = await add_user(
            session, name="新同事", org="县政府办公室", roles={Role.OFFICER}, now=clock.now()
        )
        code = await binding.issue_code(session, user, clock.now(), timedelta(hours=1))
    await say(app, f"/bind {code}", sender=account)


async def test_an_open_swap_is_void_and_the_asker_told(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "换班 11-28 @赵丽")
    lines = await revoke(app, clock, "赵丽")
    assert "换班申请 #1 已作废，已告知对方" in lines
    assert "换班申请 #1" in console.texts("张三")[-1]
    assert "赵丽已被停用。如仍需换班，请重新申请" in console.texts("张三")[-1]
    slots = next(line for line in lines if line.startswith("⚠ 值班表中仍有其班次"))
    assert "值班：赵丽" in slots and "dutybot roster" in slots
    await newcomer_binds(app, clock, "赵丽")
    await say(app, "换班 同意 1", sender="赵丽")  # the old button, pressed by the new holder
    assert "已处理（当前状态：一方已停用，申请作废）" in console.texts("赵丽")[-1]


async def test_reminders_of_a_revoked_person_never_reach_the_next_holder(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "提醒 30分钟 给水利局回电", sender="赵丽")
    lines = await revoke(app, clock, "赵丽")
    assert "取消其待提醒事项 1 条" in lines
    await newcomer_binds(app, clock, "赵丽")
    await later(app, clock, minutes=31)
    assert not any("给水利局回电" in t for t in console.texts("赵丽")[1:])


async def test_queued_messages_to_the_old_account_are_withdrawn(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await app.dispatcher.receive(incoming("换班 11-28 @赵丽"))  # queued, not yet delivered
    lines = await revoke(app, clock, "赵丽")
    assert any(line.startswith("撤回尚未发出的消息 1 条") for line in lines)
    await newcomer_binds(app, clock, "赵丽")
    assert not any("请您替班" in t for t in console.texts("赵丽"))


async def test_an_open_conversation_is_not_inherited_by_the_next_holder(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "/log doc 县应急局转发寒潮防御通知", sender="赵丽")
    assert "请补充对方单位" in console.texts("赵丽")[-1]
    await revoke(app, clock, "赵丽")
    await newcomer_binds(app, clock, "赵丽")
    await say(app, "县应急管理局", sender="赵丽")  # would be taken as 对方单位 of her entry
    assert "请补充" not in console.texts("赵丽")[-1]
