"""What handlers and scheduled jobs get: one DB transaction, the clock, config, and a way to queue
messages that commits with their work. Neither ever talks to a platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import Clock, LocalTime
from bot.core.errors import UserError
from bot.core.messages import IncomingMessage, Reply, Target
from bot.core.roles import UserInfo
from bot.store import outbox

if TYPE_CHECKING:
    from bot.core.routing import CommandTable


@dataclass(kw_only=True)
class WorkContext:
    """Shared by handlers and jobs."""

    session: AsyncSession
    clock: Clock
    config: Config
    tz: LocalTime
    now: datetime

    @property
    def today(self) -> date:
        """Local date now."""
        return self.now.astimezone(self.tz.tz).date()

    async def send(
        self,
        target: Target,
        reply: Reply,
        *,
        key: str,
        priority: outbox.Priority = outbox.Priority.ROUTINE,
        kind: str = "notice",
    ) -> bool:
        """Queue a message, committed with this transaction; False if ``key`` was queued."""
        return await outbox.enqueue(
            self.session, self.now, target, reply, key=key, priority=priority, kind=kind
        )


@dataclass(kw_only=True)
class HandlerContext(WorkContext):
    """A handler's view of one incoming message. Handlers return replies to the caller."""

    msg: IncomingMessage
    user: UserInfo | None
    table: CommandTable
    audit_detail: dict[str, Any] = field(default_factory=dict)
    outcome: str = "ok"

    @property
    def me(self) -> UserInfo:
        """The bound caller (guaranteed for any route that declares roles)."""
        if self.user is None:
            raise UserError("请先绑定账号：/bind 绑定码")
        return self.user
