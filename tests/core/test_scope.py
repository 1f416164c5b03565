"""Object scope: who sees which unit's objects, the refusals, and a table that refuses commands
declared without a scope."""

from __future__ import annotations

import pytest

from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role, UserInfo
from bot.core.routing import CommandTable, Router
from bot.core.scope import UNSCOPED, OutOfScope, Reach, unit_scope

TICKETS = unit_scope("工单")
LIAISON = UserInfo(1, "孙伟", "县水利局", frozenset({Role.LIAISON}))
BOTH = UserInfo(2, "某某", "县水利局", frozenset({Role.LIAISON, Role.SUPERVISOR}))
SUPERVISOR = UserInfo(3, "陈静", "县政府办公室", frozenset({Role.SUPERVISOR}))


def test_reach_is_the_widest_of_the_roles_held() -> None:
    assert TICKETS.reach({Role.LIAISON}) is Reach.OWN
    assert TICKETS.reach({Role.LIAISON, Role.SUPERVISOR}) is Reach.ALL
    assert TICKETS.reach({Role.VIEWER}) is Reach.ALL
    assert TICKETS.reach(None) is Reach.NONE and TICKETS.reach(set()) is Reach.NONE
    assert UNSCOPED.reach({Role.LIAISON}) is Reach.ALL  # objects of no unit: all or nothing
    assert not UNSCOPED.by_unit and TICKETS.by_unit


def test_a_liaison_sees_objects_its_unit_leads_or_helps_with() -> None:
    assert TICKETS.sees(LIAISON, ["县水利局"])
    assert TICKETS.sees(LIAISON, ["城关镇", "县水利局"])  # 协办
    assert not TICKETS.sees(LIAISON, ["城关镇"])
    assert not TICKETS.sees(LIAISON, [])  # not yet forwarded to anyone
    assert TICKETS.sees(BOTH, ["城关镇"]) and TICKETS.sees(SUPERVISOR, ["城关镇"])


def test_detail_of_another_units_object_names_the_owner_and_the_callers_scope() -> None:
    TICKETS.check(LIAISON, ["县水利局"], "工单 1")
    with pytest.raises(OutOfScope) as refused:
        TICKETS.check(LIAISON, ["城关镇"], "工单 12345-1（投诉）")
    assert refused.value.message.startswith(
        "工单 12345-1（投诉）属于城关镇，不在您的查看范围（县水利局）内。"
    )
    assert isinstance(refused.value, UserError) and refused.value.outcome == "out_of_scope"
    with pytest.raises(OutOfScope, match="信访 #2尚未交办给县水利局"):
        TICKETS.check(LIAISON, [], "信访 #2")


def test_a_list_defaults_to_the_own_unit_and_refuses_another() -> None:
    assert TICKETS.listing(LIAISON, None) == "县水利局"
    assert TICKETS.listing(LIAISON, " 县水利局 ") == "县水利局"
    with pytest.raises(OutOfScope, match="城关镇的工单不在您的查看范围（县水利局）内"):
        TICKETS.listing(LIAISON, "城关镇")
    assert TICKETS.listing(SUPERVISOR, None) is None
    assert TICKETS.listing(SUPERVISOR, "城关镇") == "城关镇"
    assert TICKETS.units(LIAISON) == "县水利局" and TICKETS.units(BOTH) is None


def test_a_table_refuses_a_command_declared_without_a_scope() -> None:
    bare = Router("bare")

    @bare.command("thing", aliases=("东西",), roles=[Role.OFFICER], help="东西")
    async def thing(ctx: HandlerContext) -> None: ...

    with pytest.raises(ValueError, match="commands without an object scope: thing"):
        CommandTable([bare])
    scoped = Router("scoped", UNSCOPED)
    scoped.command("one", help="一")(thing)
    scoped.command("two", help="二", scope=TICKETS)(thing)
    table = CommandTable([scoped])
    assert [r.scope for r in table.routes] == [UNSCOPED, TICKETS]  # a command may override
