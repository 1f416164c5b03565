"""The permission matrix, generated from the command table: every command × every role (and an
unbound stranger) × private/group chat × an object of the caller's own unit / of another unit,
sent through the real dispatcher; the audited outcome must be what the route declares."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from bot.app import App
from bot.core.messages import ChatKind
from bot.core.roles import Role
from bot.core.routing import Route
from bot.core.scope import Reach, Scope
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxMessage
from tests.scope_support import FACTORIES, GROUP, OTHER, OWN, County, Objects, caller
from tests.support import incoming

#: Arguments of a working call of each command. ``{item}`` is one object of the unit under test,
#: ``{unit}`` that unit's name, ``{word}`` a search word found only in that unit's objects.
#: A command missing here fails the matrix: declare its example when adding it.
EXAMPLES: dict[str, str] = {
    "help": "",
    "start": "",
    "bind": "000000",
    "whoami": "",
    "web": "",
    "group register": "全体",
    "group remove": "全体",
    "group list": "",
    "remind": "明天 9:00 交材料",
    "reminders": "",
    "remind cancel": "99",
    "outbox failed": "",
    "outbox retry": "99",
    "duty": "今天",
    "myduty": "",
    "swap": "明天 赵丽",
    "swap accept": "99",
    "swap decline": "99",
    "swap approve": "99",
    "swap reject": "99",
    "checkin": "",
    "handover": "无",
    "takeover": "",
    "log": "来电 群众反映路面积水",
    "logs": "今天",
    "rollcall": "",
    "here": "",
    "rollcall stats": "",
    "unitcheck": "城关镇",
    "unit here": "",
    "unit phone": "城关镇 0571-87654321",
    "unitcheck stats": "",
    "incident new": "一般 自然灾害 河堤渗水",
    "incident report": "99 续报内容",
    "incident followup": "99 续报内容",
    "incident final": "99 终报内容",
    "incident phone": "99",
    "incident list": "",
    "bulletin from": "事件 99",
    "bulletin edit": "99",
    "bulletin submit": "99",
    "bulletin approve": "99 0000000000000000",
    "bulletin return": "99 0000000000000000 内容有误",
    "bulletin list": "",
    "daily": "",
    "plan": "防汛",
    "workday add": "5",
    "deadline": "hotline.sign",
    "rules": "",
    "calendar import": "国务院办公厅关于2099年部分节假日安排的通知 一、元旦：1月1日放假1天。",
    "task new": "{unit} 10工作日 清理河道淤积",
    "task extend": "{item} 2026-12-31 汛期延误",
    "task sign": "{item}",
    "task progress": "{item} 已清理一半",
    "task done": "{item} 已全部清理",
    "task close": "{item} 同意销号",
    "task reject": "{item} 未附照片",
    "task list": "{unit}",
    "task": "{item}",
    "report": "",
    "report docx": "",
    "task notice": "{item}",
    "proposal new": "人大建议 第99号 {unit} 关于加固河堤的建议",
    "proposal met": "{item} 面商",
    "proposal reply": "{item} A",
    "proposal rate": "{item} 满意",
    "proposal followup": "{item} A",
    "proposal list": "{unit}",
    "proposal stats": "",
    "proposal": "{item}",
    "petition new": "来访 申诉求决 王小明 13912345678 要求解决宅基地纠纷",
    "petition forward": "{item} {unit}",
    "petition extend": "{item} 30 情况复杂",
    "petition conclude": "{item} 支持 同意处理",
    "petition accept": "{item}",
    "petition refer": "{item}",
    "petition review": "{item}",
    "petition opinion": "{item} 维持 经复查维持原意见",
    "petition list": "{unit}",
    "petition": "{item}",
    "instruct": "{item} 抓紧办理",
    "meeting new": "常务会 2026-11-26 第5次常务会议",  # registered only: no time, no notice
    "meeting decision": "99 县水利局 抓好河道清淤",
    "meeting supervise": "99",
    "meeting list": "",
    "meeting notify": "99",
    "meeting change": "99 地点=三楼会议室",
    "meeting cancel": "99",
    "meeting rsvp": "99",
    "meeting materials": "99",
    "meetings": "",
    "attend": "ZZZZZZ",
    "leave": "ZZZZZZ 外出调研",
    "doc": "{item}",
    "docs": "",
    "doc register": "通知 〔2026〕99号 县应急管理局 关于防汛的通知",
    "doc out": "函 县政办函〔2026〕99号 县政府办公室 关于商请支持的函",
    "doc circulate": "{item} 李明",
    "doc read": "{item}",
    "doc instruct": "{item} 抓紧办理",
    "doc supervise": "{item}",
    "doc reply": "{item} 已办结",
    "doc archive": "{item}",
    "doc stats": "2026-11",
    "broadcast": "全体 一般 明天有大雨",
    "broadcast send": "99",
    "broadcast approve": "99",
    "broadcast status": "99",
    "broadcast cancel": "99",
    "ack": "",
    "ticket": "{item}",
    "ticket search": "{word}",
    "ticket ask": "{word}的工单",
    "tickets overdue": "{unit}",
    "tickets due soon": "{unit}",
    "ticket sign": "{item}",
    "ticket reply": "{item} 已修复",
    "ticket extend": "{item} 3 需采购配件",
    "ticket return": "{item} 不属于本单位职责",
    "ticket chase": "{item} 请抓紧",
    "ticket merge": "{item} 12345-20261126-000777",
    "ticket typical": "{item}",
    "ticket stats": "",
    "cases": "",
    "car apply": "明天 09:00-12:00 河口乡 3 防汛检查",
    "car assign": "{item}",
    "car decline": "{item} 车辆不足",
    "car cancel": "{item}",
    "car view": "{item}",
    "car return": "{item} 35",
    "cars": "",
    "car fleet": "",
    "car add": "赣A12345 5 轿车",
    "car status": "赣A12345 维修",
    "car driver add": "孙伟",
    "car driver remove": "孙伟",
    "car stats": "",
    "submission new": "测试报送 单位=县水利局 截止=2027-01-31 要求=报送情况",
    "roster report": "城关镇",
    "submission": "",
    "submit": "{item} 本单位情况",
    "submission progress": "{item}",
    "submission view": "{item} {unit}",
    "submission merge": "{item}",
    "submission chase": "{item}",
}


def expected(route: Route, role: Role | None, chat: ChatKind, unit: str | None) -> str:
    """What the declaration says should happen, worked out without the route's own checks."""
    if route.roles and role is None:
        return "unbound"
    if route.roles and role not in route.roles:
        return "forbidden"
    if route.group_only and chat is ChatKind.PRIVATE:
        return "wrong_chat"
    scope = route.scope
    assert scope is not None
    if unit == OTHER and scope.reach({role} if role else None) is Reach.OWN:
        return "out_of_scope"
    return "allowed"


async def _outcome(bot: App, message_id: str) -> tuple[str, str]:
    async with bot.sessions() as session:
        outcome = await session.scalar(
            select(AuditLog.outcome)
            .where(AuditLog.kind == "command")
            .order_by(AuditLog.id.desc())
            .limit(1)
        )
        reply = await session.scalar(
            select(OutboxMessage.payload).where(
                OutboxMessage.idempotency_key == f"reply:console:{message_id}:0"
            )
        )
    return outcome or "", (reply or {}).get("text", "")


def _arguments(route: Route, objects: Objects | None) -> str:
    example = EXAMPLES[route.name]
    return example.format(**objects) if objects else example


def _units(route: Route) -> tuple[str | None, ...]:
    """Own and other unit for a command naming a unit's object; once for any other."""
    return (OWN, OTHER) if "{" in EXAMPLES.get(route.name, "") else (None,)


async def test_every_command_is_declared(county: County) -> None:
    table = county.bot.dispatcher.table
    names = {r.name for r in table.routes}
    assert sorted(names - EXAMPLES.keys()) == [], "commands without an example in EXAMPLES"
    assert sorted(EXAMPLES.keys() - names) == [], "examples of commands that do not exist"
    for route in table.routes:
        assert isinstance(route.scope, Scope), route.name
        if "{" in EXAMPLES[route.name]:
            assert route.scope.noun in FACTORIES, f"{route.name}: no objects of its feature"
        # the matrix sends the slash name; every Chinese form is the same route, so the same
        # declaration answers it
        arguments = _arguments(route, county.objects.get(route.scope.noun, {}).get(OWN))
        for alias in route.aliases:
            # bare English words are chat, not commands: /meeting 回执 needs its slash too
            slash = "/" if alias.split()[0].isascii() else ""
            found = table.match(f"{slash}{alias} {arguments}".strip())
            assert found is not None and found.route is route, alias


async def test_matrix(county: County) -> None:
    table = county.bot.dispatcher.table
    wrong: list[str] = []
    callers: list[Role | None] = [*Role, None]
    for route, role, chat in itertools.product(table.routes, callers, ChatKind):
        for unit in _units(route):
            noun = route.scope.noun if route.scope else ""
            objects = county.objects[noun][unit] if unit else None
            text = f"/{route.name.replace(' ', '_')} {_arguments(route, objects)}".strip()
            msg = incoming(text, sender=caller(role), group=chat is ChatKind.GROUP, chat=GROUP)
            await county.bot.dispatcher.receive(msg)
            outcome, reply = await _outcome(county.bot, msg.message_id)
            want = expected(route, role, chat, unit)
            got = _classify(outcome, reply)
            if got != want:
                who = role.value if role else "unbound"
                wrong.append(
                    f"{text} by {who} in {chat} ({unit}): want {want}, got {got}: {reply}"
                )
    assert wrong == [], "\n".join(wrong[:40]) + f"\n({len(wrong)} in all)"


def _classify(outcome: str, reply: str) -> str:
    if outcome in ("unbound", "forbidden", "out_of_scope", "error"):
        return outcome
    if outcome == "rejected" and "需要在群聊中发送" in reply:
        return "wrong_chat"
    return "allowed"
