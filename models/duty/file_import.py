"""Roster files: read and write xlsx/CSV with columns 日期, 班次, 带班领导, 值班员, 备班,
电话; every bad row is reported in Chinese ("第5行：找不到人员 李四") and then nothing is taken."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import exports, phones
from bot.core.args import parse_date
from bot.core.errors import UserError
from models.directory.users import AmbiguousPerson, User, find_user
from models.duty.records import DutySlot, SlotSpec
from models.duty.settings import DutyConfig

SHEET = "值班表"  # the sheet of an exported roster
COLUMNS = ("日期", "班次", "带班领导", "值班员", "备班", "电话")
_SPLIT = re.compile(r"[、,，;；/\s]+")


def officer_phones(officers: Sequence[User]) -> str:
    """The officers' own phones, as chat shows them: the 电话 of a slot without a duty phone."""
    return "、".join(u.phone for u in officers if u.phone)


async def _person(session: AsyncSession, name: str, problems: list[str], line: str) -> User | None:
    try:
        return await find_user(session, name)
    except AmbiguousPerson as exc:
        problems.append(f"{line}{exc}")
        return None
    except UserError:
        problems.append(f"{line}找不到人员 {name}")
        return None


async def resolve(
    session: AsyncSession, cfg: DutyConfig, rows: Sequence[Sequence[str]], today: date
) -> list[SlotSpec]:
    """Check every row and turn them into slots.

    Raises:
        UserError: listing every bad row; nothing is returned then.
    """
    if not rows or [c.strip() for c in rows[0][: len(COLUMNS)]] != list(COLUMNS):
        raise UserError(f"第1行应为表头：{'、'.join(COLUMNS)}")
    problems: list[str] = []
    specs: list[SlotSpec] = []
    seen: dict[tuple[date, str], int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = [*raw, *[""] * len(COLUMNS)][: len(COLUMNS)]
        if not any(cells):
            continue
        line = f"第{number}行："
        day_text, shift, leader, officers, backup, phone = cells
        try:
            day = parse_date(day_text, today)
        except ValueError:
            problems.append(f"{line}日期「{day_text}」无法识别，应写作 2026-12-01")
            continue
        try:
            cfg.shift(shift)
            phone = phones.optional(phone)
        except ValueError as exc:
            problems.append(f"{line}{exc}")
            continue
        if (day, shift) in seen:
            problems.append(f"{line}与第{seen[day, shift]}行重复（{day} {shift}）")
            continue
        seen[day, shift] = number
        names = [n for n in _SPLIT.split(officers) if n]
        if not names:
            problems.append(f"{line}缺少值班员")
        people = [await _person(session, n, problems, line) for n in names]
        lead = await _person(session, leader, problems, line) if leader else None
        back = await _person(session, backup, problems, line) if backup else None
        found = [u for u in people if u is not None]
        if names and len(found) == len(people):
            # An exported file carries the officers' own phones where the slot has no duty
            # phone; reading it back must not turn them into one.
            duty_phone = None if phone == officer_phones(found) else phone or None
            ids = tuple(u.id for u in found)
            specs.append(
                SlotSpec(
                    day,
                    shift,
                    lead.id if lead else None,
                    ids,
                    back.id if back else None,
                    duty_phone,
                )
            )
    if problems:
        raise UserError("排班表有误，未导入任何内容：\n" + "\n".join(problems))
    return specs


def to_rows(slots: Sequence[DutySlot]) -> list[list[str]]:
    """Slots as file rows, header first (the format :func:`resolve` reads back); 电话 is the
    slot's duty phone, else its officers' own phones."""
    rows = [list(COLUMNS)]
    for slot in slots:
        rows.append(
            [
                slot.day.isoformat(),
                slot.shift,
                slot.leader.name if slot.leader else "",
                "、".join(u.name for u in slot.officers),
                slot.backup.name if slot.backup else "",
                slot.phone or officer_phones(slot.officers),
            ]
        )
    return rows


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Save rows as .csv (UTF-8 with BOM, for Excel) or .xlsx, no cell runnable in Excel."""
    exports.save(path, SHEET, rows)
