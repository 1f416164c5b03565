"""Domain model and rules of 公车调派: the fleet, its drivers, bookings and their statistics."""

from bot.core.roles import Role
from bot.core.scope import unit_scope

#: A unit's staff see their own unit's requests; dispatchers, leaders and admins see all.
SCOPE = unit_scope("用车申请", (Role.LIAISON, Role.OFFICER, Role.SUPERVISOR, Role.VIEWER))
