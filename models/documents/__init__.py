"""Domain model and rules of 办文: 收文/发文 registration, 传阅 and 办件 time limits (metadata of
非密 documents only)."""

from bot.core.scope import unit_scope

#: 办件 are handed to units: liaisons see their own unit's (bot/core/scope.py).
SCOPE = unit_scope("公文")
