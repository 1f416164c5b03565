"""Who may see which objects: each feature declares once which roles see only their own unit's
items, and every list, search, detail, overdue and statistics path asks the same declaration."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.errors import UserError
from bot.core.roles import Role, UserInfo


class Reach(enum.StrEnum):
    """How far a caller sees into a feature's objects."""

    ALL = "all"  # every unit's
    OWN = "own"  # their own unit's only
    NONE = "none"  # none (not bound, or no role)


class OutOfScope(UserError):
    """The object or list asked for belongs to a unit outside the caller's scope.

    The dispatcher audits it as ``out_of_scope`` (not a plain ``rejected``), so the permission
    matrix test and the audit log can tell a scope refusal from bad input.
    """

    outcome = "out_of_scope"


@dataclass(frozen=True)
class Scope:
    """A feature's object scope.

    Attributes:
        noun: What its objects are called (``工单``); empty for a feature whose objects belong
            to no unit (the duty roster, broadcasts, help): every permitted role sees them all.
        own_unit: Roles that see only their own unit's objects. Someone who also holds a role
            outside this set sees every unit's (a liaison who is also a supervisor).
    """

    noun: str
    own_unit: frozenset[Role] = frozenset()

    @property
    def by_unit(self) -> bool:
        """Do this feature's objects belong to units at all?"""
        return bool(self.noun)

    def reach(self, roles: Iterable[Role] | None) -> Reach:
        """How far someone holding ``roles`` sees."""
        held = frozenset(roles or ())
        if not held:
            return Reach.NONE
        if not self.by_unit or held - self.own_unit:
            return Reach.ALL
        return Reach.OWN

    def units(self, user: UserInfo) -> str | None:
        """The one unit ``user`` may see (their own), or None for every unit."""
        return user.org if self.reach(user.roles) is Reach.OWN else None

    def sees(self, user: UserInfo, owners: Iterable[str]) -> bool:
        """May ``user`` see an object handled by ``owners`` (lead unit first, then co-units)?"""
        return self.reach(user.roles) is Reach.ALL or user.org in set(owners)

    def check(self, user: UserInfo, owners: Sequence[str], label: str) -> None:
        """Refuse, with the reason, an object ``user`` may not see.

        Raises:
            OutOfScope: the object belongs to another unit.
        """
        if self.sees(user, owners):
            return
        if not owners or not owners[0]:
            raise OutOfScope(f"{label}尚未交办给{user.org}，不在您的查看范围内。")
        raise OutOfScope(
            f"{label}属于{owners[0]}，不在您的查看范围（{user.org}）内。"
            f"如需了解，请联系{owners[0]}或督查室。"
        )

    def listing(self, user: UserInfo, asked: str | None) -> str | None:
        """The unit a list should show: what was asked for, or the caller's own unit.

        Returns:
            The unit name to filter by, None for every unit.

        Raises:
            OutOfScope: someone who sees only their own unit asked for another unit's list.
        """
        own = self.units(user)
        if own is None:
            return asked
        if asked and asked.strip() != own:
            raise OutOfScope(
                f"{asked.strip()}的{self.noun}不在您的查看范围（{own}）内，"
                f"您只能查看本单位的{self.noun}。去掉单位名即可查看{own}的{self.noun}。"
            )
        return own


#: Features whose objects belong to no unit: every role a command admits sees everything.
UNSCOPED = Scope("")


def unit_scope(noun: str, own_unit: Iterable[Role] = (Role.LIAISON,)) -> Scope:
    """A feature whose objects are assigned to units; liaisons see their own unit's only."""
    return Scope(noun, frozenset(own_unit))
