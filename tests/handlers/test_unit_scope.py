"""A liaison sees its own unit's objects in every list, search, detail, overdue and statistics
path, and is told clearly when it asks for another unit's; other roles see every unit's."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.roles import Role
from bot.store.audit import AuditLog
from tests.scope_support import OTHER, OWN, County, caller
from tests.support import incoming

LIAISON, SUPERVISOR = caller(Role.LIAISON), caller(Role.SUPERVISOR)


async def ask(county: County, who: str, text: str) -> tuple[str, str]:
    """The reply to ``text`` and its audited outcome."""
    bot, console = county.bot, county.console
    before = len(console.texts(who))
    await bot.dispatcher.receive(incoming(text, sender=who))
    await bot.sender.drain()
    async with bot.sessions() as session:
        outcome = await session.scalar(
            select(AuditLog.outcome).where(AuditLog.kind == "command").order_by(AuditLog.id.desc())
        )
    return "\n".join(console.texts(who)[before:]), outcome or ""


def number(county: County, noun: str, unit: str) -> str:
    return county.objects[noun][unit]["item"]


async def test_liaison_asking_for_another_units_overdue_tickets_is_told_so(
    county: County,
) -> None:
    theirs, mine = number(county, "工单", OTHER), number(county, "工单", OWN)
    reply, outcome = await ask(county, LIAISON, f"/tickets overdue {OTHER}")
    assert outcome == "out_of_scope"
    assert f"{OTHER}的工单不在您的查看范围（{OWN}）内" in reply
    assert theirs not in reply
    reply, outcome = await ask(county, LIAISON, "工单 超期")
    assert outcome == "ok" and mine in reply and theirs not in reply
    reply, _ = await ask(county, SUPERVISOR, f"/tickets overdue {OTHER}")
    assert theirs in reply  # a supervisor sees every unit's


async def test_liaison_search_outside_its_unit_says_why_instead_of_an_empty_header(
    county: County,
) -> None:
    reply, outcome = await ask(county, LIAISON, "工单 搜索 路灯")  # only 城关镇's ticket has it
    assert outcome == "out_of_scope"
    assert "不在您的查看范围内" in reply and "🔎" not in reply
    reply, _ = await ask(county, LIAISON, "工单 搜索 水闸")
    assert number(county, "工单", OWN) in reply
    reply, _ = await ask(county, LIAISON, "工单 搜索 不存在的词")
    assert "没有找到" in reply
    reply, _ = await ask(county, SUPERVISOR, "工单 搜索 路灯")
    assert number(county, "工单", OTHER) in reply


async def test_liaison_detail_of_another_units_objects_is_refused(county: County) -> None:
    for noun, command in (("工单", "工单"), ("督办事项", "督办"), ("建议提案", "建议提案")):
        reply, outcome = await ask(county, LIAISON, f"{command} {number(county, noun, OTHER)}")
        assert outcome == "out_of_scope", (command, reply)
        assert f"属于{OTHER}，不在您的查看范围（{OWN}）内" in reply
    reply, outcome = await ask(county, LIAISON, f"信访 {number(county, '信访事项', OTHER)}")
    assert outcome == "out_of_scope" and "王小明" not in reply


async def test_liaison_lists_and_statistics_show_its_own_unit_only(county: County) -> None:
    reply, _ = await ask(county, LIAISON, "督办 列表 超期")  # before: every unit's overdue items
    assert OTHER not in reply
    reply, _ = await ask(county, LIAISON, "督办 列表")
    assert OWN in reply and OTHER not in reply
    reply, outcome = await ask(county, LIAISON, f"督办 列表 {OTHER}")
    assert outcome == "out_of_scope"
    reply, _ = await ask(county, LIAISON, "建议提案 统计")  # before: the county and every unit
    assert f"{OWN}建议提案办理情况（共 1 件）" in reply and OTHER not in reply
    reply, outcome = await ask(county, LIAISON, f"建议提案 台账 {OTHER}")
    assert outcome == "out_of_scope"
    reply, _ = await ask(county, LIAISON, "信访 台账")
    assert "（1 件）" in reply and OTHER not in reply
    reply, _ = await ask(county, SUPERVISOR, "建议提案 统计")
    assert OWN in reply and OTHER in reply


async def test_a_proposal_registered_twice_is_refused_with_its_number(county: County) -> None:
    text = f"建议提案 交办 人大建议 第77号 {OWN} 关于河堤的建议"
    reply, outcome = await ask(county, SUPERVISOR, text)
    assert outcome == "ok", reply
    reply, outcome = await ask(county, SUPERVISOR, text)
    assert outcome == "rejected" and "人大建议第77号已登记为 #3，不能重复交办" in reply


async def test_petition_register_by_unit(county: County) -> None:
    reply, outcome = await ask(county, LIAISON, f"信访 台账 {OTHER}")
    assert outcome == "out_of_scope" and "王小明" not in reply and "王**" not in reply
    reply, _ = await ask(county, caller(Role.OFFICER), f"信访 台账 {OTHER}")
    assert f"{OTHER} 的信访台账（1 件）" in reply and OWN not in reply
    reply, outcome = await ask(county, caller(Role.OFFICER), "信访 台账 火星局")
    assert outcome == "rejected" and "没有单位「火星局」" in reply


async def test_meeting_list_shows_a_liaison_its_own_units_decisions(county: County) -> None:
    await ask(county, SUPERVISOR, "会议 新建 常务会 2026-12-20 第5次常务会议")
    await ask(county, SUPERVISOR, f"会议 决定事项 1 {OWN} 抓好河道清淤")
    await ask(county, SUPERVISOR, f"会议 决定事项 1 {OTHER} 整治人民路路灯")
    reply, _ = await ask(county, LIAISON, "会议 列表")
    assert "第5次常务会议" in reply and "河道清淤" in reply and "路灯" not in reply
    reply, _ = await ask(county, SUPERVISOR, "会议 列表")
    assert "河道清淤" in reply and "路灯" in reply
