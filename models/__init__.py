"""SQLAlchemy 2 models and the domain rules bound to them. Importing this registers every table."""

from bot.store import (
    audit,
    button_actions,
    dialog,
    due,
    inbox,
    instances,
    numbers,
    outbox,
    outbox_files,
    sightings,
)
from bot.store.base import Base
from bot.web import tables as web
from models.broadcast import ladder as phone_contacts
from models.broadcast import records as broadcast
from models.deadlines import estimates as estimated_deadlines
from models.deadlines import imported as calendar_notices
from models.directory import binding, groups, users
from models.documents import records as documents
from models.duty import bulletin as duty_bulletin
from models.duty import incident as duty_incident
from models.duty import log as duty_log
from models.duty import records as duty
from models.duty import rollcall as duty_rollcall
from models.duty import shift as duty_shift
from models.duty import swap as duty_swap
from models.duty import unitcheck as duty_unitcheck
from models.meetings import records as meetings
from models.petitions import records as petitions
from models.proposals import records as proposals
from models.submissions import records as submissions
from models.supervision import documents as supervision_documents
from models.supervision import files as supervision_files
from models.supervision import records as supervision
from models.tickets import records as tickets
from models.vehicles import records as vehicles

__all__ = [
    "Base",
    "audit",
    "binding",
    "broadcast",
    "button_actions",
    "calendar_notices",
    "dialog",
    "documents",
    "due",
    "duty",
    "duty_bulletin",
    "duty_incident",
    "duty_log",
    "duty_rollcall",
    "duty_shift",
    "duty_swap",
    "duty_unitcheck",
    "estimated_deadlines",
    "groups",
    "inbox",
    "instances",
    "meetings",
    "numbers",
    "outbox",
    "outbox_files",
    "petitions",
    "phone_contacts",
    "proposals",
    "sightings",
    "submissions",
    "supervision",
    "supervision_documents",
    "supervision_files",
    "tickets",
    "users",
    "vehicles",
    "web",
]
