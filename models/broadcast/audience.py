"""Who a broadcast reaches: a channel's groups and roster, or named groups; fixed at preview.

A channel names people in config (``broadcast.channels.<频道>``): everyone holding one of its
``roles`` and everyone in one of its ``orgs``. Group membership is not known to the bot (the
platforms do not report it reliably), so a group is reached as a group and acknowledged by
whoever bound answers in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.errors import UserError
from models.broadcast.records import Broadcast, BroadcastRecipient, RecipientKind, recipients
from models.broadcast.settings import BROADCAST
from models.directory import binding, groups
from models.directory.users import OrgUnit, User, UserRole

_SEPARATORS = re.compile(r"[,，、;；]")


@dataclass
class Audience:
    """The groups and bound people a broadcast goes to, and the named people it cannot reach."""

    scope: str
    groups: list[groups.ChatGroup] = field(default_factory=list)
    people: list[tuple[User, list[str]]] = field(default_factory=list)
    unbound: list[str] = field(default_factory=list)
    unbound_ids: set[int] = field(default_factory=set)

    @property
    def size(self) -> int:
        """Recipients (groups plus people)."""
        return len(self.groups) + len(self.people)


async def resolve(session: AsyncSession, config: Config, scope: str, sender: int) -> Audience:
    """A channel name (its groups and roster), or group titles separated by 、 or commas.

    The sender is left out of the roster: they know, and an ack from them would prove nothing.

    Raises:
        UserError: unknown channel or group, or nobody to send to.
    """
    if scope in config.channels:
        audience = Audience(scope, await groups.list_groups(session, scope))
        await _add_roster(session, config, audience, sender)
    else:
        audience = Audience(scope, await _named_groups(session, config, scope))
    if not audience.size:
        raise UserError(
            f"频道「{scope}」还没有登记的群，也没有配置人员名单（broadcast.channels）。"
            "请先在群里发送 /group_register 频道，或检查频道名。"
        )
    return audience


async def _named_groups(
    session: AsyncSession, config: Config, scope: str
) -> list[groups.ChatGroup]:
    titles = [t.strip() for t in _SEPARATORS.split(scope) if t.strip()]
    known = {g.title: g for g in await groups.list_groups(session)}
    unknown = [t for t in titles if t not in known]
    if unknown:
        raise UserError(
            f"找不到频道或群「{'、'.join(unknown)}」。频道可选：{'、'.join(config.channels)}；"
            "群名见 /group_list。"
        )
    return [known[t] for t in dict.fromkeys(titles)]


async def _add_roster(
    session: AsyncSession, config: Config, audience: Audience, sender: int
) -> None:
    roster = BROADCAST.of(config).channels.get(audience.scope)
    if roster is None or not (roster.roles or roster.orgs):
        return
    holds_role = select(UserRole.user_id).where(UserRole.role.in_(roster.roles))
    in_org = select(OrgUnit.id).where(OrgUnit.name.in_(roster.orgs))
    named = (
        select(User)
        .where(
            User.active.is_(True),
            User.id != sender,
            or_(User.id.in_(holds_role), User.org_id.in_(in_org)),
        )
        .order_by(User.org_id, User.name)
    )
    people = list(await session.scalars(named))
    accounts: dict[int, list[str]] = {}
    for user_id, platform, address in await binding.private_targets(
        session, [p.id for p in people]
    ):
        accounts.setdefault(user_id, []).append(f"{platform}:{address}")
    for person in people:
        if person.id in accounts:
            audience.people.append((person, accounts[person.id]))
        else:
            audience.unbound.append(person.name)
            audience.unbound_ids.add(person.id)


async def refresh_roster(
    session: AsyncSession, config: Config, broadcast: Broadcast, now: datetime
) -> tuple[list[str], list[str]]:
    """At sending time, bring a channel broadcast's people in line with who holds its roles and
    units now: newcomers are added, people who left (or were revoked) are taken off.

    Returns:
        The names added and the names taken off (empty for a broadcast to named groups).
    """
    if broadcast.scope not in config.channels:
        return [], []
    fresh = Audience(broadcast.scope)
    await _add_roster(session, config, fresh, broadcast.created_by)
    rows = [
        r
        for r in await recipients(session, broadcast.id)
        if r.kind == RecipientKind.PERSON.value and not r.removed
    ]
    have = {r.user_id for r in rows}
    named = {person.id for person, _ in fresh.people} | fresh.unbound_ids
    gone = [r for r in rows if r.user_id not in named]
    for r in gone:
        r.removed_at, r.removed_note = now, "，发送时已不在频道名单"
    added = [(p, t) for p, t in fresh.people if p.id not in have]
    session.add_all(recipient_rows(broadcast.id, Audience(broadcast.scope, people=added)))
    await session.flush()
    return [p.name for p, _ in added], [r.name for r in gone]


async def current_addresses(
    session: AsyncSession, recipients: list[BroadcastRecipient]
) -> dict[int, list[str]]:
    """Where each recipient is reached now, by recipient id: a group's current chat, a person's
    accounts as bound at this moment (none once revoked or unbound).

    A person's new accounts join ``targets`` (the record of every address ever sent to), so
    their delivery and acks count; an account they no longer hold is never sent to again,
    whoever holds it now.
    """
    live = [r for r in recipients if not r.removed]
    people = [r.user_id for r in live if r.kind == RecipientKind.PERSON.value and r.user_id]
    bound: dict[int, list[str]] = {}
    for user_id, platform, address in await binding.private_targets(session, people):
        bound.setdefault(user_id, []).append(f"{platform}:{address}")
    found: dict[int, list[str]] = {}
    for r in live:
        if r.kind == RecipientKind.GROUP.value:
            found[r.id] = r.addresses
            continue
        now = bound.get(r.user_id or 0, [])
        new = [t for t in now if t not in r.targets]
        if new:
            r.targets = [*r.targets, *new]
        found[r.id] = now
    return found


def recipient_rows(broadcast_id: int, audience: Audience) -> list[BroadcastRecipient]:
    """One row per group and per bound person."""
    rows = [
        BroadcastRecipient(
            broadcast_id=broadcast_id,
            kind=RecipientKind.GROUP.value,
            name=g.title,
            org="",
            targets=[str(g.target)],
            renotified=0,
        )
        for g in audience.groups
    ]
    rows += [
        BroadcastRecipient(
            broadcast_id=broadcast_id,
            kind=RecipientKind.PERSON.value,
            user_id=person.id,
            name=person.name,
            org=person.org.name,
            targets=targets,
            renotified=0,
        )
        for person, targets in audience.people
    ]
    return rows
