"""Writing the roster: apply a batch of slots (import, generate, swap) and re-plan reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from models.duty import due as duty_due
from models.duty.records import DutySlot, SlotSpec, set_officers, window
from models.duty.settings import DutyConfig


@dataclass
class ApplySummary:
    """What a batch changed, for the person who ran it."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def text(self) -> str:
        """``新增 3 个班次，修改 1 个，未变 10 个`` plus the changed lines."""
        head = (
            f"新增 {len(self.added)} 个班次，修改 {len(self.changed)} 个，"
            f"未变 {self.unchanged} 个。"
        )
        lines = [f"  + {line}" for line in self.added] + [f"  * {line}" for line in self.changed]
        return "\n".join([head, *lines])


def _same(slot: DutySlot, spec: SlotSpec) -> bool:
    return (
        slot.leader_id == spec.leader_id
        and tuple(slot.officer_ids) == spec.officer_ids
        and slot.backup_id == spec.backup_id
        and (slot.phone or None) == (spec.phone or None)
    )


async def apply(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    tz: LocalTime,
    specs: list[SlotSpec],
) -> ApplySummary:
    """Create or update one slot per spec (by date and shift); reminders follow every change."""
    summary = ApplySummary()
    for spec in specs:
        slot = await session.scalar(
            select(DutySlot).where(DutySlot.day == spec.day, DutySlot.shift == spec.shift)
        )
        if slot is not None and _same(slot, spec):
            summary.unchanged += 1
            continue
        start, end = window(cfg, tz, spec.day, spec.shift)
        created = slot is None
        if slot is None:
            slot = DutySlot(day=spec.day, shift=spec.shift, start_at=start, end_at=end)
            session.add(slot)
        slot.start_at, slot.end_at = start, end
        slot.leader_id, slot.backup_id, slot.phone = spec.leader_id, spec.backup_id, spec.phone
        slot.updated_at = now
        set_officers(slot, list(spec.officer_ids))
        await session.flush()
        await session.refresh(slot)
        await duty_due.replan(session, now, cfg, tz, slot)
        (summary.added if created else summary.changed).append(slot.describe(tz))
    return summary


async def replace_officer(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    tz: LocalTime,
    slot: DutySlot,
    old: int,
    new: int,
) -> None:
    """Put ``new`` in ``old``'s place on ``slot`` (a swap) and re-plan its reminders."""
    set_officers(slot, [new if uid == old else uid for uid in slot.officer_ids])
    slot.updated_at = now
    await session.flush()
    await session.refresh(slot)
    await duty_due.replan(session, now, cfg, tz, slot)
