"""Chat use cases, one module per feature. ROUTERS is the one ordered list the bot serves."""

from bot.core.routing import Router
from handlers import (
    bind,
    deadlines,
    groups,
    help,
    instructions,
    meetings,
    outbox,
    petitions,
    petitions_review,
    petitions_view,
    proposals,
    proposals_view,
    remind,
    supervision,
    supervision_flow,
    supervision_view,
)

ROUTERS: tuple[Router, ...] = (
    help.router,
    bind.router,
    groups.router,
    remind.router,
    outbox.router,
    deadlines.router,
    supervision.router,
    supervision_flow.router,
    supervision_view.router,
    proposals.router,
    proposals_view.router,
    petitions.router,
    petitions_review.router,
    petitions_view.router,
    instructions.router,
    meetings.router,
)
