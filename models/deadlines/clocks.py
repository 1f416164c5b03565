"""Keeping an item's reminder rows in line with what it needs now (督办, 建议提案, 信访 alike).

Each reminder is a due-item row keyed ``<prefix><step>``. :func:`sync` moves or adds the wanted
ones and cancels the rest; a step already fired for the same moment is not fired again, so
calling it after any change is always safe. A wanted moment in the past fires at the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.rules import TimeRule
from bot.store import due
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import before, compute
from models.deadlines.settings import CALENDAR, SUPERVISION

_FIRED = (due.DueStatus.DONE.value, due.DueStatus.CLAIMED.value)


def at_hour(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """``day`` at ``hour``:00 local, as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Moments:
    """Push moments around a due date, all at the configured push hour."""

    cal: WorkCalendar
    tz: ZoneInfo
    hour: int

    @classmethod
    def of(cls, config: Config, tz: ZoneInfo) -> Moments:
        """From the configuration."""
        return cls(WorkCalendar(CALENDAR.of(config)), tz, SUPERVISION.of(config).push_hour)

    def on(self, day: date) -> datetime:
        """The due day itself (到期)."""
        return at_hour(day, self.hour, self.tz)

    def soon(self, day: date, rule: TimeRule) -> datetime:
        """``rule`` ahead of the due day (临期)."""
        return at_hour(before(day, rule, self.cal), self.hour, self.tz)

    def over(self, day: date) -> datetime:
        """The day after the due day (超期)."""
        return at_hour(day + timedelta(days=1), self.hour, self.tz)

    def after(self, start: datetime, rule: TimeRule) -> datetime:
        """``rule`` after ``start``: the last day at the push hour, or the exact time for hours."""
        found = compute(start, rule, self.cal, self.tz)
        return found.due_at if found.last_day is None else self.on(found.last_day)


async def sync(
    session: AsyncSession,
    now: datetime,
    *,
    prefix: str,
    kind: str,
    wanted: dict[str, datetime],
    payload: dict[str, Any],
) -> dict[str, datetime]:
    """Make the pending rows under ``prefix`` exactly ``wanted``; returns the steps scheduled.

    Args:
        session: The transaction.
        now: Current time.
        prefix: ``task:7:`` — ends with a separator so ``task:7:`` never matches ``task:70:``.
        kind: The due kind whose job sends them.
        wanted: Step name → moment.
        payload: Sent with every step (the step name is added).
    """
    rows = list(
        await session.scalars(
            select(due.DueItem).where(due.DueItem.key.startswith(prefix, autoescape=True))
        )
    )
    fired = {r.key: r.due_at for r in rows if r.status in _FIRED}
    pending: dict[str, datetime] = {}
    for name, moment in wanted.items():
        key = prefix + name
        if fired.get(key) == moment:
            continue  # already sent for this very moment
        await due.schedule(
            session, now, kind=kind, due_at=moment, payload={**payload, "step": name}, key=key
        )
        pending[name] = moment
    for row in rows:
        if row.status == due.DueStatus.PENDING.value and row.key not in {
            prefix + n for n in pending
        }:
            row.status = due.DueStatus.CANCELLED.value
    return pending
