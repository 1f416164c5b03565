"""Domain model and rules of 办会: meetings and their decisions (会后督办)."""

from bot.core.scope import unit_scope

#: Decisions are assigned to units: liaisons see their own unit's (bot/core/scope.py).
SCOPE = unit_scope("会议决定事项")
