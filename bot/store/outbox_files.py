"""Files sent with outbox messages: the bytes beside their row, drawn later when asked, loaded
by the sender, held to the size caps, and deleted once the row is finished and old.

A reply's payload says which file it carries (name, MIME type, size); the bytes live here, one
row per outbox message, so a queued chart survives a restart exactly like its caption. A file
given as a ``render`` function is drawn after the transaction that queued it has committed
(:func:`bot.core.renders.draw_deferred`); until then its message is held back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.messages import Attachment, Reply
from bot.store.base import Base
from bot.store.outbox import OutboxMessage, OutboxStatus

MB = 1024 * 1024
RENDER_WAIT = timedelta(minutes=5)
"""A message whose file is still to be drawn is held this long at most: if the process stops
before drawing it, the text goes out then with a note instead of waiting forever."""
FINISHED = [s.value for s in OutboxStatus if s not in (OutboxStatus.PENDING, OutboxStatus.SENDING)]
_DEFERRED = "dutybot.deferred_files"  # session.info key: files to draw after the commit


class OutboxFile(Base):
    """The bytes of one outbox message's attachment."""

    __tablename__ = "outbox_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox.id", ondelete="CASCADE"), unique=True
    )
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class FileLimits:
    """The largest picture and file the bot sends (``outbox.max_image_mb``, ``max_file_mb``)."""

    image_mb: float
    file_mb: float

    def refusal(self, attachment: Attachment, size: int) -> str | None:
        """Why ``attachment`` of ``size`` bytes is not sent, in Chinese with the fix; or None."""
        photo = attachment.is_photo
        cap = self.image_mb if photo else self.file_mb
        if size <= cap * MB:
            return None
        kind, key = ("图片", "max_image_mb") if photo else ("文件", "max_file_mb")
        return (
            f"（附件「{attachment.name}」有 {size / MB:.1f} MB，超过{kind}上限 {cap:g} MB，"
            f"未发送。请缩小范围后重试，或请管理员调整配置 outbox.{key}。）"
        )


async def keep(session: AsyncSession, now: datetime, outbox_id: int, file: Attachment) -> None:
    """Store the bytes of a just-queued message's file, or hold the message back until its file
    is drawn (it is released when drawn, whatever ``not_before`` it was queued with)."""
    if file.render is None:
        await _store(session, now, outbox_id, file.data)
        return
    session.info.setdefault(_DEFERRED, []).append((outbox_id, file))
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(next_attempt_at=now + RENDER_WAIT)
        .execution_options(synchronize_session=False)
    )


async def _store(session: AsyncSession, now: datetime, outbox_id: int, data: bytes) -> None:
    await session.execute(
        insert(OutboxFile).values(outbox_id=outbox_id, size=len(data), data=data, created_at=now)
    )


def take_deferred(session: AsyncSession) -> list[tuple[int, Attachment]]:
    """The files queued in ``session``'s (committed) transaction that are still to be drawn."""
    found: list[tuple[int, Attachment]] = session.info.pop(_DEFERRED, [])
    return found


async def drawn(
    session: AsyncSession, now: datetime, outbox_id: int, data: bytes | None, error: str
) -> bool:
    """Store a drawn file (or, without ``data``, why it could not be drawn) and release its
    message to the sender now. False when the message went out meanwhile without it."""
    payload: dict[str, Any] | None = await session.scalar(
        select(OutboxMessage.payload).where(
            OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.PENDING.value
        )
    )
    if payload is None:
        return False
    file = dict(payload["attachment"])
    file.pop("pending", None)
    if data is None:
        file["error"] = error
    else:
        file["size"] = len(data)
        await _store(session, now, outbox_id, data)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(payload={**payload, "attachment": file}, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


async def with_data(
    session: AsyncSession, outbox_id: int, payload: dict[str, Any], limits: FileLimits
) -> Reply:
    """The reply of an outbox row with its file's bytes loaded; when the file cannot go (never
    drawn, purged, over the cap) the text goes alone with a note saying why and what to do."""
    reply = Reply.from_payload(payload)
    file, meta = reply.attachment, payload.get("attachment") or {}
    if file is None:
        return reply
    data = await session.scalar(select(OutboxFile.data).where(OutboxFile.outbox_id == outbox_id))
    if data is not None:
        note = limits.refusal(file, len(data))
        if note is None:
            return replace(reply, attachment=replace(file, data=data))
    elif meta.get("error"):
        note = f"（{meta['error']}）"
    elif meta.get("pending"):
        note = f"（附件「{file.name}」生成中断，未能发送，请重新发送命令获取。）"
    else:
        note = f"（附件「{file.name}」已过保留期或已清理，请重新发送命令获取。）"
    return replace(reply, text=f"{reply.text}\n{note}" if reply.text else note, attachment=None)


async def purge(session: AsyncSession, before: datetime) -> int:
    """Delete the files of finished messages queued before ``before``; returns how many."""
    old = select(OutboxMessage.id).where(
        OutboxMessage.status.in_(FINISHED), OutboxMessage.created_at < before
    )
    result = await session.execute(delete(OutboxFile).where(OutboxFile.outbox_id.in_(old)))
    return int(result.rowcount)  # type: ignore[attr-defined]
