"""The audit viewer on the web dashboard (admins): the newest rows with filters, and the keyed
chain's verification against the anchor file on request (as `dutybot audit verify`)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.errors import UserError
from bot.core.privacy import mask_json
from bot.core.roles import Role
from bot.store import audit, audit_anchor, audit_verify
from bot.web.pages import PageContext, Rendered, WebPages

pages = WebPages("admin", Path(__file__).with_name("templates"))
ADMINS = (Role.ADMIN,)
PAGE_ROWS = 50


async def _rows(ctx: PageContext) -> Rendered:
    before_text = ctx.arg("before")
    if before_text and not before_text.isdigit():
        raise UserError("「before」应为记录序号（数字），请从页面底部的「更早」进入。")
    rows = await audit.latest(
        ctx.session,
        PAGE_ROWS,
        before=int(before_text) if before_text else None,
        kind=ctx.arg("kind"),
        actor=ctx.arg("actor"),
        outcome=ctx.arg("outcome"),
    )
    shown = [
        {
            "seq": r.seq,
            "ts": r.ts,
            "kind": r.kind,
            "actor": r.actor,
            "roles": r.roles,
            "platform": r.platform,
            "chat": r.chat,
            "command": r.command,
            "outcome": r.outcome,
            # written masked; masked again for rows from before the masking existed
            "detail": json.dumps(mask_json(r.detail), ensure_ascii=False) if r.detail else "",
            "hash": r.hash[:12],
        }
        for r in rows
    ]
    filters = {k: ctx.arg(k) for k in ("kind", "actor", "outcome")}
    older = shown[-1]["seq"] if len(shown) == PAGE_ROWS else None
    anchors, unreadable = audit_anchor.read(ctx.config.audit.anchor_path())
    latest = max(anchors, key=lambda a: a.at) if anchors else None
    return ctx.render(
        "admin/audit.html",
        rows=shown,
        filters=filters,
        older=older,
        result=None,
        anchors=len(anchors),
        latest=latest,
        unreadable=len(unreadable),
    )


@pages.page("/web/audit", "审计日志", roles=ADMINS, personal=True)
async def audit_page(ctx: PageContext) -> Rendered:
    """The newest rows (``?kind=web&actor=张三&outcome=rejected&before=120``)."""
    return await _rows(ctx)


@pages.page("/web/audit/verify", "审计日志", roles=ADMINS, method="POST", personal=True)
async def verify_page(ctx: PageContext) -> Rendered:
    """Walk the whole chain against the anchors and show what is missing or edited."""
    anchors, unreadable = audit_anchor.read(ctx.config.audit.anchor_path())
    result = await audit_verify.verify(
        ctx.session, anchors, ctx.now, ctx.config.audit.retention_months
    )
    problems = [text for _, text in result.problems] + unreadable
    ctx.audit_detail["verified"] = not problems
    page = await _rows(ctx)
    page.values["result"] = {
        "ok": not problems,
        "checked": result.checked,
        "legacy": result.legacy,
        "anchors": result.anchors,
        "problems": problems,
        "notes": result.notes,
    }
    return page
