"""Demo data: a realistic county office so a newcomer sees the bot working in a minute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from bot.core.messages import Target
from bot.core.roles import Role
from models.deadlines.settings import CALENDAR
from models.directory import binding, groups
from models.directory.users import User, add_user
from models.duty.settings import DUTY

UNITS = {
    "县政府办公室": "部门",
    "县应急管理局": "部门",
    "县水利局": "部门",
    "县自然资源局": "部门",
    "县林业局": "部门",
    "县公安局": "部门",
    "城关镇": "乡镇",
    "河口乡": "乡镇",
}
PEOPLE: tuple[tuple[str, str, tuple[Role, ...], str], ...] = (
    ("刘洋", "县政府办公室", (Role.ADMIN, Role.VIEWER), "13800000001"),
    ("李明", "县政府办公室", (Role.LEADER,), "13800000002"),
    ("王刚", "县应急管理局", (Role.LEADER,), "13800000003"),
    ("张三", "县政府办公室", (Role.OFFICER,), "13800000004"),
    ("赵丽", "县政府办公室", (Role.OFFICER, Role.DISPATCHER), "13800000005"),
    ("陈静", "县政府办公室", (Role.SUPERVISOR,), "13800000006"),
    ("孙伟", "县水利局", (Role.LIAISON,), "13800000007"),
    ("周敏", "县林业局", (Role.LIAISON,), "13800000008"),
    ("吴磊", "城关镇", (Role.LIAISON,), "13800000009"),
    ("郑华", "县自然资源局", (Role.VIEWER,), "13800000010"),
    ("钱芳", "县应急管理局", (Role.OFFICER,), "13800000011"),
)
UNBOUND = "钱芳"  # left unbound so the demo can show /bind
GROUPS = (
    ("县防汛抗旱指挥部群", ("防汛", "全体")),
    ("森林防火指挥群", ("森林防火",)),
    ("值班室工作群", ("应急值班", "全体")),
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What seeding did."""

    created: bool
    bind_code: str | None = None


async def seed(session: AsyncSession, now: datetime, code_ttl: timedelta) -> DemoResult:
    """Create the demo county unless people already exist."""
    if await session.scalar(select(func.count()).select_from(User)):
        return DemoResult(created=False)
    from models.directory.users import get_or_create_org

    for name, kind in UNITS.items():
        await get_or_create_org(session, name, kind)
    code = None
    for name, org, roles, phone in PEOPLE:
        user = await add_user(session, name=name, org=org, roles=set(roles), now=now, phone=phone)
        if name == UNBOUND:
            code = await binding.issue_code(session, user, now, code_ttl)
        else:
            await binding.bind_account(session, user, "console", name, now)
    for title, channels in GROUPS:
        await groups.register(
            session,
            target=Target("console", f"group:{title}"),
            title=title,
            channels=list(channels),
            now=now,
        )
    return DemoResult(created=True, bind_code=code)


DUTY_OFFICERS = ("张三", "赵丽")
DUTY_LEADERS = ("李明", "王刚")


async def seed_roster(session: AsyncSession, now: datetime, config: Config, days: int = 14) -> int:
    """A fair duty roster from today for ``days`` days (张三/赵丽 on duty, 李明/王刚 leading), so
    that /duty shows something at once; its reminders are due items like any roster's."""
    from models.deadlines.calendar import WorkCalendar
    from models.directory.users import find_user
    from models.duty import roster as duty_roster
    from models.duty import rotation as duty_rotation

    tz = LocalTime(config.timezone)
    officers = [(await find_user(session, n)).id for n in DUTY_OFFICERS]
    leaders = [(await find_user(session, n)).id for n in DUTY_LEADERS]
    today = tz.local(now).date()
    plan = duty_rotation.generate(
        DUTY.of(config),
        WorkCalendar(CALENDAR.of(config)),
        today,
        today + timedelta(days=days - 1),
        officers,
        leaders,
    )
    await duty_roster.apply(session, now, DUTY.of(config), tz, plan.specs)
    return len(plan.specs)
