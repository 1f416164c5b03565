"""What a claimed row goes out as: screened for 密级 markings, its file's bytes loaded, the
message it edits looked up, and a reminder sent again after its sender died marked 补发."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import redaction
from bot.core.clock import Clock
from bot.core.messages import Reply
from bot.core.ports import Directory
from bot.delivery.results import redacted
from bot.store import outbox, outbox_files, outbox_results

# A row sent again after its instance died may have arrived once already (a crash between the
# send and its record): for reminders the text says so, as the ticker's late ones do.
RESENT_MARK = "（补发）"
MARKED_KINDS = frozenset({"reminder"})


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A row ready to send."""

    row: outbox.Claimed
    reply: Reply
    edit_of: str | None = None  # the platform id of the message this one edits
    alerted: bool = False  # the admins were told something (new rows were queued)


def marked_resent(row: outbox.Claimed, reply: Reply) -> Reply:
    """``reply``, saying 补发 when ``row`` is a reminder sent again (once, never twice)."""
    if not row.resent or row.kind not in MARKED_KINDS or "补发" in reply.text:
        return reply
    head, colon, rest = reply.text.partition("：")
    text = f"{head}{RESENT_MARK}{colon}{rest}" if colon else f"{RESENT_MARK}{reply.text}"
    return replace(reply, text=text)


async def outgoing(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    row: outbox.Claimed,
    platforms: set[str],
    directory: Directory,
    files: outbox_files.FileLimits,
) -> Outgoing:
    """Prepare ``row``: its screened text, its file, the message it edits.

    Args:
        sessions: Where the row and its file live.
        clock: The sender's clock.
        row: The claimed row.
        platforms: Platforms the administrators can be told on (a redaction).
        directory: Who the administrators are.
        files: Size limits of attachments.
    """
    payload, _ = redaction.screen(row.payload)
    alerted = False
    if redaction.FLAG in payload:  # it carries (or carried) a 密级 marking
        async with sessions.begin() as session:
            row = await redacted(session, clock.now(), row, payload, platforms, directory)
        alerted = True  # the admins are told: their rows are new
    reply = marked_resent(row, Reply.from_payload(row.payload))
    edit_of = None
    if reply.attachment is not None:  # a file goes as a new message, with its bytes
        async with sessions() as session:
            with_data = await outbox_files.with_data(session, row.id, row.payload, files)
        reply = marked_resent(row, with_data)
    elif reply.edit_key:
        async with sessions() as session:
            edit_of = await outbox_results.edited_message(session, row.target, reply.edit_key)
    return Outgoing(row, reply, edit_of, alerted)
