"""The daily 审计校验码: one line appended outside the database, the same code to every admin."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store import audit_anchor
from bot.store.audit import AuditHead, AuditLog
from bot.store.audit_verify import verify
from tests.support import RecordingAdapter


async def test_the_code_goes_to_the_file_and_to_the_admins(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    path = app.config.audit.anchor_path()
    clock.set(datetime(2026, 11, 27, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert await app.ticker.run_cron("audit-anchor")
    await app.sender.drain()
    anchors, bad = audit_anchor.read(path)
    assert len(anchors) == 1 and bad == []
    code = anchors[0].code
    sent = [(address, reply.text) for address, reply in console.sent if code in reply.text]
    assert [address for address, _ in sent] == ["刘洋"], console.sent
    text = sent[0][1]
    assert "审计校验码" in text and "2026-11-27" in text and "dutybot audit verify" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    async with app.sessions() as session:
        head = await session.get(AuditHead, 1)
        ran = await session.scalar(
            select(AuditLog.detail).where(AuditLog.command == "audit-anchor")
        )
        result = await verify(session, anchors, app.clock.now())
    assert head is not None and head.keep_months == app.config.audit.retention_months
    assert ran is not None and ran["code"] == code
    assert result.ok and result.anchors == 1, result.problems
