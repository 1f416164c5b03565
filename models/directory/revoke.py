"""Revoking a person: deactivate, unbind every chat account, and withdraw what is still queued
to those accounts, so whoever binds one of them next gets nothing meant for the person.

Features settle what else names the person (broadcast receipts, swap requests, reminders)
through the hooks listed in ``handlers/__init__.py:REVOKE_HOOKS``; each gets the
:class:`Revocation` and says what it did in one line per change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.store.dialog import Dialog
from bot.store.outbox import OutboxMessage, OutboxStatus
from models.directory import binding
from models.directory.users import User


@dataclass(frozen=True, slots=True)
class Revocation:
    """One person revoked.

    Attributes:
        person: Now inactive, with no binding left.
        successor: Who takes over what was addressed to them (``--to``), or None.
        accounts: The chat addresses (``platform:id``) the person held until now.
        withdrawn: Queued messages to those addresses that will not be sent.
        now: When.
    """

    person: User
    successor: User | None
    accounts: tuple[str, ...]
    withdrawn: int
    now: datetime


RevokeHook = Callable[[AsyncSession, Config, LocalTime, Revocation], Awaitable[list[str]]]
"""A feature's part of a revocation: settle what names the person; one line per change."""


async def revoke(
    session: AsyncSession, now: datetime, person: User, successor: User | None = None
) -> Revocation:
    """Deactivate ``person``, unbind their accounts and cancel what is queued to them.

    Raises:
        UserError: the successor is the person themselves.
    """
    if successor is not None and successor.id == person.id:
        raise UserError("接替人不能是被停用的本人，请换一位在册人员（--to 姓名）。")
    accounts = tuple(
        f"{b.platform}:{b.external_id}" for b in await binding.accounts_of(session, person.id)
    )
    person.active = False
    await binding.unbind_all(session, person.id)
    # A conversation (/log asking for fields) is keyed by account: the next holder must not
    # find it open and answer it as if it were theirs.
    for account in accounts:
        platform, _, external_id = account.partition(":")
        await session.execute(
            delete(Dialog).where(Dialog.platform == platform, Dialog.sender_id == external_id)
        )
    withdrawn = 0
    if accounts:
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.target.in_(accounts),
                OutboxMessage.status == OutboxStatus.PENDING.value,
            )
            .values(status=OutboxStatus.CANCELLED.value, last_error="收件人已停用")
            .execution_options(synchronize_session=False)
        )
        withdrawn = int(result.rowcount)  # type: ignore[attr-defined]
    await session.flush()
    return Revocation(person, successor, accounts, withdrawn, now)
