"""Demo 12345 tickets: a month of a county's hotline, dated back from the clock's now, so the
ticket commands have something real to show (overdue ones, a 典型案例, a likely duplicate).

Each ticket goes in as the platform would send it (:func:`models.tickets.ingest.upsert`); the
units' steps since then are replayed at their own past times. Pushes that would have fallen
due before now are not sent: that month happened before the bot was there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.base import load_yaml
from bot.store import due
from models.tickets import records
from models.tickets.ingest import TicketIn, upsert
from models.tickets.plan import replan

CLIENT = "demo"


@dataclass(frozen=True, slots=True)
class Case:
    """One call: ``days`` before now (at ``hour`` local), and how far the unit has got."""

    days: int
    hour: int
    category: str
    unit: str | None
    content: str
    address: str
    caller: str
    phone: str
    done: tuple[str, ...] = ()
    """Steps taken since: 签收, 回复, 满意 / 不满意 (the 回访), 办结."""
    typical: bool = False
    urgency: str = "一般"


DATA = Path(__file__).with_name("demo_tickets.yaml")


def cases() -> list[Case]:
    """The calls of :data:`DATA`, oldest first as listed there."""
    rows = load_yaml(DATA.read_text(encoding="utf-8"))
    return [Case(**{**row, "done": tuple(row.get("done", ()))}) for row in rows]


def _step_times(received: datetime, now: datetime, count: int) -> list[datetime]:
    """Past moments for ``count`` steps: 签收 within hours, the rest spread over the time since."""
    span = now - received
    first = received + min(timedelta(hours=3), span / 4)
    return [first + (now - first) * (i / (count + 1)) for i in range(count)]


async def seed_tickets(session: AsyncSession, now: datetime, config: Config) -> list[str]:
    """Create the demo tickets; returns their numbers in the order of :data:`DATA`."""
    tz = ZoneInfo(config.timezone)
    today = now.astimezone(tz)
    numbers = []
    for seq, case in enumerate(cases(), start=101):
        local = (today - timedelta(days=case.days)).replace(
            hour=case.hour, minute=(seq * 7) % 60, second=0, microsecond=0
        )
        received = min(local, today - timedelta(minutes=30)).astimezone(tz)
        number = f"12345-{received:%Y%m%d}-{seq:06d}"
        item = TicketIn.model_validate(
            {
                "number": number,
                "category": case.category,
                "urgency": case.urgency,
                "caller_name": case.caller,
                "caller_phone": case.phone,
                "content": case.content,
                "address": case.address,
                "received_at": received,
                "dispatched_at": received + timedelta(minutes=20) if case.unit else None,
                "lead_unit": case.unit,
                "typical": case.typical,
            }
        )
        ticket, _ = await upsert(session, now, config, tz, item, client=CLIENT)
        _replay(ticket, case, now)
        await replan(session, now, ticket, config, tz)
        numbers.append(number)
    await session.execute(
        update(due.DueItem)
        .where(
            due.DueItem.kind == "ticket.push",
            due.DueItem.status == due.DueStatus.PENDING.value,
            due.DueItem.due_at < now,
        )
        .values(status=due.DueStatus.CANCELLED.value, last_error="演示数据：早于系统启用")
        .execution_options(synchronize_session=False)
    )
    return numbers


def _replay(ticket: records.Ticket, case: Case, now: datetime) -> None:
    """The unit's steps at their own past times (the history reads as it happened)."""
    start = ticket.dispatched_at or ticket.received_at
    for action, at in zip(case.done, _step_times(start, now, len(case.done)), strict=True):
        if action == "签收":
            records.step(ticket, "签收", at, actor=CLIENT)
            ticket.signed_at = at
        elif action == "回复":
            ticket.reply = "已现场核实并处理，处理结果已告知来电人。"
            records.step(ticket, "回复", at, ticket.reply, actor=CLIENT)
            ticket.replied_at = at
        elif action in ("满意", "不满意"):
            ticket.visit_result, ticket.resolved = action, action == "满意"
            records.step(ticket, "回访", at, f"回访：{action}", actor=CLIENT)
            if action == "不满意":  # as the API does: back to the unit
                records.step(ticket, "重办", at, "回访不满意，重办", actor=CLIENT)
        else:
            records.step(ticket, "办结", at, actor=CLIENT)
            ticket.closed_at = at
    ticket.updated_at = now
