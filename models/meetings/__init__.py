"""Domain model and rules of 办会: meetings, notices and 回执, decisions (会后督办)."""

from bot.core.roles import Role
from bot.core.scope import unit_scope

#: Decisions are assigned to units: liaisons see their own unit's (bot/core/scope.py).
SCOPE = unit_scope("会议决定事项")
#: Who organises meetings (新建, 通知, 变更, 取消): the office's 督查员 and 值班员.
ORGANISERS = frozenset({Role.SUPERVISOR, Role.OFFICER})
#: Who may read any meeting's 回执 besides its organisers.
READERS = ORGANISERS | {Role.LEADER, Role.ADMIN}
