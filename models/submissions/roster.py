"""The holiday duty-roster form (值班表报备): the next statutory holiday, its report deadline, and
rows typed in chat or read from an .xlsx/.csv file, each cell checked before anything is kept.

Columns: 日期, 班次, 带班领导, 值班人员, 值班电话. A bad row names its row and column and nothing
is stored; phones are checked by bot/core/phones.py, every cell by the secrecy guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.rules import TimeRule
from bot.core import phones, spreadsheets
from bot.core.args import parse_date
from bot.core.errors import UserError
from models.deadlines.calendar import ESTIMATED, WorkCalendar
from models.deadlines.compute import shift_workdays
from models.deadlines.settings import CALENDAR
from models.deadlines.statutory import MAKE_UP
from models.directory.users import User
from models.submissions.collect import Taken, open_task, refuse_marked, resolve_units, submit
from models.submissions.records import Kind, Task
from models.submissions.settings import SUBMISSIONS, SubmissionsConfig

COLUMNS = ("日期", "班次", "带班领导", "值班人员", "值班电话")
LOOK_AHEAD_DAYS = 400  # a year and a bit: the next holiday is always within it
_FIELDS = re.compile(r"[\t,，|｜]+|\s+")
_MAX_CELL = 60
_DATE = re.compile(r"^(?:\d{4}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?$")


@dataclass(frozen=True, slots=True)
class Holiday:
    """One holiday break: its name and its first and last day off."""

    name: str
    first: date
    last: date
    estimated: bool

    @property
    def title(self) -> str:
        """``2027年元旦``."""
        return f"{self.first.year}年{self.name}"


def next_holiday(cal: WorkCalendar, after: date) -> Holiday | None:
    """The first statutory holiday break starting after ``after``: the run of days off around a
    named holiday day (weekends and 调休 included), as the calendar knows it."""
    day = after + timedelta(days=1)
    end = after + timedelta(days=LOOK_AHEAD_DAYS)
    while day <= end:
        name = cal.holiday_name(day)
        if name and not cal.is_workday(day):
            first = day
            while not cal.is_workday(first - timedelta(days=1)):
                first -= timedelta(days=1)
            last = day
            while not cal.is_workday(last + timedelta(days=1)):
                last += timedelta(days=1)
            if first > after:
                plain = name.removesuffix(f"（{ESTIMATED}）").removesuffix(MAKE_UP)
                return Holiday(plain, first, last, ESTIMATED in name)
            day = last
        day += timedelta(days=1)
    return None


def report_day(cal: WorkCalendar, holiday: Holiday, rule: TimeRule) -> date:
    """The last day to report: ``rule`` before the holiday's first day (the first day itself
    not counted). A day that is not a working day moves back to the working day before it when
    the rule rolls: going forward would land closer to, or inside, the holiday."""
    if rule.unit == "工作日":
        return shift_workdays(cal, holiday.first, -rule.amount)[0]
    day = holiday.first - timedelta(days=rule.amount)
    while rule.roll_to_workday and not cal.is_workday(day):
        day -= timedelta(days=1)
    return day


def parse_lines(text: str, holiday: tuple[date, date], today: date) -> list[list[str]]:
    """Rows typed in chat, one per line: ``2027-01-01 白班 李明 张三、王五 13800000001``; on
    one line, each date starts a new row.

    Raises:
        UserError: naming every bad line; nothing is returned then.
    """
    rows: list[list[str]] = []
    for line in (line.strip() for line in text.splitlines()):
        for cell in (c for c in _FIELDS.split(line) if c):
            if not rows or _DATE.match(cell):
                rows.append([])
            rows[-1].append(cell)
        if rows and rows[-1]:
            rows.append([])
    return check_rows([r for r in rows if r], holiday, today, first_row=1)


def read_file(
    path: Path, cfg: SubmissionsConfig, holiday: tuple[date, date], today: date
) -> list[list[str]]:
    """Rows of an .xlsx or .csv roster (header 日期、班次、带班领导、值班人员、值班电话).

    Raises:
        UserError: missing, too big, unreadable, wrong encoding, marked, wrong header or a bad
            row.
    """
    if not path.is_file():
        raise UserError(f"找不到文件 {path}")
    return read_data(path.read_bytes(), path.name, cfg, holiday, today)


def read_data(
    data: bytes, name: str, cfg: SubmissionsConfig, holiday: tuple[date, date], today: date
) -> list[list[str]]:
    """Rows of a roster file's bytes (a file sent in chat), checked as :func:`read_file`.

    Raises:
        UserError: as :func:`read_file`.
    """
    if len(data) > cfg.max_file_kb * 1024:
        size = (len(data) + 1023) // 1024
        raise UserError(
            f"{name} 大小 {size} KB，超过 {cfg.max_file_kb} KB 上限，未导入任何内容。"
            "请只保留值班表一张工作表、删去图片后重新导入。"
        )
    rows = spreadsheets.read_data(data, name)
    header = [c.strip() for c in rows[0][: len(COLUMNS)]]
    if header != list(COLUMNS):
        raise UserError(f"{name} 第1行应为表头：{'、'.join(COLUMNS)}，未导入任何内容。")
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if len(body) > cfg.roster.max_rows:
        raise UserError(f"{name} 共 {len(body)} 行，超过 {cfg.roster.max_rows} 行上限。")
    return check_rows(rows[1:], holiday, today, first_row=2)


def check_rows(
    rows: list[list[str]], holiday: tuple[date, date], today: date, *, first_row: int
) -> list[list[str]]:
    """Each row as five checked cells (date ISO, phone plain).

    Raises:
        UserError: listing every bad row by number and column; nothing is kept.
    """
    refuse_marked(*(cell for row in rows for cell in row))
    problems: list[str] = []
    good: list[list[str]] = []
    for number, raw in enumerate(rows, start=first_row):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        line = f"第{number}行："
        if len(cells) != len(COLUMNS):
            problems.append(
                f"{line}应有 {len(COLUMNS)} 项（{'、'.join(COLUMNS)}），实有 {len(cells)} 项"
            )
            continue
        day_text, shift, leader, staff, phone = cells
        try:
            day = parse_date(day_text, today)
        except ValueError:
            problems.append(f"{line}「日期」列「{day_text[:20]}」无法识别，应写作 2027-01-01")
            continue
        if not holiday[0] <= day <= holiday[1]:
            problems.append(
                f"{line}「日期」列 {day.isoformat()} 不在假期内"
                f"（{holiday[0].isoformat()} 至 {holiday[1].isoformat()}）"
            )
            continue
        empty = [COLUMNS[i] for i, c in ((1, shift), (2, leader), (3, staff)) if not c]
        if empty:
            problems.append(f"{line}「{'」「'.join(empty)}」列不能为空")
            continue
        if any(len(c) > _MAX_CELL for c in cells):
            problems.append(f"{line}有单元格超过 {_MAX_CELL} 字")
            continue
        try:
            plain = phones.normalize(phone)
        except ValueError as exc:
            problems.append(f"{line}「值班电话」列{exc}")
            continue
        good.append([day.isoformat(), shift, leader, staff, plain])
    if problems:
        raise UserError("值班表有误，未保存任何内容：\n" + "\n".join(problems[:20]))
    if not good:
        raise UserError(f"没有读到值班安排。每行写：{'、'.join(COLUMNS)}")
    return sorted(good)


async def open_roster(
    session: AsyncSession,
    config: Config,
    tz: ZoneInfo,
    now: datetime,
    *,
    created_by: int | None,
    units: str | None = None,
) -> tuple[Task, Holiday, bool]:
    """The roster task of the next holiday, opened now unless it is already open.

    Returns:
        The task, its holiday, and True when it was opened by this call.

    Raises:
        UserError: no holiday ahead that the calendar knows.
    """
    cal = WorkCalendar(CALENDAR.of(config))
    today = now.astimezone(tz).date()
    holiday = next_holiday(cal, today)
    if holiday is None:
        raise UserError("未来一年内没有查到法定节假日，请检查节假日安排（/rules、导入节假日）。")
    key = f"roster:{holiday.first.isoformat()}"
    found = await session.scalar(select(Task).where(Task.key == key))
    if found is not None:
        return found, holiday, False
    cfg = SUBMISSIONS.of(config)
    orgs = await resolve_units(session, config, units or "、".join(cfg.roster.units))
    due_day = max(report_day(cal, holiday, config.rules["submission.roster_due"]), today)
    span = f"{holiday.first.isoformat()} 至 {holiday.last.isoformat()}"
    task = await open_task(
        session,
        config,
        tz,
        now,
        title=f"{holiday.title}假期值班表报备",
        ask=f"请报送{span}每日值班安排（{'、'.join(COLUMNS)}）",
        due_day=due_day,
        units=orgs,
        created_by=created_by,
        kind=Kind.ROSTER,
        holiday=(holiday.first, holiday.last),
        key=key,
    )
    return task, holiday, True


async def submit_file(
    session: AsyncSession, config: Config, now: datetime, task: Task, person: User, path: Path
) -> Taken:
    """A unit's roster from a file, submitted for ``person``'s unit (the same checks and history
    as rows typed in chat).

    Raises:
        UserError: not a roster task, a unit not asked, or any problem with the file (nothing
            is stored then).
    """
    if task.kind_enum is not Kind.ROSTER or not (task.holiday_first and task.holiday_last):
        raise UserError(f"{task.label} 不是值班表报备，文件只用于值班表。")
    today = now.astimezone(ZoneInfo(config.timezone)).date()
    span = (task.holiday_first, task.holiday_last)
    rows = read_file(path, SUBMISSIONS.of(config), span, today)
    return await submit(session, now, task, person.org, person.id, rows=rows)
