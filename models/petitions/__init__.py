"""Domain model and rules of 信访.

Registration, forwarding, replies, reviews, with personal data masked.
"""

from bot.core.scope import unit_scope

#: Who sees which of them: liaisons their own unit's, every other role all (bot/core/scope.py).
SCOPE = unit_scope("信访事项")
