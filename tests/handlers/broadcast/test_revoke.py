"""`dutybot users revoke` during an open broadcast: the old chat account is never chased again,
whoever binds it next gets nothing meant for the person, the drafter is told, the counts stay
right; a successor takes over the receipt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.cli.users_cmd import revoke_person
from bot.core.clock import FakeClock
from bot.core.errors import UserError
from bot.core.roles import Role
from models.broadcast import records as bc
from models.directory import binding
from models.directory.users import add_user, find_user, set_roles
from tests.handlers.broadcast.test_broadcast import GROUP, TEXT, bapp, say, tick
from tests.support import RecordingAdapter

__all__ = ["bapp"]  # the fixture, shared with test_broadcast


async def revoke(app: App, clock: FakeClock, person: str, to: str | None = None) -> list[str]:
    async with app.sessions.begin() as session:
        lines = await revoke_person(session, app.config, clock.now(), person, to)
    await app.sender.drain()
    return lines


async def newcomer_takes_account(
    app: App, console: RecordingAdapter, clock: FakeClock, account: str, org: str = "县林业局"
) -> None:
    """A new person 孙小伟 (of a unit no test channel names) binds the chat account
    ``account`` once held by someone else."""
    async with app.sessions.begin() as session:
        user = await add_user(
            session, name="孙小伟", org=org, roles={Role.LIAISON}, now=clock.now()
        )
        code = await binding.issue_code(session, user, clock.now(), timedelta(hours=1))
    await say(app, f"/bind {code}", sender=account)
    assert "孙小伟" in console.texts(account)[-1]


async def send_red(app: App) -> str:
    await say(app, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    await say(app, "确认广播 1", sender="李明")
    async with app.sessions() as session:
        found = await session.scalar(select(bc.Broadcast))
    assert found is not None
    return found.code


async def test_revoked_person_is_no_longer_chased_and_the_next_holder_gets_nothing(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await send_red(bapp)
    assert len(console.texts("孙伟")) == 1  # the broadcast itself, before the revoke
    clock.advance(minutes=1)
    lines = await revoke(bapp, clock, "孙伟")
    assert lines[0] == "孙伟 已停用，解除绑定 1 个账号。"
    assert "红色应急广播 #1（防汛）：孙伟，其广播回执已取消，已告知起草人" in lines
    notice = console.texts("李明")[-1]
    assert "孙伟已被停用，其广播回执已取消" in notice and "/broadcast_status 1" in notice

    await newcomer_takes_account(bapp, console, clock, "孙伟")
    held = len(console.texts("孙伟"))
    for _ in range(4):  # both re-notifications (5 min apart, 2 rounds) and the escalation
        await tick(bapp, clock, minutes=5)
    assert len(console.texts("孙伟")) == held  # nothing meant for 孙伟 reaches 孙小伟
    assert any("第2次提醒" in t for t in console.texts("王刚"))  # the chase itself still runs
    escalation = next(t for t in console.texts("李明") if "【未确认上报】" in t)
    assert "王刚" in escalation and "孙伟" not in escalation

    await say(bapp, "/broadcast_status 1", sender="李明")
    status = console.texts("李明")[-1]
    assert "已送达 2 / 2　已确认 0 / 2" in status
    assert "未确认（1）：王刚（县应急管理局）" in status
    assert "已停用人员（不计入）：孙伟（县水利局），其广播回执已取消" in status


async def test_a_successor_takes_over_the_receipt_and_is_counted(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    code = await send_red(bapp)
    lines = await revoke(bapp, clock, "孙伟", "周敏")
    assert any("其广播回执已转给 周敏（县林业局）" in line for line in lines)
    assert "孙伟已被停用，其广播回执已转给 周敏（县林业局）" in console.texts("李明")[-1]
    (first,) = console.texts("周敏")
    assert TEXT in first and f"收到 {code}" in first  # sent the broadcast at once
    await say(bapp, "收到", sender="周敏")
    assert "已确认收到 红色应急广播 #1" in console.texts("周敏")[-1]
    await tick(bapp, clock, seconds=10)
    summary = next(t for t in reversed(console.texts("李明")) if "【广播回执】" in t)
    assert "已确认 1 / 3" in summary and "未确认（1）：王刚（县应急管理局）" in summary
    assert "孙伟（县水利局），其广播回执已转给 周敏（县林业局）" in summary


async def test_an_acknowledged_receipt_stays_and_counts(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await send_red(bapp)
    await say(bapp, "收到", sender="孙伟")
    lines = await revoke(bapp, clock, "孙伟")
    assert not any("回执" in line for line in lines)
    await say(bapp, "/broadcast_status 1", sender="李明")
    assert "已确认 1 / 3" in console.texts("李明")[-1]


async def test_revoked_between_preview_and_send_is_left_out(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    await revoke(bapp, clock, "孙伟")
    await newcomer_takes_account(bapp, console, clock, "孙伟")
    await say(bapp, "确认广播 1", sender="李明")
    assert "共 2 条消息" in console.texts("李明")[-1]
    assert not any(TEXT in t for t in console.texts("孙伟"))
    assert any(TEXT in t for t in console.texts(GROUP))


async def test_a_newcomer_the_channel_names_gets_it_as_themselves(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    await revoke(bapp, clock, "孙伟")
    await newcomer_takes_account(bapp, console, clock, "孙伟", org="县水利局")
    await say(bapp, "确认广播 1", sender="李明")
    assert "发送时频道名单已变：新增 孙小伟" in console.texts("李明")[-1]
    await say(bapp, "收到", sender="孙伟")  # the account is 孙小伟's now: his ack counts
    await say(bapp, "/broadcast_status 1", sender="李明")
    status = console.texts("李明")[-1]
    assert "已确认 1 / 3" in status and "孙小伟（县水利局） " in status


async def test_a_revoked_drafters_unsent_draft_is_withdrawn(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 防汛 红 {TEXT}", sender="张三")
    await say(bapp, "确认广播 1", sender="张三")  # awaiting a leader
    lines = await revoke(bapp, clock, "张三")
    assert "红色应急广播 #1（防汛）：由其起草、尚未发送，已撤回" in lines
    await say(bapp, "批准广播 1", sender="王刚")
    assert "当前状态为「已撤回」" in console.texts("王刚")[-1]
    assert console.texts("孙伟") == []


async def test_the_successor_must_be_someone_else(bapp: App, clock: FakeClock) -> None:
    with pytest.raises(UserError, match="接替人不能是被停用的本人"):
        await revoke(bapp, clock, "孙伟", "孙伟")
    async with bapp.sessions() as session:
        assert (await find_user(session, "孙伟")).active  # nothing changed


async def test_the_channel_roster_is_read_again_when_the_broadcast_is_sent(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 森林防火 红色 {TEXT}", sender="李明")  # roles: leader → 王刚
    assert "人员（1）：王刚（县应急管理局）" in console.texts("李明")[-1]
    async with bapp.sessions.begin() as session:
        await set_roles(session, await find_user(session, "王刚"), {Role.OFFICER})
        chief = await add_user(
            session, name="黄局长", org="县林业局", roles={Role.LEADER}, now=clock.now()
        )
        await binding.bind_account(session, chief, "console", "黄局长", clock.now())
    await say(bapp, "确认广播 1", sender="李明")
    sent = console.texts("李明")[-1]
    assert "发送时频道名单已变：新增 黄局长；不再发送 王刚" in sent
    assert any(TEXT in t for t in console.texts("黄局长"))
    assert not any(TEXT in t for t in console.texts("王刚"))
    await say(bapp, "/broadcast_status 1", sender="李明")
    status = console.texts("李明")[-1]
    assert "未确认（1）：黄局长（县林业局）" in status
    assert "王刚（县应急管理局），发送时已不在频道名单" in status


async def test_a_draft_receipt_is_not_handed_over_before_sending(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    lines = await revoke(bapp, clock, "孙伟", "周敏")  # 周敏 (县林业局) is not on 防汛's roster
    assert "红色应急广播 #1（防汛）：孙伟，其广播回执已取消，已告知起草人" in lines
    await say(bapp, "确认广播 1", sender="李明")
    assert "共 2 条消息" in console.texts("李明")[-1]
    assert console.texts("周敏") == []


async def test_a_revoked_senders_summary_goes_to_the_successor_not_the_old_chat(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await send_red(bapp)
    lines = await revoke(bapp, clock, "李明", "王刚")
    assert "红色应急广播 #1（防汛）：由其发出，回执汇总改发给接替人" in lines
    before = len(console.texts("李明"))
    await say(bapp, "收到", sender="孙伟")
    await tick(bapp, clock, seconds=10)
    assert len(console.texts("李明")) == before
    assert any("【广播回执】" in t and "已确认 1 / 3" in t for t in console.texts("王刚"))
