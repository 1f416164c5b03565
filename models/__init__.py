"""SQLAlchemy 2 models and the domain rules bound to them. Importing this registers every table."""

from models import audit, binding, button_actions, due, groups, inbox, outbox, users
from models.base import Base

__all__ = [
    "Base",
    "audit",
    "binding",
    "button_actions",
    "due",
    "groups",
    "inbox",
    "outbox",
    "users",
]
