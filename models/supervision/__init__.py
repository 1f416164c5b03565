"""Domain model and rules of 督查督办.

Items with deadlines, their flow, feedback cadence and cards (黄/橙/红).
"""

from bot.core.scope import unit_scope

#: Who sees which of them: liaisons their own unit's, every other role all (bot/core/scope.py).
SCOPE = unit_scope("督办事项")
