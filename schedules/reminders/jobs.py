"""Delivers reminder due items (personal reminders now; duty and deadline pushes build on it)."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply, Target
from bot.store.due import ClaimedItem
from models.directory.users import User

jobs = JobRegistry("reminders")


@jobs.due("reminder")
async def send_reminder(ctx: JobContext, item: ClaimedItem) -> None:
    """Queue the reminder text to its chat; say so (补发) when it comes late or again.

    A reminder of someone no longer active is dropped: their chat may be someone else's now.
    """
    owner_id = item.payload.get("user_id")
    owner = await ctx.session.get(User, owner_id) if owner_id is not None else None
    if owner is not None and not owner.active:
        return
    # Late, or taken over from an instance that died (it may have come once already): 补发.
    again = "（补发）" if ctx.late or item.resumed else ""
    text = f"⏰ 提醒{again}：{item.payload['text']}"
    if ctx.late:
        text += f"\n（原定 {ctx.tz.fmt(item.due_at)}，因系统停机延迟送达）"
    await ctx.send(
        Target.parse(item.payload["target"]), Reply(text), key=f"due:{item.id}", kind="reminder"
    )
