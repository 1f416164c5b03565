"""Nightly housekeeping forgets what has served its purpose and keeps everything else."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store import button_actions, inbox, sightings
from bot.store.audit import AuditLog
from bot.store.button_actions import ButtonAction
from bot.store.inbox import InboxMessage
from bot.store.sightings import CallbackSighting
from tests.support import incoming


async def test_old_keys_and_unused_button_tokens_go_audit_stays(
    app: App, clock: FakeClock
) -> None:
    async with app.sessions.begin() as session:
        old_token = await button_actions.token_for(session, "收到 " + "旧" * 40, clock.now())
        await inbox.take(session, incoming("/whoami", message_id="old"), clock.now())
        await sightings.first(session, "wecom", "old-signature", clock.now())
    clock.advance(days=app.config.outbox.button_keep_days + 1)
    async with app.sessions.begin() as session:
        new_token = await button_actions.token_for(session, "收到 " + "新" * 40, clock.now())
        await inbox.take(session, incoming("/whoami", message_id="new"), clock.now())
    clock.set(datetime(2027, 3, 6, 3, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    async with app.sessions.begin() as session:  # seen exactly KEEP ago: still kept
        await sightings.first(session, "wecom", "new-signature", clock.now() - sightings.KEEP)
    audit_before = await _count_audit(app)
    assert await app.ticker.run_cron("housekeeping")
    async with app.sessions() as session:
        tokens = set(await session.scalars(select(ButtonAction.token)))
        keys = set(await session.scalars(select(InboxMessage.message_id)))
        seen = set(await session.scalars(select(CallbackSighting.signature)))
    assert tokens == {new_token} and old_token not in tokens
    assert keys == {"new"} and seen == {"new-signature"}
    assert await _count_audit(app) == audit_before + 1  # its own record; nothing removed


async def _count_audit(app: App) -> int:
    async with app.sessions() as session:
        return len(list(await session.scalars(select(AuditLog.id))))
