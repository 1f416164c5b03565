"""督办 台账: which items a listing shows — by unit, by status, 超期 or 临期 — for chat's
``/task list`` and the dashboard's ledger alike, so both count the same items."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import before
from models.deadlines.settings import CALENDAR
from models.directory.users import User
from models.supervision.plan import MARKS
from models.supervision.records import OPEN, Status, SupervisionItem

# 待审核 stays on the list until the supervisor decides.
LISTED = (*OPEN, Status.REVIEW)
OVERDUE, DUE_SOON = "overdue", "due-soon"
# A card's colour by its name (黄牌 → yellow), from the steps that set it.
CARD_COLOURS = {
    card: step for step, (card, _) in MARKS.items() if step in ("yellow", "orange", "red")
}


@dataclass(frozen=True, slots=True)
class Filter:
    """What a listing asks for.

    Attributes:
        org_id: Only items this unit leads (None: every unit).
        status: One status, or None for the open ones (:data:`LISTED`).
        due: :data:`OVERDUE`, :data:`DUE_SOON` or "" (any date).
    """

    org_id: int | None = None
    status: Status | None = None
    due: str = ""


def _query(wanted: Filter) -> Select[SupervisionItem]:
    statuses = [wanted.status] if wanted.status else list(LISTED)
    query = select(SupervisionItem).where(SupervisionItem.status.in_([s.value for s in statuses]))
    if wanted.org_id is not None:
        query = query.where(SupervisionItem.lead_org_id == wanted.org_id)
    return query.order_by(SupervisionItem.due_date, SupervisionItem.id)


def overdue(item: SupervisionItem, today: date) -> bool:
    """Past its due date and not closed (what chat marks 已超期)."""
    return item.status != Status.CLOSED and today > item.due_date


async def listing(
    session: AsyncSession, config: Config, today: date, wanted: Filter
) -> list[SupervisionItem]:
    """The items ``wanted`` names, soonest due first.

    超期 is a due date before today; 临期 is due from today on, within the rule
    ``supervision.due_soon`` (working days, the county's calendar) — the 黄牌 moment.
    """
    query = _query(wanted)
    if wanted.due == OVERDUE:
        return list(await session.scalars(query.where(SupervisionItem.due_date < today)))
    if wanted.due == DUE_SOON:
        cal = WorkCalendar(CALENDAR.of(config))
        rule = config.rules["supervision.due_soon"]
        later = await session.scalars(query.where(SupervisionItem.due_date >= today))
        return [i for i in later if before(i.due_date, rule, cal) <= today]
    return list(await session.scalars(query))


@dataclass(frozen=True, slots=True)
class UnitCount:
    """One unit's open items: how many, how many overdue, and their cards."""

    unit: str
    open: int
    overdue: int
    cards: Counter[str]


def by_unit(items: list[SupervisionItem], today: date) -> list[UnitCount]:
    """Per lead unit, most open items first (the ledger's summary line)."""
    units: dict[str, list[SupervisionItem]] = {}
    for item in items:
        units.setdefault(item.lead_org.name, []).append(item)
    counts = [
        UnitCount(
            name,
            len(rows),
            sum(overdue(i, today) for i in rows),
            Counter(i.card for i in rows if i.card),
        )
        for name, rows in units.items()
    ]
    return sorted(counts, key=lambda c: (-c.open, c.unit))


async def actor_names(session: AsyncSession, item: SupervisionItem) -> dict[int, str]:
    """Who took each step of the item's history, by user id (a step without one: 系统)."""
    ids = {e.actor_id for e in item.events if e.actor_id}
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: row.name for row in rows}
