"""Unit-scope test support: the demo county with one caller per role in 县水利局 and objects of
each unit-scoped feature (工单, 督办, 建议提案, 信访) in 县水利局 and in 城关镇."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from bot.app import App
from bot.core.clock import FakeClock, LocalTime
from bot.core.context import WorkContext
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import add_user
from models.documents import SCOPE as DOCUMENTS
from models.petitions import SCOPE as PETITIONS
from models.proposals import SCOPE as PROPOSALS
from models.submissions import SCOPE as SUBMISSIONS
from models.supervision import SCOPE as SUPERVISION
from models.tickets import SCOPE as TICKETS
from models.tickets.ingest import parse
from models.tickets.intake import take
from models.vehicles import SCOPE as VEHICLES
from tests.conftest import demo_app, make_config
from tests.support import RecordingAdapter, incoming

OWN, OTHER = "县水利局", "城关镇"  # the callers made here all work in OWN
GROUP = "值班室工作群"
STRANGER = "路人甲"  # never bound

Objects = dict[str, str]  # placeholder → value, for one unit


async def _say(bot: App, who: str, text: str) -> None:
    await bot.dispatcher.receive(incoming(text, sender=who))


async def _tickets(bot: App, unit: str) -> Objects:
    word, content = ("水闸", "东风渠水闸漏水") if unit == OWN else ("路灯", "人民路路灯不亮")
    number = f"12345-20261126-{1 if unit == OWN else 2:06d}"
    data = {
        "number": number,
        "category": "投诉",
        "caller_name": "王小明",
        "caller_phone": "13912345678",
        "content": content,
        "address": f"{unit}人民路 18 号",
        "received_at": "2026-11-20T09:00:00",  # overdue by now, so the overdue lists show it
        "lead_unit": unit,
    }
    async with bot.sessions.begin() as session:
        ctx = WorkContext(
            session=session,
            clock=bot.clock,
            config=bot.config,
            tz=LocalTime("Asia/Shanghai"),
            now=bot.clock.now(),
        )
        await take(ctx, parse(data), client="test")
    return {"item": number, "unit": unit, "word": word}


async def _supervision(bot: App, unit: str) -> Objects:
    await _say(bot, "陈静", f"督办 立项 {unit} 10工作日 清理{unit}河道淤积")
    return {"item": "1" if unit == OWN else "2", "unit": unit}


async def _proposals(bot: App, unit: str) -> Objects:
    await _say(bot, "陈静", f"建议提案 交办 人大建议 第{len(unit)}号 {unit} 关于{unit}的建议")
    return {"item": "1" if unit == OWN else "2", "unit": unit}


async def _petitions(bot: App, unit: str) -> Objects:
    item = "1" if unit == OWN else "2"
    await _say(bot, "张三", "信访 登记 来访 申诉求决 王小明 13912345678 要求解决宅基地纠纷")
    await _say(bot, "张三", f"信访 转办 {item} {unit}")
    return {"item": item, "unit": unit}


async def _vehicles(bot: App, unit: str) -> Objects:
    who = "孙伟" if unit == OWN else "吴磊"  # each unit's liaison asks for its own unit
    await _say(bot, who, "用车 申请 明天 09:00-12:00 河口乡 2 防汛检查")
    return {"item": "1" if unit == OWN else "2", "unit": unit}


async def _submissions(bot: App, unit: str) -> Objects:
    await _say(bot, "陈静", f"报送 新建 {unit}专报 单位={unit} 截止=2026-12-10 要求=报送情况")
    return {"item": "1" if unit == OWN else "2", "unit": unit}


async def _documents(bot: App, unit: str) -> Objects:
    item = "1" if unit == OWN else "2"
    await _say(
        bot, "张三", f"收文 登记 通知 〔2026〕{item}号 县应急管理局 关于{unit}的通知 承办={unit}"
    )
    return {"item": item, "unit": unit}


#: How to make one object of each unit-scoped feature, keyed by the scope's noun.
FACTORIES: dict[str, Callable[[App, str], Awaitable[Objects]]] = {
    TICKETS.noun: _tickets,
    SUPERVISION.noun: _supervision,
    PROPOSALS.noun: _proposals,
    PETITIONS.noun: _petitions,
    VEHICLES.noun: _vehicles,
    SUBMISSIONS.noun: _submissions,
    DOCUMENTS.noun: _documents,
}


@dataclass
class County:
    """The running bot and, per feature noun and unit, the placeholders of its objects."""

    bot: App
    console: RecordingAdapter
    objects: dict[str, dict[str, Objects]]


@pytest.fixture
async def county(sqlite_url: str, clock: FakeClock) -> AsyncIterator[County]:
    """The demo county, one caller per role in OWN, and objects of OWN and OTHER, 30 days
    on (all overdue)."""
    console = RecordingAdapter(platform="console", groups={f"group:{GROUP}"})
    async with demo_app(make_config(sqlite_url), clock, {"console": console}) as bot:
        async with bot.sessions.begin() as session:
            for role in Role:
                user = await add_user(
                    session, name=caller(role), org=OWN, roles={role}, now=clock.now()
                )
                await binding.bind_account(session, user, "console", caller(role), clock.now())
        objects = {
            n: {u: await make(bot, u) for u in (OWN, OTHER)} for n, make in FACTORIES.items()
        }
        clock.advance(days=30)  # every deadline passed: the overdue lists show them all
        yield County(bot, console, objects)


def caller(role: Role | None) -> str:
    """The name (and console account) of the caller holding just ``role``; None: unbound."""
    return f"矩阵{role.label}" if role else STRANGER
