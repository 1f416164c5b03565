"""The edge where text enters, on SQLite and PostgreSQL: numbers out of range get the usage,
control characters (NUL) are dropped before storing, an over-long message is refused unstored."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.core import inbound
from bot.store import due
from bot.store.audit import AuditLog
from bot.store.inbox import InboxMessage
from tests.support import RecordingAdapter, incoming

CONTROL = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\n\t"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_leaves_no_control_character_and_keeps_the_rest(text: str) -> None:
    cleaned = inbound.clean(text)
    assert not any(c in CONTROL for c in cleaned)
    assert cleaned == "".join(c for c in text if c not in CONTROL)
    assert inbound.clean(cleaned) == cleaned


async def _last_command(app: App) -> AuditLog:
    async with app.sessions() as session:
        query = select(AuditLog).where(AuditLog.kind == "command").order_by(AuditLog.seq.desc())
        row = await session.scalar(query.limit(1))
    assert row is not None
    return row


@pytest.mark.parametrize("number", ["99999999999999999999", "-9223372036854775809"])
@pytest.mark.parametrize(
    ("sender", "command"),
    [("孙伟", "/task_sign"), ("张三", "/remind_cancel"), ("李明", "/broadcast_status")],
)
async def test_a_number_out_of_range_is_answered_with_the_usage(
    app: App, console: RecordingAdapter, sender: str, command: str, number: str
) -> None:
    await app.dispatcher.receive(incoming(f"{command} {number}", sender=sender))
    await app.sender.drain()
    reply = console.texts(sender)[-1]
    assert "之间的整数" in reply and "用法" in reply, reply
    assert (await _last_command(app)).outcome == "rejected"


@pytest.mark.parametrize("amount", ["99999999999天", "9999999天", "367天"])
async def test_a_reminder_too_far_off_is_answered_with_the_forms(
    app: App, console: RecordingAdapter, amount: str
) -> None:
    await app.dispatcher.receive(incoming(f"/remind {amount} 回电", sender="张三"))
    await app.sender.drain()
    assert "时间可写作 30分钟" in console.texts("张三")[-1]
    assert (await _last_command(app)).outcome == "rejected"


async def test_a_nul_byte_is_dropped_before_anything_is_stored(
    app: App, console: RecordingAdapter
) -> None:
    await app.dispatcher.receive(incoming("/remind 10分钟 给水利局\x00回电\x1b", sender="张三"))
    await app.sender.drain()
    assert console.texts("张三")[-1].endswith("提醒您：给水利局回电")
    async with app.sessions() as session:
        item = await session.scalar(select(due.DueItem).order_by(due.DueItem.id.desc()))
    assert item is not None and "\x00" not in str(item.payload)
    assert (await _last_command(app)).outcome == "ok"


def test_tidy_cleans_every_text_field_and_keeps_newlines_and_tabs() -> None:
    msg = incoming("记录 来电\r\n第一行\n第二行\t完\x00")
    msg = dataclasses.replace(msg, sender_name="张\x07三", chat_title="值班\x1b群")
    tidy = inbound.tidy(msg)
    assert (tidy.text, tidy.sender_name, tidy.chat_title) == (
        "记录 来电\n第一行\n第二行\t完",
        "张三",
        "值班群",
    )
    assert inbound.tidy(tidy) is tidy


async def _counts(app: App) -> tuple[int, int]:
    async with app.sessions() as session:
        items = await session.scalar(select(func.count()).select_from(due.DueItem))
        kept = await session.scalar(
            select(func.count()).select_from(InboxMessage).where(InboxMessage.payload.is_not(None))
        )
    return int(items or 0), int(kept or 0)


@pytest.mark.parametrize("stored_first", [False, True])
async def test_an_over_long_message_is_refused_and_nothing_is_kept(
    app: App, console: RecordingAdapter, stored_first: bool
) -> None:
    before = await _counts(app)
    msg = incoming("/remind 10分钟 " + "长" * 20_000, sender="张三")
    if stored_first:  # a webhook callback: stored before it is handled
        assert await app.dispatcher.persist(msg) is None
    await app.dispatcher.receive(msg)
    await app.sender.drain()
    replies = console.texts("张三")
    assert len(replies) == 1
    assert "消息过长（20013 字，上限 4000 字）" in replies[0]
    assert "长长长" not in replies[0]
    assert await _counts(app) == before
    row = await _last_command(app)
    assert (row.outcome, row.detail) == ("too_long", {"chars": 20013})


async def test_a_message_at_the_limit_is_taken(app: App, console: RecordingAdapter) -> None:
    text = "/remind 10分钟 " + "长" * (4000 - len("/remind 10分钟 "))
    await app.dispatcher.receive(incoming(text, sender="张三"))
    await app.sender.drain()
    assert "好的" in console.texts("张三")[-1]
