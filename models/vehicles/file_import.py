"""The fleet from a file (.xlsx or .csv, read by bot/core/spreadsheets.py): one row per vehicle
(车牌, 座位, 车型, 状态) and/or driver (驾驶员); every row is checked first, and one bad row
or a file too large imports nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import UserError
from bot.core.spreadsheets import read_rows
from models.vehicles import fleet
from models.vehicles.records import VehicleStatus

HEADERS = {"车牌": "plate", "座位": "seats", "座位数": "seats", "车型": "kind"}
HEADERS |= {"状态": "status", "驾驶员": "driver", "司机": "driver"}
MAX_BYTES = 1_000_000  # a fleet sheet is a few kilobytes; more is the wrong file
MAX_ROWS = 500


@dataclass(frozen=True, slots=True)
class Summary:
    """What an import did."""

    vehicles_new: int
    vehicles_updated: int
    drivers_new: int

    def __str__(self) -> str:
        return (
            f"车辆新增 {self.vehicles_new} 辆、更新 {self.vehicles_updated} 辆，"
            f"驾驶员新增 {self.drivers_new} 名"
        )


Row = tuple[int, str, int, str, VehicleStatus, str]  # line, plate, seats, kind, status, driver


def _columns(header: list[str]) -> dict[str, int]:
    found = {HEADERS[t.strip()]: i for i, t in enumerate(header) if t.strip() in HEADERS}
    if "plate" not in found and "driver" not in found:
        raise UserError("表头应含「车牌、座位、车型、状态」和/或「驾驶员」列（第一行为表头）。")
    if "plate" in found and not {"seats", "kind"} <= found.keys():
        raise UserError("有「车牌」列时还须有「座位」和「车型」列。")
    return found


def parse(rows: list[list[str]]) -> list[Row]:
    """Every data row checked; all problems named by row number.

    Raises:
        UserError: a missing column, too many rows, or any bad cell.
    """
    if len(rows) - 1 > MAX_ROWS:
        raise UserError(
            f"文件有 {len(rows) - 1} 行，超过 {MAX_ROWS} 行上限，请确认文件后分批导入。"
        )
    columns = _columns(rows[0])
    out: list[Row] = []
    problems: list[str] = []
    for line, cells in enumerate(rows[1:], start=2):

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        if not any(c.strip() for c in cells):
            continue
        try:
            plate = cell("plate")
            seats, kind, status = 0, "", VehicleStatus.IN_SERVICE
            if plate:
                seats, kind = fleet.seats_of(cell("seats")), fleet.kind_of(cell("kind"))
                status = fleet.status_of(cell("status"))
            out.append((line, plate, seats, kind, status, cell("driver")))
        except UserError as exc:
            problems.append(f"第{line}行：{exc}")
    if problems:
        raise UserError("未导入任何内容，请改正后重新导入：\n" + "\n".join(problems[:20]))
    return out


def read(path: Path) -> list[Row]:
    """The checked rows of ``path`` (before any transaction: nothing is written yet).

    Raises:
        UserError: the file is too large, unreadable, marked, or has a bad row.
    """
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise UserError(f"{path.name} 超过 {MAX_BYTES // 1000} KB，不像车队表，请确认文件。")
    return parse(read_rows(path))


async def apply(session: AsyncSession, now: datetime, rows: list[Row]) -> Summary:
    """Write the rows in the caller's transaction; a row naming an unknown person fails the
    whole import (the caller's transaction rolls back).

    Raises:
        UserError: a driver who is not in the directory, naming the row.
    """
    new = updated = drivers = 0
    for line, plate, seats, kind, status, driver in rows:
        try:
            if plate:
                _, created = await fleet.put_vehicle(session, now, plate, seats, kind, status)
                new, updated = new + created, updated + (not created)
            if driver:
                drivers += (await fleet.put_driver(session, now, driver))[1]
        except UserError as exc:
            raise UserError(f"未导入任何内容。第{line}行：{exc}") from None
    return Summary(new, updated, drivers)
