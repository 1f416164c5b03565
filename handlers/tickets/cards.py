"""12345 工单 in words: the notices and buttons people get about a ticket (chat and jobs)."""

from __future__ import annotations

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from models.tickets.intake import Taken
from models.tickets.plan import due_text
from models.tickets.records import Ticket


def sign_button(ticket: Ticket) -> Button:
    """签收 the ticket."""
    return Button("签收", f"/ticket_sign {ticket.number}")


def details_button(ticket: Ticket) -> Button:
    """The ticket's card."""
    return Button("详情", f"/ticket {ticket.number}")


def new_ticket(ticket: Ticket, tz: LocalTime, note: str | None = None) -> Reply:
    """The 派单 notice to the lead unit's liaisons, with a 签收 button (and the 推定 ``note``)."""
    return Reply(
        f"📥 新派 12345 {ticket.label}（{ticket.unit}）\n"
        f"诉求：{ticket.shown(ticket.content)[:80]}\n"
        f"期限：{due_text(tz, ticket.deadline)} 前\n{note + chr(10) if note else ''}"
        f"请签收：/ticket_sign {ticket.number}",
        buttons=((sign_button(ticket),),),
    )


def possible_duplicates(taken: Taken) -> Reply:
    """The hint to the 12345 desk that a new ticket may repeat open ones (并单 is their call)."""
    ticket = taken.ticket
    lines = [f"🔁 {ticket.label} 可能与在办工单重复："]
    lines += [f"· {d.number}（{d.unit}）{d.shown(d.content)[:30]}" for d in taken.similar]
    lines.append(f"确认后并单：/ticket_merge {ticket.number} {taken.similar[0].number}")
    return Reply("\n".join(lines))


def sent_back(ticket: Ticket) -> Reply:
    """The 重办 notice after a 回访 found the caller 不满意."""
    return Reply(
        f"↩️ {ticket.label} 回访不满意，请重新办理并回复：/ticket_reply {ticket.number} 结果"
    )
