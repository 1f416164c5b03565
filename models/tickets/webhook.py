"""Chat steps on a ticket sent back to the 12345 platform: one JSON document per step, which the
caller queues in the outbox for the ``webhook`` platform (bot/adapters/webhook/adapter.py signs
and posts it). The document is the platform's data, not chat text, so it is written here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.context import WorkContext
from bot.core.messages import Target
from models.tickets.records import Ticket, TicketEvent
from models.tickets.settings import TICKETS

TARGET = Target("webhook", "tickets")
KIND = "ticket.step"
# The steps units and leaders take in chat, and their codes in the document.
ACTIONS = {"签收": "sign", "回复": "reply", "延期": "extend", "退单": "return", "催办": "chase"}


def document(ticket: Ticket, event: TicketEvent, tz: ZoneInfo) -> dict[str, Any]:
    """The JSON the platform receives for one step (format: docs/tickets.md)."""
    return {
        "id": f"dutybot-ticket-event-{event.id}",
        "type": KIND,
        "number": ticket.number,
        "action": ACTIONS[event.action],
        "action_name": event.action,
        "note": event.note,
        "actor": event.actor,
        "unit": ticket.unit,
        "status": ticket.status,
        "at": event.at.astimezone(tz).isoformat(),
        "deadline": ticket.deadline.astimezone(tz).isoformat(),
        "extended": ticket.extended_due_at is not None,
    }


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One step for the platform: the JSON text to post to :data:`TARGET`, and its outbox key."""

    body: str
    key: str


async def latest_step(ctx: WorkContext, ticket: Ticket) -> Outgoing | None:
    """The ticket's latest step as the platform receives it.

    Returns:
        None when no webhook is configured or the step is not one the platform is told of.
    """
    if TICKETS.of(ctx.config).webhook.url is None or not ticket.events:
        return None
    event = ticket.events[-1]
    if event.action not in ACTIONS:
        return None
    await ctx.session.flush()  # the event's id names the document
    body = json.dumps(document(ticket, event, ctx.tz.tz), ensure_ascii=False)
    return Outgoing(body, f"webhook:ticket-event:{event.id}")
