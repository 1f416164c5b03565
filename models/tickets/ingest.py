"""Taking tickets in (API, xlsx, csv): one schema, create-or-update by number, duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core import inbound, phones, secrecy
from bot.core.errors import UserError
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.tickets.plan import deadline_of, replan
from models.tickets.records import OPEN, Status, Ticket, find, log
from models.tickets.search import index_tokens, teach
from models.tickets.settings import TICKETS

Outcome = Literal["created", "updated", "unchanged"]
NUMBER = r"^[0-9A-Za-z][0-9A-Za-z\-]{3,39}$"
LABELS = {
    "number": "工单编号",
    "channel": "来源渠道",
    "category": "类别",
    "urgency": "紧急程度",
    "caller_name": "来电人",
    "caller_phone": "联系电话",
    "content": "诉求内容",
    "address": "地址",
    "received_at": "受理时间",
    "dispatched_at": "派单时间",
    "due_at": "办理期限",
    "lead_unit": "承办单位",
    "co_units": "协办单位",
    "typical": "典型案例",
    "lead_org": "承办单位",
}


EARLIEST, LATEST = 2000, 2100  # the years a ticket's times may fall in

CLASSIFIED = "含密级标识，涉密内容不得进入本系统，请通过机要渠道办理"


class TicketIn(BaseModel):
    """A ticket as the 12345 platform sends it (times without a zone are local time)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: Annotated[str, Field(pattern=NUMBER, description="工单编号，如 12345-20231108-000123")]
    channel: Annotated[str, Field(max_length=20)] = "电话"
    category: Literal["咨询", "求助", "投诉", "举报", "建议"]
    urgency: Literal["一般", "紧急"] = "一般"
    caller_name: Annotated[str, Field(max_length=50)] = ""
    caller_phone: Annotated[str, Field(max_length=30)] = ""
    content: Annotated[str, Field(min_length=1, max_length=5000)]
    address: Annotated[str, Field(max_length=200)] = ""
    received_at: datetime
    dispatched_at: datetime | None = None
    due_at: datetime | None = Field(None, description="平台写明的办理期限；缺省按规则表计算")
    lead_unit: str | None = None
    co_units: list[str] = []
    typical: bool = False

    @field_validator("received_at", "dispatched_at", "due_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        # Far outside any ticket's life the deadline arithmetic would leave the calendar.
        if value is not None and not EARLIEST <= value.year <= LATEST:
            raise ValueError(f"时间应在 {EARLIEST}–{LATEST} 年之间")
        return value

    @field_validator(
        "channel", "caller_name", "content", "address", "lead_unit", "co_units", mode="before"
    )
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """NUL and the like dropped, as at the chat edge (PostgreSQL cannot store NUL)."""
        if isinstance(value, list):
            return [inbound.clean(v) if isinstance(v, str) else v for v in value]
        return inbound.clean(value) if isinstance(value, str) else value

    @field_validator(
        "channel", "caller_name", "caller_phone", "content", "address", "lead_unit", "co_units"
    )
    @classmethod
    def _not_classified(cls, value: Any) -> Any:
        found = secrecy.find_in(value)
        if found is not None:
            raise ValueError(f"{CLASSIFIED}（{found[1].reason}）")
        return value

    @field_validator("caller_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return phones.optional(value)


def field_errors(exc: ValidationError) -> list[str]:
    """``content（诉求内容）：不能为空`` for each bad field."""
    lines = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"]) or "(根)"
        label = LABELS.get(str(error["loc"][0]), "") if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{name}（{label}）：{message}" if label else f"{name}：{message}")
    return lines


def parse(data: dict[str, Any]) -> TicketIn:
    """Validate one ticket; UserError naming each bad field."""
    try:
        return TicketIn.model_validate(data)
    except ValidationError as exc:
        raise UserError("；".join(field_errors(exc))) from None


def _aware(when: datetime | None, tz: ZoneInfo) -> datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


async def upsert(
    session: AsyncSession,
    now: datetime,
    config: Config,
    tz: ZoneInfo,
    item: TicketIn,
    *,
    client: str,
) -> tuple[Ticket, Outcome]:
    """Create the ticket, or update it when its number is known.

    Sending the same ticket twice changes nothing the second time (no event, no push).
    """
    teach(TICKETS.of(config).dictionary)
    received = _aware(item.received_at, tz)
    assert received is not None
    dispatched = _aware(item.dispatched_at, tz)
    org = await org_units.find_org(session, item.lead_unit) if item.lead_unit else None
    for name in item.co_units:
        await org_units.find_org(session, name)
    start = dispatched or received
    rule, found = deadline_of(config, tz, start, item.category, item.urgency)
    due = _aware(item.due_at, tz) or found.due_at
    values: dict[str, Any] = {
        "channel": item.channel,
        "category": item.category,
        "urgency": item.urgency,
        "caller_name": item.caller_name,
        "caller_phone": item.caller_phone,
        "content": item.content,
        "address": item.address,
        "tokens": index_tokens(item.number, item.content, item.address),
        "received_at": received,
        "dispatched_at": dispatched or (received if org else None),
        "due_at": due,
        "lead_org": org,
        "co_orgs": list(item.co_units),
        "typical": item.typical,
    }
    ticket = await find(session, item.number)
    outcome: Outcome = "created" if ticket is None else "updated"
    if ticket is None:
        ticket = Ticket(
            number=item.number,
            status=Status.WAITING.value,
            client=client,
            created_at=now,
            updated_at=now,
            **values,
        )
        session.add(ticket)
        # The history tells when the hotline took and dispatched the call, not when it
        # reached the bot (created_at keeps that).
        log(ticket, "受理", received, f"{item.category}：{item.content[:60]}", actor=client)
        if org is not None:
            log(ticket, "派单", dispatched or received, f"承办：{org.name}", actor=client)
        ticket.updated_at = now
    else:
        changed = [k for k, v in values.items() if getattr(ticket, k) != v]
        if not changed:
            return ticket, "unchanged"
        reassigned = "lead_org" in changed and ticket.status == Status.RETURNED
        for key in changed:
            setattr(ticket, key, values[key])
        labels = "、".join(LABELS.get(k, k) for k in changed if k in LABELS)
        if reassigned:
            ticket.status = Status.WAITING.value
            log(ticket, "改派", now, f"改派：{org.name if org else '未派单'}", actor=client)
        log(ticket, "更新", now, f"平台更新：{labels}" if labels else "平台更新", actor=client)
    await session.flush()
    if item.due_at is None and ticket.extended_due_at is None:
        # counted by us over days off that may be estimated (推定): kept for recomputation
        cal = WorkCalendar(CALENDAR.of(config))
        await estimates.note(
            session,
            now,
            cal,
            tz,
            feature="ticket",
            item_id=ticket.id,
            field="due_at",
            start=start,
            rule=rule,
            found=found,
        )
    else:  # the platform's own deadline, or a person's extension: never moved by us
        await estimates.forget(session, "ticket", ticket.id, "due_at")
    await replan(session, now, ticket, config, tz)
    return ticket, outcome


def _words(ticket: Ticket) -> set[str]:
    """Content and address words (the number's parts say nothing about the matter)."""
    number = set(index_tokens(ticket.number).split())
    return {t for t in ticket.tokens.split() if len(t) > 1 and t not in number}


async def duplicates(
    session: AsyncSession, now: datetime, config: Config, ticket: Ticket
) -> list[Ticket]:
    """Open tickets like this one: same category and address (or caller), similar words."""
    tickets = TICKETS.of(config)
    since = now - timedelta(days=tickets.duplicate_days)
    query = select(Ticket).where(
        Ticket.id != ticket.id,
        Ticket.category == ticket.category,
        Ticket.status.in_([s.value for s in OPEN]),
        Ticket.received_at >= since,
    )
    same_place = []
    if ticket.address:
        same_place.append(Ticket.address == ticket.address)
    if ticket.caller_phone:
        same_place.append(Ticket.caller_phone == ticket.caller_phone)
    if not same_place:
        return []
    mine = _words(ticket)
    found = []
    for other in await session.scalars(query.where(or_(*same_place)).order_by(Ticket.id)):
        theirs = _words(other)
        overlap = len(mine & theirs) / max(1, min(len(mine), len(theirs)))
        if overlap >= tickets.duplicate_similarity:
            found.append(other)
    return found
