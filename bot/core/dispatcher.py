"""The dispatcher: inbox dedupe → who is it → may they → one transaction → handler → audit and
outbox rows committed together → wake the sender. Errors become a polite reply with a reference."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core import answers, dialogs, inbound_files, privacy, secrecy
from bot.core.args import bind_args
from bot.core.chats import ChatMoved, ChatServices
from bot.core.clock import Clock, LocalTime
from bot.core.context import HandlerContext
from bot.core.errors import ReplayedRequest, UserError
from bot.core.messages import ChatKind, IncomingMessage, Reply
from bot.core.metrics import Metrics
from bot.core.phone_inbound import PhoneInbound, PhoneListener
from bot.core.ports import Directory
from bot.core.renders import draw_deferred
from bot.core.roles import UserInfo
from bot.core.routing import CommandTable, Route
from bot.store import inbox, sightings
from bot.store.sql import attach_fast_path

log = logging.getLogger("dutybot.dispatch")


class Dispatcher:
    """Handles incoming messages exactly once each."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        table: CommandTable,
        config: Config,
        clock: Clock,
        directory: Directory,
        notify: Callable[[], None] = lambda: None,
        on_chat_moved: Sequence[ChatMoved] = (),
        metrics: Metrics | None = None,
        on_phone: Sequence[PhoneListener] = (),
    ) -> None:
        self.sessions = sessions
        # SMS replies and key presses: not chat messages (bot/core/phone_inbound.py).
        self.phone = PhoneInbound(sessions, clock, config, on_phone, notify)
        self.metrics = metrics or Metrics()
        self.directory = directory
        self.answers = answers.Answers(sessions, directory, self.metrics)
        self.chats = ChatServices(sessions, clock, on_chat_moved)
        self.table = table
        self.config = config
        self.clock = clock
        self.tz = LocalTime(config.timezone)
        self.notify = notify

    async def persist(self, msg: IncomingMessage, signature: str = "") -> int | None:
        """Store a message before acknowledging it to the platform; None if already handled.

        ``signature`` (a signed callback's sighting key) is recorded in the same transaction, so
        a request that could not be stored may come again, and one that was stored may not. A
        message with a 密级 marking, or longer than ``inbox.max_chars``, is not stored even until
        it is handled: it is refused here and now (and None returned). Control characters are
        dropped first (:mod:`bot.core.inbound`).

        Raises:
            ReplayedRequest: ``signature`` was recorded before; nothing was stored.
        """
        msg, too_long = inbound_files.at_edge(msg, self.config.inbox)
        finding = secrecy.in_message(msg)
        async with self.sessions.begin() as session:
            await attach_fast_path(session)
            now = self.clock.now()
            if signature and not await sightings.first(session, msg.platform, signature, now):
                raise ReplayedRequest(signature)
            if finding is None and too_long is None:
                return await inbox.accept(session, msg, now)
            if await inbox.take(session, msg, now):
                if finding is not None:
                    await self._classified(session, msg, now, finding)
                elif too_long is not None:  # the audit keeps its length, never the text
                    outcome, detail, reply = too_long
                    await self.answers.finish(
                        session, msg, now, None, "", outcome, detail, [reply]
                    )
        self.notify()
        return None

    async def receive(self, msg: IncomingMessage) -> None:
        """Store and handle one message (a platform retry of a handled message does nothing)."""
        await self._run(msg)

    async def handle(self, msg: IncomingMessage) -> None:
        """Handle a message already stored by :meth:`persist`."""
        await self._run(msg)

    async def resume(self) -> int:
        """Handle messages stored but never handled (a crash in between). Returns how many."""
        async with self.sessions.begin() as session:
            left = await inbox.pending(session)
        for _, msg in left:
            await self.handle(msg)
        return len(left)

    async def _run(self, msg: IncomingMessage) -> None:
        now, ref = self.clock.now(), secrets.token_hex(4).upper()
        committed = None
        msg, too_long = inbound_files.at_edge(msg, self.config.inbox)
        if too_long is not None:
            await self.answers.record(msg, now, "", *too_long)
            self.notify()
            return
        try:
            async with self.sessions.begin() as session:
                await attach_fast_path(session)
                if not await inbox.take(session, msg, now):
                    return  # handled before (platform retry) or by another worker just now
                await self._process(session, msg, now)
            committed = session
        except answers.Refused as refused:
            # The handler's changes are gone with the rollback; record the refusal on its own.
            await self.answers.record(
                msg, now, refused.command, refused.outcome, refused.detail, Reply(refused.message)
            )
        except Exception:
            log.exception("handling %s:%s failed, ref %s", msg.platform, msg.message_id, ref)
            await self.answers.record(
                msg, now, "", "error", {"ref": ref}, answers.error_reply(ref)
            )
        self.notify()
        # Files the replies carry are drawn now, with no database lock held while drawing.
        if committed is not None and await draw_deferred(self.sessions, committed, self.clock):
            self.notify()

    async def _classified(
        self, session: AsyncSession, msg: IncomingMessage, now: datetime, found: secrecy.Finding
    ) -> None:
        """Refuse a message with a 密级 marking: the audit says which form, never the text."""
        reply = Reply(secrecy.refusal(found, self.config.inbox.classified_channel))
        await self.answers.finish(session, msg, now, None, "", "classified", found.detail, [reply])

    async def _process(self, session: AsyncSession, msg: IncomingMessage, now: datetime) -> None:
        marked = secrecy.in_message(msg)
        if marked is not None:  # the inbox keeps only the key (its text is cleared on taking)
            await self._classified(session, msg, now, marked)
            return
        user = await self.directory.resolve(session, msg.platform, msg.sender_id)
        roles = user.roles if user else None
        found = self.table.match(msg.text)
        # A command (typed 到 for a roll call, 收到 for a broadcast) wins over an open dialog.
        if (
            user is not None
            and (found is None or msg.text.strip() in dialogs.CANCEL_WORDS)
            and dialogs.may_answer(msg)
            and await self._continue_dialog(session, msg, now, user)
        ):
            return
        if found is None:
            if msg.chat_kind is ChatKind.GROUP and not msg.text.startswith("/"):
                return  # ordinary group chatter is not for the bot
            head = msg.text.strip().split(" ")[0][:40]
            reply = (
                self._suggestion(msg.text, roles) if msg.file is None else inbound_files.FILE_ALONE
            )
            await self.answers.finish(session, msg, now, user, head, "unknown", None, [reply])
            return
        route = found.route
        refusal = route.refusal(user, msg.chat_kind)
        if refusal is not None:
            outcome, text = refusal
            await self.answers.finish(
                session, msg, now, user, route.name, outcome, None, [Reply(text)]
            )
            return
        ctx = self._context(session, msg, now, user)
        try:
            kwargs = bind_args(list(route.params), found.rest, ctx.today, route.usage)
            replies = answers.as_replies(await route.func(ctx, **kwargs))
        except UserError as exc:
            detail = self._detail(ctx, route, found.rest)
            raise answers.Refused(route.name, exc.message, detail, exc.outcome) from None
        detail = self._detail(ctx, route, found.rest)
        await self.answers.finish(
            session, msg, now, user, route.name, ctx.outcome, detail, replies
        )

    @staticmethod
    def _detail(ctx: HandlerContext, route: Route, rest: str) -> dict[str, Any]:
        """What the audit keeps: the handler's notes, and the arguments of a bound caller (the
        arguments of public commands such as /bind may be secrets and are not kept)."""
        detail = dict(ctx.audit_detail)
        if ctx.user is not None and route.roles and rest and not route.personal:
            detail["args"] = privacy.mask_text(rest)[:200]  # masked whole, then cut
        return detail

    def _context(
        self, session: AsyncSession, msg: IncomingMessage, now: datetime, user: UserInfo | None
    ) -> HandlerContext:
        return HandlerContext(
            session=session,
            clock=self.clock,
            config=self.config,
            tz=self.tz,
            now=now,
            msg=msg,
            user=user,
            table=self.table,
        )

    async def _continue_dialog(
        self, session: AsyncSession, msg: IncomingMessage, now: datetime, user: UserInfo
    ) -> bool:
        """Hand a non-command message to the sender's open conversation here, if there is one."""
        ctx = self._context(session, msg, now, user)
        row = await dialogs.find(ctx)
        if row is None or row.kind not in self.table.dialogs:
            return False
        try:
            async with session.begin_nested():  # a refused answer keeps the previous state
                replies = answers.as_replies(
                    await dialogs.advance(ctx, row, self.table.dialogs[row.kind])
                )
            outcome = ctx.outcome
        except UserError as exc:
            replies, outcome = [Reply(exc.message)], "rejected"
        command = f"dialog {row.kind}"
        await self.answers.finish(
            session, msg, now, user, command, outcome, ctx.audit_detail, replies
        )
        return True

    def _suggestion(self, text: str, roles: Any) -> Reply:
        return Reply(self.table.suggestion(text, roles))
