"""信访 reminders, 临期 and 超期: 转送/交办 (15日), 受理 (15日, when the unit's 受理 starts the
办结 clock), 办结 (60日 + extension), 复查/复核."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.deadlines import clocks
from models.deadlines.clocks import Moments
from models.petitions.records import Petition, Status

KIND = "petition"
# Which date each state's clock runs against, and the step name of its reminders.
CLOCKS = {
    Status.REGISTERED: "forward",
    Status.HANDLING: "conclude",
    Status.REVIEW: "stage",
    Status.RECHECK: "stage",
}


def running(item: Petition) -> tuple[str, date] | None:
    """The clock now running (step name, last day), if any."""
    step = CLOCKS.get(Status(item.status))
    if step == "conclude" and item.conclude_due is None:
        step = "accept"  # forwarded, the unit has not recorded its 受理 yet
    day = {
        "forward": item.forward_due,
        "conclude": item.conclude_due,
        "stage": item.stage_due,
        "accept": item.stage_due,
    }.get(step or "")
    return (step, day) if step and day else None


def wanted(item: Petition, config: Config, tz: ZoneInfo) -> dict[str, datetime]:
    """The 临期 and 超期 reminders of the running clock."""
    found = running(item)
    if found is None:
        return {}
    step, day = found
    moments = Moments.of(config, tz)
    return {
        step: moments.soon(day, config.rules["petition.due_soon"]),
        f"{step}_over": moments.over(day),
    }


async def replan(
    session: AsyncSession, now: datetime, item: Petition, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Bring the item's reminder rows in line with its state."""
    return await clocks.sync(
        session,
        now,
        prefix=f"petition:{item.id}:",
        kind=KIND,
        wanted=wanted(item, config, tz),
        payload={"item": item.id},
    )
