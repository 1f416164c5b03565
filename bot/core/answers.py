"""How the dispatcher answers: reply rows and one audit row per message, committed with the
handler's work — or, when that work was undone (a refusal, an error), in a transaction alone."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import privacy
from bot.core.messages import IncomingMessage, Reply
from bot.core.metrics import Metrics
from bot.core.ports import Directory
from bot.core.roles import UserInfo
from bot.store import audit, inbox, outbox
from bot.store.sql import attach_fast_path

log = logging.getLogger("dutybot.dispatch")


def error_reply(ref: str) -> Reply:
    """The polite answer to a handler that failed, with the reference the log carries."""
    return Reply(
        f"抱歉，处理您的消息时出错了（参考编号 {ref}），我们已记录。"
        "请稍后重试，或把编号告诉管理员。"
    )


def as_replies(result: Any) -> list[Reply]:
    """A handler's return value (None, text, a Reply or a list of them) as replies."""
    if result is None:
        return []
    items = result if isinstance(result, list | tuple) else [result]
    return [item if isinstance(item, Reply) else Reply(str(item)) for item in items]


class Refused(Exception):
    """A handler refused (UserError): undo its changes, then answer and audit on their own."""

    def __init__(
        self, command: str, message: str, detail: dict[str, Any], outcome: str = "rejected"
    ) -> None:
        super().__init__(message)
        self.command, self.message, self.detail = command, message, detail
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class Answers:
    """Writes a message's replies to the outbox and its audit row, counted in the metrics."""

    sessions: async_sessionmaker[AsyncSession]
    directory: Directory
    metrics: Metrics

    async def record(
        self,
        msg: IncomingMessage,
        now: datetime,
        command: str,
        outcome: str,
        detail: dict[str, Any] | None,
        reply: Reply,
    ) -> None:
        """Answer and audit a message whose handling was undone, in a transaction of its own."""
        try:
            async with self.sessions.begin() as session:
                await attach_fast_path(session)
                if not await inbox.take(session, msg, now):
                    return
                user = await self.directory.resolve(session, msg.platform, msg.sender_id)
                await self.finish(session, msg, now, user, command, outcome, detail, [reply])
        except Exception:
            log.exception(
                "could not record the %s outcome of %s:%s", outcome, msg.platform, msg.message_id
            )

    async def finish(
        self,
        session: AsyncSession,
        msg: IncomingMessage,
        now: datetime,
        user: UserInfo | None,
        command: str,
        outcome: str,
        detail: dict[str, Any] | None,
        replies: Sequence[Reply],
    ) -> None:
        """Queue ``replies`` to the message's chat and audit it, in the caller's transaction."""
        self.metrics.command(command, outcome, msg.platform, now)
        for i, reply in enumerate(replies):
            await outbox.enqueue(
                session,
                now,
                msg.chat_target,
                reply,
                key=f"reply:{msg.platform}:{msg.message_id}:{i}",
                priority=outbox.Priority.INTERACTIVE,
                kind="reply",
            )
        await audit.append(
            session,
            now,
            audit.Entry(
                kind="command",
                command=command,
                outcome=outcome,
                actor_user_id=user.id if user else None,
                actor=user.name if user else f"{msg.platform}:{msg.sender_id}",
                roles=",".join(sorted(user.roles)) if user else "",
                platform=msg.platform,
                chat=str(msg.chat_target),
                detail=privacy.mask_json(detail) if detail else None,  # ID numbers, phones
            ),
        )
