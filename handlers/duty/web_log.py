"""The duty log of a day and the incident timeline on the web dashboard; the same readers as
/logs and /incident, the same masking as their private answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.core.args import parse_date
from bot.core.errors import UserError
from bot.core.privacy import mask_text
from bot.web.pages import PageContext, Rendered, WebPages
from handlers.duty.incident import STAFF
from handlers.duty.log import LOG_READERS
from models.duty import incident as incidents
from models.duty import log as duty_log
from models.duty.log import FIELDS

pages = WebPages("duty", Path(__file__).with_name("templates"))


def _day(text: str, today: date) -> date:
    if not text:
        return today
    try:
        return parse_date(text, today)
    except ValueError as exc:
        raise UserError(f"{exc}；例如 ?day=2026-11-26") from None


@pages.page("/web/duty/log", "值班日志", roles=LOG_READERS, personal=True)
async def log_page(ctx: PageContext) -> Rendered:
    """One local day's entries (``?day=2026-11-26``), gaps marked, callers' data by audience."""
    day = _day(ctx.arg("day"), ctx.today)
    whole = ctx.unmasked(LOG_READERS)
    entries = []
    for entry in await duty_log.on_day(ctx.session, ctx.tz, day):
        fields = [(label, getattr(entry, f)) for f, label in FIELDS.items() if getattr(entry, f)]
        names = [entry.caller_name or ""]
        entries.append(
            {
                "id": entry.id,
                "at": entry.recorded_at,
                "kind": entry.kind,
                "summary": entry.summary if whole else mask_text(entry.summary, names),
                "fields": [(k, v if whole else mask_text(str(v), names)) for k, v in fields],
                "category": "/".join(x for x in (entry.category, entry.severity) if x),
                "missing": "、".join(FIELDS[f] for f in entry.missing()),
                "recorder": entry.recorder.name,
            }
        )
    ctx.audit_detail["day"] = day.isoformat()
    return ctx.render("duty/log.html", day=day, entries=entries)


@pages.page("/web/duty/incidents", "突发事件", roles=STAFF, personal=True)
async def incident_page(ctx: PageContext) -> Rendered:
    """The latest incidents, open first, each as a timeline: 接报, reports, 终报/closed."""
    whole = ctx.unmasked(STAFF)
    shown = []
    for item in await incidents.recent(ctx.session):
        steps = [(item.received_at, "接报", "")]
        steps += [
            (r.sent_at, r.title, r.text if whole else mask_text(r.text)) for r in item.reports
        ]
        if item.closed_at is not None:
            steps.append((item.closed_at, "结束", ""))
        shown.append(
            {
                "id": item.id,
                "title": f"{item.category}（{item.level}）",
                "summary": item.summary if whole else mask_text(item.summary),
                "open": item.closed_at is None,
                "steps": sorted(steps, key=lambda s: s[0]),
            }
        )
    return ctx.render("duty/incidents.html", incidents=shown)
