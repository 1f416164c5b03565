"""Router and typed arguments: slash and bare Chinese forms, word boundaries, suggestions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import pytest

from bot.core.args import Arg, bind_args, params_of, parse_date
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import CommandTable, Router
from bot.core.scope import UNSCOPED

router = Router("t", UNSCOPED)
TODAY = date(2026, 11, 26)


@router.command("duty", aliases=("值班",), roles=[Role.OFFICER], help="值班")
async def duty(
    ctx: HandlerContext, *, day: Annotated[date | None, Arg("日期")] = None
) -> None: ...


@router.command("group register", aliases=("群组 注册", "注册群"), roles=[Role.ADMIN], help="登记")
async def register(
    ctx: HandlerContext, *, channels: Annotated[list[str], Arg("频道")]
) -> None: ...


@router.command("note", aliases=("记录",), help="多行记录")
async def note(
    ctx: HandlerContext,
    *,
    number: Annotated[int, Arg("编号")],
    text: Annotated[str, Arg("内容", rest=True)],
) -> None: ...


@router.command("ticket", aliases=("工单",), help="工单")
async def ticket(
    ctx: HandlerContext,
    *,
    number: Annotated[str, Arg("工单号")],
    mode: Annotated[Literal["brief", "full"], Arg("详略")] = "brief",
    count: Annotated[int, Arg("条数")] = 3,
) -> None: ...


TABLE = CommandTable([router])


@pytest.mark.parametrize(
    ("text", "name", "rest"),
    [
        ("/duty today", "duty", "today"),
        ("/duty@DutyBot 明天", "duty", "明天"),
        ("值班 今天", "duty", "今天"),
        ("值班今天", "duty", "今天"),
        ("/group_register 防汛 全体", "group register", "防汛 全体"),
        ("/group register 防汛", "group register", "防汛"),
        ("群组 注册 防汛", "group register", "防汛"),
        ("群组注册防汛", "group register", "防汛"),
        ("注册群 防汛", "group register", "防汛"),
        ("工单12345-20231108-000123", "ticket", "12345-20231108-000123"),
        ("\u3000值班\u3000明天", "duty", "明天"),
    ],
)
def test_matches(text: str, name: str, rest: str) -> None:
    found = TABLE.match(text)
    assert found is not None and (found.route.name, found.rest) == (name, rest)


@pytest.mark.parametrize("text", ["值班员说今天下雨", "duty today", "/nothing", "", "/", "大家好"])
def test_non_commands(text: str) -> None:
    assert TABLE.match(text) is None


def test_suggestions_respect_roles() -> None:
    officer = frozenset({Role.OFFICER})
    assert [r.name for r in TABLE.suggest("/dutty", officer)] == ["duty"]
    assert [r.name for r in TABLE.suggest("查一下值班", officer)] == ["duty"]
    assert TABLE.suggest("/group_registr", officer) == []
    assert [r.name for r in TABLE.suggest("/group_registr", frozenset({Role.ADMIN}))] == [
        "group register"
    ]


def test_duplicate_phrases_are_refused() -> None:
    other = Router("o", UNSCOPED)

    @other.command("值班", help="dup")
    async def dup(ctx: HandlerContext) -> None: ...

    with pytest.raises(ValueError, match="declared twice"):
        CommandTable([router, other])


def _args(route_name: str, text: str) -> dict[str, object]:
    route = next(r for r in TABLE.routes if r.name == route_name)
    return bind_args(list(params_of(route.func)), text, TODAY, route.usage)


@pytest.mark.parametrize(
    "text",
    [
        "/note 3 第一行\n  第二行：缩进保留\n\n第四行",
        "/note\n3\n第一行\n  第二行：缩进保留\n\n第四行",
        "记录 3 第一行\n  第二行：缩进保留\n\n第四行",
        "记录\t3\t第一行\n  第二行：缩进保留\n\n第四行",
    ],
)
def test_multi_line_arguments_keep_their_lines(text: str) -> None:
    """A 报送 or 日志 typed over several lines reaches the handler as typed, not joined."""
    found = TABLE.match(text)
    assert found is not None and found.route.name == "note"
    values = bind_args(found.route.params, found.rest, TODAY, found.route.usage)
    assert values == {"number": 3, "text": "第一行\n  第二行：缩进保留\n\n第四行"}


def test_typed_arguments() -> None:
    assert _args("duty", "") == {"day": None}
    assert _args("duty", "明天") == {"day": date(2026, 11, 27)}
    assert _args("duty", "12-01") == {"day": date(2026, 12, 1)}
    assert _args("ticket", "N1 FULL 5") == {"number": "N1", "mode": "full", "count": 5}
    assert _args("group register", "防汛 全体") == {"channels": ["防汛", "全体"]}


@pytest.mark.parametrize(
    ("route", "text", "message"),
    [
        ("ticket", "", "缺少参数「工单号」"),
        ("ticket", "N1 medium", "参数「详略」有误：可选：brief、full"),
        ("ticket", "N1 full x", "参数「条数」有误：应为整数"),
        ("ticket", "N1 full 1 extra", "多余的参数「extra」"),
        ("duty", "2026-02-30", "不是有效日期"),
        ("duty", "someday", "应为日期"),
        ("group register", "", "缺少参数「频道」"),
    ],
)
def test_bad_arguments_explain_the_usage(route: str, text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        _args(route, text)
    assert message in caught.value.message and "用法：/" in caught.value.message


def test_parse_date_forms() -> None:
    assert parse_date("今天", TODAY) == TODAY
    assert parse_date("2027/1/3", TODAY) == date(2027, 1, 3)
    assert parse_date("11月30日", TODAY) == date(2026, 11, 30)
