"""The auditor's checks of the running instances: a heartbeat that stopped, a sender that is
silent while its instance beats, Telegram polling that no instance keeps up. Each problem is
told once: its key names the instance (ids are new at every start) or the moment it was last
heard of, so a later stall of the same part is a new problem."""

from __future__ import annotations

from datetime import timedelta

from bot.core.jobs import JobContext
from bot.core.messages import Reply
from bot.store import liveness
from handlers import notify
from handlers.admin import cards

KIND = "auditor"  # its own alerts are not audited again (a silent sender would loop)


async def check(ctx: JobContext, admins: list[int]) -> None:
    """Tell ``admins`` about instances that stopped, silent senders and silent polling."""
    cfg = ctx.config
    live = timedelta(seconds=cfg.instances.stale_seconds)
    since = ctx.now - timedelta(seconds=cfg.instances.takeover_alert_seconds)
    stopped = await liveness.stale(ctx.session, ctx.now, live)
    stopped += await liveness.taken_over(ctx.session, since)
    for s in stopped:
        await tell(
            ctx, admins, cards.instance_stopped(s, ctx.tz), f"auditor:instance:{s.instance}"
        )
    quiet = cfg.outbox.stalled_after_seconds
    for s in await liveness.silent_senders(ctx.session, ctx.now, live, timedelta(seconds=quiet)):
        seen = s.since.isoformat() if s.since is not None else "never"
        text = cards.sender_silent(s, int(quiet // 60), ctx.tz)
        await tell(ctx, admins, text, f"auditor:sender:{s.instance}:{seen}")
    telegram = cfg.platforms.telegram
    if not (telegram.enabled and telegram.mode == "polling"):
        return
    polled, started = await liveness.polling(ctx.session, ctx.now, live)
    last = polled or started
    if last is not None and last < ctx.now - timedelta(seconds=telegram.poll_silent_seconds):
        text = cards.poller_silent(last, int(telegram.poll_silent_seconds // 60), ctx.tz)
        await tell(ctx, admins, text, f"auditor:poller:{last.isoformat()}")


async def tell(ctx: JobContext, admins: list[int], text: str, key: str) -> None:
    """Queue one of the auditor's alerts for ``admins`` (``key``: once per problem)."""
    await notify.tell(ctx, admins, Reply(text), key=key, kind=KIND, fallback=[])
