"""建议提案 reminders: 面商 and 答复 临期 to the lead unit, 超期 to the unit and the office,
and the 跟踪答复 a B answer promised once its date has passed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.deadlines import clocks
from models.deadlines.clocks import Moments
from models.proposals.records import Proposal, Status

KIND = "proposal"
OWED = (Status.HANDLING, Status.REDO)


def wanted(item: Proposal, config: Config, tz: ZoneInfo) -> dict[str, datetime]:
    """Each reminder the item needs now, by step."""
    moments, soon = Moments.of(config, tz), config.rules["proposal.due_soon"]
    steps: dict[str, datetime] = {}
    if item.status == Status.HANDLING and item.contacted_on is None:
        steps["contact"] = moments.soon(item.contact_due, soon)
    if item.status in OWED:
        steps["reply"] = moments.soon(item.current_due, soon)
        steps["overdue"] = moments.over(item.current_due)
    elif item.followup_owed and item.followup_due is not None:
        # A B answer: chased once the promised date has passed, for the 跟踪答复.
        steps["followup"] = moments.over(item.followup_due)
    return steps


async def replan(
    session: AsyncSession, now: datetime, item: Proposal, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Bring the item's reminder rows in line with its state."""
    return await clocks.sync(
        session,
        now,
        prefix=f"proposal:{item.id}:",
        kind=KIND,
        wanted=wanted(item, config, tz),
        payload={"item": item.id},
    )
