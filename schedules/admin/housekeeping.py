"""Nightly housekeeping: forget old inbox keys and callback sightings, expired bind codes and
web sign-in links, ended web sessions, abandoned conversations, long-unused button tokens, files
and text of finished messages; never audit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.core.jobs import JobContext, JobRegistry
from bot.store import audit, button_actions, dialog, inbox, outbox_admin, outbox_files, sightings
from bot.web import credentials
from models.directory.binding import BindCode

jobs = JobRegistry("housekeeping")


@jobs.cron(
    "housekeeping", "30 3 * * *", help="每天 03:30 清理过期的消息去重记录、绑定码、对话和附件"
)
async def housekeeping(ctx: JobContext) -> None:
    """Purge handled inbox keys past their keep period, callback sightings older than
    ``sightings.KEEP``, expired unused bind codes, expired web sign-in links and ended web
    sessions, expired conversations, the files of finished
    messages older than ``outbox.file_keep_days``, and their text after
    ``outbox.text_keep_days``."""
    purged = await inbox.purge(ctx.session, ctx.now - timedelta(days=ctx.config.inbox.keep_days))
    result = await ctx.session.execute(
        delete(BindCode).where(BindCode.expires_at < ctx.now, BindCode.used_at.is_(None))
    )
    web = await credentials.purge(
        ctx.session, ctx.now, timedelta(minutes=ctx.config.web.idle_minutes)
    )
    dialogs = await dialog.purge_expired(ctx.session, ctx.now)
    buttons = await button_actions.purge(
        ctx.session, ctx.now - timedelta(days=ctx.config.outbox.button_keep_days)
    )
    seen = await sightings.purge(ctx.session, ctx.now - sightings.KEEP)
    files = await outbox_files.purge(
        ctx.session, ctx.now - timedelta(days=ctx.config.outbox.file_keep_days)
    )
    texts = await outbox_admin.purge_text(
        ctx.session, ctx.now - timedelta(days=ctx.config.outbox.text_keep_days)
    )
    await audit.append(
        ctx.session,
        ctx.now,
        audit.Entry(
            kind="system",
            command="housekeeping",
            detail={
                "inbox_keys": purged,
                "bind_codes": int(result.rowcount),  # type: ignore[attr-defined]
                "web_sign_ins": web,
                "dialogs": dialogs,
                "button_tokens": buttons,
                "outbox_files": files,
                "outbox_texts": texts,
                "callback_sightings": seen,
            },
        ),
    )
