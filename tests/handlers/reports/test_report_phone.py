"""The monthly 督查通报 counts what the escalation ladders cost: SMS and calls the providers
accepted in the period, county and per unit, in chat and in the workbook's 短信语音 sheet."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.store.outbox import OutboxMessage
from models.directory.phone_contacts import PhoneContact
from models.directory.units import OrgUnit
from models.directory.users import find_user
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter

# (person, channel, when sent (Beijing), final status): November counts, December does not,
# nor does a refused SMS.
CONTACTS = (
    ("孙伟", "sms", "2026-11-03T03:00:00+08:00", "sent"),
    ("孙伟", "voice", "2026-11-03T03:10:00+08:00", "sent"),
    ("周敏", "sms", "2026-11-30T23:59:00+08:00", "sent"),
    ("周敏", "sms", "2026-11-12T02:00:00+08:00", "failed"),
    ("孙伟", "sms", "2026-12-01T00:00:00+08:00", "sent"),
)


async def _contacts(app: App) -> dict[str, str]:
    units: dict[str, str] = {}
    async with app.sessions.begin() as session:
        for i, (name, channel, when, status) in enumerate(CONTACTS):
            person = await find_user(session, name)
            sent = datetime.fromisoformat(when)
            key = f"bcx:1:u{person.id}:{i}"
            target = Target(channel, f"u{person.id}")
            await outbox.enqueue(session, sent, target, Reply("{}"), key=key)
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.idempotency_key == key)
                .values(status=status, sent_at=sent)
            )
            session.add(
                PhoneContact(
                    outbox_key=key,
                    channel=channel,
                    user_id=person.id,
                    org_id=person.org_id,
                    step=0,
                    created_at=sent,
                )
            )
            unit = await session.scalar(select(OrgUnit.name).where(OrgUnit.id == person.org_id))
            units[name] = str(unit)
    return units


async def test_the_monthly_report_counts_sms_and_calls_per_unit(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    units = await _contacts(app)
    await at(app, clock, console, 2026, 12, 14, 10, 0)
    text = await say(app, console, "李明", "通报 月")
    assert "短信/语音升级：短信 2 条，语音电话 1 次" in text
    assert f"  {units['孙伟']}：短信 1 条，语音电话 1 次" in text
    assert f"  {units['周敏']}：短信 1 条，语音电话 0 次" in text
    await say(app, console, "陈静", "/report xlsx month")
    table = [r for who, r in console.sent if who == "陈静"][-1].attachment
    assert table is not None and table.data is not None
    sheet = load_workbook(io.BytesIO(table.data))["短信语音"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("单位", "短信", "语音电话")
    assert sorted(rows[1:]) == sorted([(units["孙伟"], 1, 1), (units["周敏"], 1, 0)])
    weekly = await say(app, console, "李明", "通报 周")  # 12-07 … 12-13: none
    assert "短信/语音升级：本期无" in weekly
