"""SQLAlchemy 2 models and the domain rules bound to them. Importing this registers every table."""

from models import (
    audit,
    binding,
    broadcast,
    dialog,
    due,
    duty,
    duty_incident,
    duty_log,
    duty_rollcall,
    duty_shift,
    duty_swap,
    groups,
    inbox,
    meetings,
    outbox,
    petitions,
    proposals,
    supervision,
    tickets,
    users,
)
from models.base import Base

__all__ = [
    "Base",
    "audit",
    "binding",
    "dialog",
    "due",
    "duty",
    "duty_incident",
    "duty_log",
    "duty_rollcall",
    "duty_shift",
    "duty_swap",
    "groups",
    "inbox",
    "meetings",
    "outbox",
    "petitions",
    "proposals",
    "supervision",
    "tickets",
    "users",
]
__all__ = ["Base", "audit", "binding", "broadcast", "due", "groups", "inbox", "outbox", "users"]
