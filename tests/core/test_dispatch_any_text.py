"""Any line typed to the bot, by anyone: a reply, never an internal error or a traceback."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import handlers
from bot.app import App
from bot.core.routing import CommandTable
from bot.store.audit import AuditLog
from tests.support import RecordingAdapter, incoming

TABLE = CommandTable(handlers.ROUTERS)
PHRASES = sorted(
    {"/" + "_".join(p) for r in TABLE.routes for p in r.phrases if p[0].isascii()}
    | {" ".join(p) for r in TABLE.routes for p in r.phrases if not p[0].isascii()}
)
PEOPLE = ["刘洋", "李明", "张三", "陈静", "孙伟"]  # admin, leader, officer, supervisor, liaison
TOKENS = st.one_of(
    st.integers().map(str),
    st.sampled_from(
        ["99999999999999999999", "-1", "0", "1", "今天", "2026-02-30", "12345-1", "县水利局"]
    ),
    st.sampled_from(
        ["10分钟", "99999999999天", "明天", "=1+1", "电话=1380000abc", "地点=" + "远" * 120]
    ),
    st.text(max_size=15),
)
LINES = st.one_of(
    st.tuples(st.sampled_from(PHRASES), st.lists(TOKENS, max_size=5)).map(
        lambda t: " ".join([t[0], *t[1]])
    ),
    st.text(max_size=60),
)
_ids = itertools.count()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sender=st.sampled_from(PEOPLE), text=LINES)
async def test_any_line_gets_a_reply_and_never_an_error(
    app: App, console: RecordingAdapter, sender: str, text: str
) -> None:
    before = len(console.sent)
    await app.dispatcher.receive(incoming(text, sender=sender, message_id=f"any-{next(_ids)}"))
    await app.sender.drain()
    replies = [r.text for _, r in console.sent[before:]]
    assert not any("出错了" in r or "Traceback" in r for r in replies), (text, replies)
    async with app.sessions() as session:
        errors = await session.scalars(select(AuditLog).where(AuditLog.outcome == "error"))
        assert not list(errors), text
