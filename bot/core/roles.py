"""Roles a person can hold, with the Chinese names people type and read, and who holds them."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Role(enum.StrEnum):
    """A role held by a bound user. A user may hold several."""

    ADMIN = "admin"
    LEADER = "leader"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    LIAISON = "liaison"
    VIEWER = "viewer"
    # 公车调派: dispatches the office's vehicles (handlers/vehicles); no other feature admits it
    DISPATCHER = "dispatcher"

    @property
    def label(self) -> str:
        """The Chinese name shown to people."""
        return _LABELS[self][0]

    @classmethod
    def parse(cls, value: str) -> Role:
        """Accept the English value or any Chinese name (管理员, 带班领导 …)."""
        key = value.strip().lower()
        for role, names in _LABELS.items():
            if key == role.value or key in names:
                return role
        choices = "、".join(f"{r.value}（{r.label}）" for r in cls)
        raise ValueError(f"未知角色「{value}」，可选：{choices}")


_LABELS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("管理员",),
    Role.LEADER: ("领导", "带班领导"),
    Role.OFFICER: ("值班员",),
    Role.SUPERVISOR: ("督查员",),
    Role.LIAISON: ("部门联络员", "联络员"),
    Role.VIEWER: ("查看者", "只读"),
    Role.DISPATCHER: ("车辆调度", "调度员"),
}

#: Every bound user, whatever their roles.
ANY_BOUND: frozenset[Role] = frozenset(Role)
#: Also open to people who have not bound an account yet (help, bind).
PUBLIC: frozenset[Role] = frozenset()


def labels(roles: Iterable[Role]) -> str:
    """Join Chinese role names for display, in the enum's order."""
    held = set(roles)
    return "、".join(r.label for r in Role if r in held) or "未绑定"


@dataclass(frozen=True, slots=True)
class UserInfo:
    """Who is speaking, as handlers see it."""

    id: int
    name: str
    org: str
    roles: frozenset[Role]
    phone: str | None = None

    @property
    def display(self) -> str:
        """``张三（应急管理局）``."""
        return f"{self.name}（{self.org}）"
