"""Dispatcher: dedupe, identity, roles, one transaction, audit and outbox together, errors."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core import secrecy
from bot.core.context import HandlerContext
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import due
from bot.store.audit import AuditLog
from bot.store.inbox import InboxMessage
from bot.store.outbox import OutboxMessage
from models.directory.users import User
from tests.support import RecordingAdapter, incoming


async def _count(app: App, model: type) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _audit(app: App) -> list[AuditLog]:
    """Audit rows of commands (outbound deliveries are audited too, as kind "outbound")."""
    async with app.sessions() as session:
        query = select(AuditLog).where(AuditLog.kind == "command").order_by(AuditLog.seq)
        return list(await session.scalars(query))


async def test_same_message_twice_is_handled_once(app: App, console: RecordingAdapter) -> None:
    msg = incoming("/whoami", message_id="dup-1")
    await app.dispatcher.receive(msg)
    await app.dispatcher.receive(msg)
    await app.sender.drain()
    assert len(console.texts("张三")) == 1
    assert "姓名：张三" in console.texts("张三")[0]


async def test_persisted_message_survives_a_crash_and_is_resumed(
    app: App, console: RecordingAdapter
) -> None:
    msg = incoming("/whoami", message_id="crash-1")
    assert await app.dispatcher.persist(msg) is not None
    # The process died here; at the next start the stored message is handled exactly once.
    assert await app.dispatcher.resume() == 1
    assert await app.dispatcher.resume() == 0
    await app.dispatcher.receive(msg)  # the platform re-delivers it: dropped
    await app.sender.drain()
    assert len(console.texts("张三")) == 1
    async with app.sessions() as session:
        payload = await session.scalar(select(InboxMessage.payload))
    assert payload is None  # only the key is kept once handled


async def test_unbound_person_gets_instructions_and_only_an_audit_entry(
    app: App, console: RecordingAdapter
) -> None:
    users_before = await _count(app, User)
    await app.dispatcher.receive(incoming("/remind 10分钟 打电话", sender="陌生人"))
    await app.sender.drain()
    assert "尚未绑定" in console.texts("陌生人")[0]
    assert await _count(app, User) == users_before
    assert await _count(app, due.DueItem) == 0
    row = (await _audit(app))[-1]
    assert (row.command, row.outcome, row.actor) == ("remind", "unbound", "console:陌生人")
    assert row.detail is None  # nothing of what they typed is kept


async def test_role_refusal_names_the_roles(app: App, console: RecordingAdapter) -> None:
    await app.dispatcher.receive(incoming("/outbox failed", sender="张三"))
    await app.sender.drain()
    assert "仅限管理员使用" in console.texts("张三")[0]
    assert "值班员" in console.texts("张三")[0]
    assert (await _audit(app))[-1].outcome == "forbidden"


async def test_classified_text_is_refused_and_not_stored(
    app: App, console: RecordingAdapter
) -> None:
    secret = "/remind 10分钟 转发机\u200b密★10年文件第3号"
    await app.dispatcher.receive(incoming(secret))
    await app.sender.drain()
    [answer] = console.texts("张三")
    assert answer == secrecy.refusal(secrecy.Finding(secrecy.Form.STARRED))
    assert "机要渠道" in answer
    assert await _count(app, due.DueItem) == 0
    [row] = await _audit(app)
    assert (row.outcome, row.detail) == ("classified", {"form": "STARRED"})
    async with app.sessions() as session:
        payloads = list(await session.scalars(select(InboxMessage.payload)))
        queued = list(await session.scalars(select(OutboxMessage.payload)))
    assert payloads == [None]
    assert all("第3号" not in str(p) for p in queued)


async def test_a_marked_callback_is_refused_before_it_is_stored(
    app: App, console: RecordingAdapter
) -> None:
    """Webhook callbacks are stored before they are handled: a marked one is refused at once,
    and its text never reaches the inbox, not even while pending."""
    msg = incoming("记录 来电 【機密】河口乡报告堤防险情", message_id="cb-1")
    assert await app.dispatcher.persist(msg) is None  # nothing left to handle
    assert await app.dispatcher.persist(msg) is None  # the platform's retry: dropped
    await app.sender.drain()
    assert len(console.texts("张三")) == 1 and "密级标识" in console.texts("张三")[0]
    async with app.sessions() as session:
        assert list(await session.scalars(select(InboxMessage.payload))) == [None]
    assert [r.outcome for r in await _audit(app)] == ["classified"]
    in_title = incoming("/whoami", group=True, chat="机密★项目组", message_id="cb-2")
    assert await app.dispatcher.persist(in_title) is None


async def test_unknown_command_suggests_close_ones(app: App, console: RecordingAdapter) -> None:
    await app.dispatcher.receive(incoming("/remnd 5分钟 x"))
    await app.dispatcher.receive(incoming("查一下提醒"))
    await app.sender.drain()
    first, second = console.texts("张三")
    assert "您是不是想" in first and "/remind" in first
    assert "您是不是想" in second and "提醒" in second


async def test_group_chatter_is_ignored_but_commands_answered(
    app: App, console: RecordingAdapter
) -> None:
    group = "县防汛抗旱指挥部群"
    await app.dispatcher.receive(incoming("大家好，今天雨很大", group=True, chat=group))
    await app.dispatcher.receive(incoming("/whoami", group=True, chat=group))
    await app.sender.drain()
    assert len(console.texts("group:县防汛抗旱指挥部群")) == 1


async def test_handler_crash_becomes_polite_reply_with_reference(
    db_url: str, clock, console: RecordingAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import make_config

    router = Router("boom", UNSCOPED)

    @router.command("boom", aliases=("爆炸",), help="fails")
    async def boom(ctx: HandlerContext) -> str:
        await due.schedule(
            ctx.session,
            ctx.now,
            kind="reminder",
            due_at=ctx.now,
            payload={"target": "console:x", "text": "x"},
        )
        raise RuntimeError("database fell over")

    app = await App.create(
        make_config(db_url),
        clock=clock,
        adapters={"console": console},
        routers=[router],
        auto_upgrade=True,
    )
    try:
        with caplog.at_level(logging.ERROR, logger="dutybot.dispatch"):
            await app.dispatcher.receive(incoming("/boom"))
        await app.sender.drain()
        reply = console.texts("张三")[0]
        assert "出错" in reply and "参考编号" in reply
        assert "Traceback" not in reply and "database fell over" not in reply
        ref = reply.split("参考编号 ")[1][:8]
        assert ref in caplog.text and "RuntimeError" in caplog.text
        assert await _count(app, due.DueItem) == 0  # the handler's work was rolled back
        assert (await _audit(app))[-1].outcome == "error"
    finally:
        await app.engine.dispose()


async def test_bad_input_changes_nothing(app: App, console: RecordingAdapter) -> None:
    await app.dispatcher.receive(incoming("/remind_cancel abc"))
    await app.dispatcher.receive(incoming("提醒 明年 开会"))
    await app.sender.drain()
    first, second = console.texts("张三")
    assert "参数「编号」有误" in first and "用法：/remind_cancel" in first
    assert "30分钟" in second
    assert await _count(app, due.DueItem) == 0
    assert [r.outcome for r in (await _audit(app))[-2:]] == ["rejected", "rejected"]


async def test_bind_attempts_are_rate_limited(app: App, console: RecordingAdapter) -> None:
    for _ in range(5):
        await app.dispatcher.receive(incoming("/bind WRONG123", sender="钱芳"))
    await app.dispatcher.receive(incoming("/bind WRONG123", sender="钱芳"))
    await app.sender.drain()
    texts = console.texts("钱芳")
    assert all("无效" in t for t in texts[:5])
    assert "次数过多" in texts[5]
