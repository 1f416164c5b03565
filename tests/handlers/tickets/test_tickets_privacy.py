"""12345 personal data: the card masks free text for an officer, a group never sees the caller,
and what a unit types into /ticket_reply reaches the audit log masked."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.store.audit import AuditLog
from tests.handlers.tickets.test_tickets import NUMBER, ingest, say
from tests.support import RecordingAdapter, incoming

ID = "410101198001011234"
PHONE = "13600001234"


async def audit_text(app: App) -> str:
    """Every audit row as ``audit export`` writes it (each column, the detail as text)."""
    async with app.sessions() as session:
        rows = list(await session.scalars(select(AuditLog).order_by(AuditLog.seq)))
    columns = ("actor", "roles", "platform", "chat", "command", "outcome", "detail")
    return "\n".join(" ".join(str(getattr(r, c)) for c in columns) for r in rows)


async def test_the_card_masks_the_free_text_for_an_officer(
    app: App, console: RecordingAdapter
) -> None:
    await ingest(app, content=f"我叫钱七，身份证{ID}，电话{PHONE}，路灯不亮")
    card = await say(app, console, "张三", f"/ticket {NUMBER}")
    assert "诉求：我叫钱*，身份证410***********1234，电话136****1234，路灯不亮" in card
    assert "王** 139****5678" in card


async def test_a_group_sees_the_card_masked(app: App, console: RecordingAdapter) -> None:
    await ingest(app, content=f"电话{PHONE}")
    asked = incoming(f"/ticket {NUMBER}", sender="陈静", group=True, chat="g")
    await app.dispatcher.receive(asked)
    await app.sender.drain()
    shown = "\n".join(console.texts("group:g"))
    assert NUMBER in shown and PHONE not in shown and "王小明" not in shown


async def test_a_reply_with_an_id_number_is_audited_masked(
    app: App, console: RecordingAdapter
) -> None:
    await ingest(app)
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    said = f"已联系来电人，身份证{ID}，手机 136-0000-1234，已更换灯泡"
    assert "已回复" in await say(app, console, "吴磊", f"/ticket_reply {NUMBER} {said}")
    logged = await audit_text(app)
    assert "ticket reply" in logged and "410***********1234" in logged  # args kept, masked
    assert ID not in logged and PHONE not in logged.replace("-", "").replace(" ", "")
    notice = console.texts("陈静")[-1]
    assert "已回复" in notice and ID not in notice
