"""Opening a collection task, taking a unit's submission, and who has or has not sent.

Time limits come from the rule table: ``submission.due_soon`` (催报 ahead of the deadline),
``submission.chase`` (the spacing of overdue 催报, ``submissions.chase_rounds`` of them, then the
organiser is told) and ``submission.roster_due`` (a roster's deadline before its holiday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.rules import TimeRule
from bot.core import secrecy
from bot.core.errors import UserError
from models.deadlines.clocks import Moments, at_hour, sync
from models.deadlines.compute import add_months, end_of_day, shift_workdays
from models.directory.users import OrgUnit
from models.submissions.records import Entry, Kind, Task, TaskUnit, units_of
from models.submissions.settings import SUBMISSIONS

KIND = "submission_chase"
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_ALL = ("全部", "全部单位", "所有单位")
_KINDS = {"乡镇": "乡镇", "全部乡镇": "乡镇", "部门": "部门", "全部部门": "部门"}


async def resolve_units(session: AsyncSession, config: Config, spec: str) -> list[OrgUnit]:
    """Units named in ``spec``: names, a configured group, 全部乡镇 / 全部部门 / 全部.

    Raises:
        UserError: an unknown name (the known ones and groups listed), or none at all.
    """
    groups = SUBMISSIONS.of(config).unit_groups
    known = list(await session.scalars(select(OrgUnit).order_by(OrgUnit.id)))
    by_name = {o.name: o for o in known}
    found: list[OrgUnit] = []
    unknown: list[str] = []
    for word in (w for w in _SEPARATORS.split(spec) if w):
        if word in _ALL:
            found += known
        elif word in _KINDS:
            found += [o for o in known if o.kind == _KINDS[word]]
        elif word in groups:
            unknown += [n for n in groups[word] if n not in by_name]
            found += [by_name[n] for n in groups[word] if n in by_name]
        elif word in by_name:
            found.append(by_name[word])
        else:
            unknown.append(word)
    if unknown:
        named = "、".join(groups) or "（未配置）"
        raise UserError(
            f"找不到单位「{'、'.join(unknown)}」。可写单位名（用、分隔）、全部乡镇、全部部门、"
            f"全部，或分组：{named}。已登记的单位：{'、'.join(by_name)}"
        )
    unique = list({o.id: o for o in found}.values())
    if not unique:
        raise UserError("没有要报送的单位，请写明单位名，例如 单位=县水利局、城关镇")
    return unique


def chase_plan(config: Config, tz: ZoneInfo, now: datetime, task: Task) -> dict[str, datetime]:
    """When 催报 goes out: ``soon`` ahead of the deadline (skipped when already past), ``over1``…
    after it at the ``submission.chase`` spacing, then ``late`` (the organiser is told); and
    ``merged``, the organiser's merged result, with the first of them after the deadline."""
    moments = Moments.of(config, tz)
    wanted: dict[str, datetime] = {}
    soon_rule = config.rules["submission.due_soon"]
    if soon_rule.unit in ("分钟", "小时"):
        soon = task.due_at - _clock_step(soon_rule)
    else:
        soon = moments.soon(task.due_day, soon_rule)
    if now < soon < task.due_at:
        wanted["soon"] = soon
    rule = config.rules["submission.chase"]
    rounds = SUBMISSIONS.of(config).chase_rounds
    for step in range(1, rounds + 2):
        name = f"over{step}" if step <= rounds else "late"
        wanted[name] = _after_due(moments, task, rule, step)
    wanted["merged"] = _after_due(moments, task, rule, 1)  # the organiser's copy, once due
    return wanted


def _clock_step(rule: TimeRule) -> timedelta:
    return timedelta(minutes=rule.amount) if rule.unit == "分钟" else timedelta(hours=rule.amount)


def _after_due(moments: Moments, task: Task, rule: TimeRule, step: int) -> datetime:
    """The ``step``-th spacing after the deadline: on the clock, or at the push hour."""
    if rule.unit in ("分钟", "小时"):
        return task.due_at + _clock_step(rule) * step
    if rule.unit == "工作日":
        day = shift_workdays(moments.cal, task.due_day, rule.amount * step)[0]
    elif rule.unit == "月":
        day = add_months(task.due_day, rule.amount * step)
    else:
        day = task.due_day + timedelta(days=rule.amount * step)
    return at_hour(day, moments.hour, moments.tz)


async def open_task(
    session: AsyncSession,
    config: Config,
    tz: ZoneInfo,
    now: datetime,
    *,
    title: str,
    ask: str,
    due_day: date,
    units: list[OrgUnit],
    created_by: int | None,
    kind: Kind = Kind.INFO,
    holiday: tuple[date, date] | None = None,
    key: str | None = None,
) -> Task:
    """Store the task and its units and plan its 催报.

    Raises:
        UserError: a 密级 marking in the title or the ask, or a deadline already past.
    """
    refuse_marked(title, ask)
    due_at = end_of_day(due_day, tz)
    if due_at <= now:
        raise UserError(f"截止日期 {due_day.isoformat()} 已过，请写今天或以后的日期。")
    task = Task(
        kind=kind.value,
        title=title,
        ask=ask,
        due_day=due_day,
        due_at=due_at,
        created_by=created_by,
        created_at=now,
        holiday_first=holiday[0] if holiday else None,
        holiday_last=holiday[1] if holiday else None,
        key=key,
    )
    session.add(task)
    await session.flush()
    session.add_all(
        TaskUnit(task_id=task.id, org_id=o.id, org_name=o.name, chased=0) for o in units
    )
    await session.flush()
    await replan(session, config, tz, now, task)
    return task


async def replan(
    session: AsyncSession, config: Config, tz: ZoneInfo, now: datetime, task: Task
) -> None:
    """Keep the task's 催报 rows in line with its deadline."""
    await sync(
        session,
        now,
        prefix=f"submission:{task.id}:",
        kind=KIND,
        wanted=chase_plan(config, tz, now, task),
        payload={"task": task.id},
    )


def refuse_marked(*texts: str) -> None:
    """Refuse, storing nothing, text that carries a 密级 marking.

    Raises:
        UserError: with the secrecy guard's own explanation.
    """
    if (found := secrecy.find_any(*texts)) is not None:
        raise UserError(secrecy.refusal(found))


@dataclass(frozen=True, slots=True)
class Taken:
    """What a submission did: the entry, whether it replaced an earlier one, whether late."""

    entry: Entry
    revision: int
    late: bool


async def submit(
    session: AsyncSession,
    now: datetime,
    task: Task,
    org: OrgUnit,
    user_id: int,
    *,
    text: str = "",
    rows: list[list[str]] | None = None,
) -> Taken:
    """Keep one unit's submission; the latest counts and earlier ones stay as history.

    Raises:
        UserError: the unit is not asked, a revision after the deadline, or a 密级 marking
            (nothing is stored then).
    """
    refuse_marked(text, *(cell for row in rows or [] for cell in row))
    unit = await session.scalar(
        select(TaskUnit).where(TaskUnit.task_id == task.id, TaskUnit.org_id == org.id)
    )
    if unit is None:
        raise UserError(f"{task.label} 未要求 {org.name} 报送。")
    late = now > task.due_at
    if late and unit.submitted:
        raise UserError(
            f"{task.label} 已过截止时间，{org.name} 已报送过，不能再修改；如需更正请联系发起人。"
        )
    entry = Entry(
        task_id=task.id, org_id=org.id, user_id=user_id, text=text, rows=rows or [], created_at=now
    )
    session.add(entry)
    revision = 1 if unit.first_at is None else 2
    unit.first_at = unit.first_at or now
    unit.last_at = now
    await session.flush()
    return Taken(entry, revision, late)


@dataclass(frozen=True, slots=True)
class UnitState:
    """One unit's standing on a task."""

    unit: TaskUnit
    entry: Entry | None
    late: bool

    @property
    def missing(self) -> bool:
        """Nothing sent yet."""
        return self.entry is None


async def progress(session: AsyncSession, task: Task, now: datetime) -> list[UnitState]:
    """Every unit of the task, in the order named: its latest entry and whether it is late
    (sent after the deadline, or not sent and the deadline passed)."""
    query = select(Entry).where(Entry.task_id == task.id).order_by(Entry.id)
    last: dict[int, Entry] = {e.org_id: e for e in await session.scalars(query)}
    states = []
    for unit in await units_of(session, task.id):
        first = unit.first_at
        late = (first is None and now > task.due_at) or (first is not None and first > task.due_at)
        states.append(UnitState(unit, last.get(unit.org_id), late))
    return states
