"""SQLAlchemy 2 models and the domain rules bound to them. Importing this registers every table."""

from models import (
    audit,
    binding,
    due,
    groups,
    inbox,
    meetings,
    outbox,
    petitions,
    proposals,
    supervision,
    users,
)
from models.base import Base

__all__ = [
    "Base",
    "audit",
    "binding",
    "due",
    "groups",
    "inbox",
    "meetings",
    "outbox",
    "petitions",
    "proposals",
    "supervision",
    "users",
]
