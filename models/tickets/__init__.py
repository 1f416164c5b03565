"""Domain model and rules of 12345 hotline tickets.

Intake, flow, search, KPIs, supervision of overdue tickets.
"""

from bot.core.scope import unit_scope

#: Who sees which of them: liaisons their own unit's, every other role all (bot/core/scope.py).
SCOPE = unit_scope("工单")
