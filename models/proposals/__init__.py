"""Domain model and rules of 建议提案.

NPC suggestions and CPPCC proposals, replies, ratings and KPIs.
"""

from bot.core.scope import unit_scope

#: Who sees which of them: liaisons their own unit's, every other role all (bot/core/scope.py).
SCOPE = unit_scope("建议提案")
