"""Conversations: a handler opens one, typed messages continue it, 取消 ends it, slash commands and
buttons escape it, a refused answer keeps the state, and it expires."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import pytest

from bot.app import App
from bot.core import dialogs
from bot.core.args import Arg
from bot.core.clock import FakeClock
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming

router = Router("quiz", UNSCOPED)


@router.command("quiz", aliases=("问答",), roles=ANY_BOUND, help="两道题")
async def quiz(ctx: HandlerContext, *, topic: Annotated[str, Arg("主题")] = "默认") -> str:
    await dialogs.start(ctx, "quiz", {"topic": topic, "answers": []}, minutes=5)
    return "第1题：您的单位？"


@router.dialog("quiz")
async def step(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str | None:
    if conv.cancelled:
        return None
    if text == "错":
        raise UserError("这个答案不行，请重答。")
    conv.state["answers"].append(text)
    if len(conv.state["answers"]) < 2:
        return "第2题：您的职务？"
    conv.finish()
    return f"{conv.state['topic']}：" + "、".join(conv.state["answers"])


@pytest.fixture
async def quiz_app(
    sqlite_url: str, clock: FakeClock, console: RecordingAdapter
) -> AsyncIterator[App]:
    from datetime import timedelta

    from bot.cli.demo import seed
    from handlers.help.commands import router as help_router

    bot = await App.create(
        make_config(sqlite_url),
        clock=clock,
        adapters={"console": console},
        auto_upgrade=True,
        routers=[help_router, router],
    )
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
    yield bot
    await bot.engine.dispose()


async def _say(app: App, text: str) -> None:
    await app.dispatcher.receive(incoming(text))
    await app.sender.drain()


async def test_answers_continue_until_finished(quiz_app: App, console: RecordingAdapter) -> None:
    for text in ("问答 值班", "县政府办公室", "错", "值班员", "还在吗"):
        await _say(quiz_app, text)
    assert console.texts("张三") == [
        "第1题：您的单位？",
        "第2题：您的职务？",
        "这个答案不行，请重答。",
        "值班：县政府办公室、值班员",
        console.texts("张三")[-1],
    ]
    assert "没有找到命令" in console.texts("张三")[-1]  # finished: plain text is not captured


async def test_cancel_slash_and_expiry(
    quiz_app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _say(quiz_app, "问答")
    await _say(quiz_app, "/help")  # escapes without closing
    assert "可用命令" in console.texts("张三")[-1]
    await _say(quiz_app, "取消")
    assert console.texts("张三")[-1] == "已取消。"
    await _say(quiz_app, "问答")
    clock.advance(minutes=6)
    await _say(quiz_app, "县政府办公室")
    assert "没有找到命令" in console.texts("张三")[-1]


def test_a_dialog_kind_declared_twice_is_an_error() -> None:
    from bot.core.routing import CommandTable

    other = Router("other", UNSCOPED)
    other.dialog("quiz")(step)
    with pytest.raises(ValueError, match="dialog kind 'quiz' declared twice"):
        CommandTable([router, other])


async def test_housekeeping_removes_abandoned_conversations(
    quiz_app: App, clock: FakeClock
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, select

    from bot.store.dialog import Dialog

    await _say(quiz_app, "问答")
    clock.set(datetime(2026, 11, 27, 3, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert await quiz_app.ticker.run_cron("housekeeping")
    async with quiz_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Dialog)) == 0
