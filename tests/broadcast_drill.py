"""The acknowledgement drill every transport runs: 100 recipients, 10% never ack, 5% ack late.

李明 (a leader) broadcasts a red alert to the 演练 channel, whose roster is 测试乡: 99 officers and
their leader 乡长. Red is re-notified every 5 minutes, twice, then escalated. A transport test
(console, local Telegram server) implements :class:`DrillChat` and calls :func:`run_drill`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select

from bot.app import App
from bot.core.roles import Role
from models.broadcast import records as bc
from models.directory import binding
from models.directory.users import add_user

NEVER = [f"员{i:02d}" for i in range(10)]
LATE = [f"员{i:02d}" for i in range(10, 15)]
PROMPT = [f"员{i:02d}" for i in range(15, 99)] + ["乡长"]
EVERYONE = [*NEVER, *LATE, *PROMPT]
SENDER = "李明"
RENOTIFY_MINUTES = 5
DRILL_CONFIG: dict[str, Any] = {
    "channels": ["全体", "防汛", "演练"],
    "broadcast": {
        "summary_delay_seconds": 10,
        "levels": {
            level: {"renotify_minutes": RENOTIFY_MINUTES, "max_renotify": 2}
            for level in ("red", "orange", "yellow", "blue")
        },
        "channels": {"演练": {"orgs": ["测试乡"]}},
    },
}


class DrillChat(Protocol):
    """How the drill talks to the bot over one transport."""

    async def say(self, text: str) -> None:
        """李明 sends ``text`` privately; everything due is then delivered."""
        ...

    async def ack(self, names: list[str]) -> None:
        """Each of ``names`` acknowledges the broadcast; everything due is then delivered."""
        ...

    async def tick(self, minutes: float) -> None:
        """The clock moves on; due jobs run; everything due is delivered."""
        ...

    async def texts(self, name: str) -> list[str]:
        """What the bot has sent ``name`` privately, in order."""
        ...

    async def summary(self) -> str:
        """The live summary in 李明's chat as it reads now."""
        ...


async def enlist(
    app: App, account: Callable[[str], tuple[str, str]], names: list[str] = EVERYONE
) -> None:
    """Add 测试乡's people (or some of them), each bound to the (platform, address) ``account``
    gives."""
    now = app.clock.now()
    async with app.sessions.begin() as session:
        for name in names:
            role = Role.LEADER if name == "乡长" else Role.OFFICER
            user = await add_user(
                session, name=name, org="测试乡", roles={role}, now=now, new_unit=True
            )
            await binding.bind_account(session, user, *account(name), now)


async def copies(chat: DrillChat, names: list[str]) -> set[int]:
    """How many broadcast messages (first or reminder) each of ``names`` got."""
    counts = []
    for name in names:
        counts.append(sum("应急广播" in t and "【" in t for t in await chat.texts(name)))
    return set(counts)


async def run_drill(chat: DrillChat, app: App) -> None:
    """Re-notification and escalation exactly as configured, and the summary at the end."""
    await chat.say("应急广播 演练 红色 防汛演练：请于 10 时前到岗")
    await chat.say("确认广播 1")
    assert await copies(chat, EVERYONE) == {1}
    await chat.ack(PROMPT)

    await chat.tick(RENOTIFY_MINUTES - 1)  # not yet: nobody is re-notified early
    assert await copies(chat, EVERYONE) == {1}
    await chat.tick(1)  # round 1: the 15 who have not acked
    assert await copies(chat, [*NEVER, *LATE]) == {2} and await copies(chat, PROMPT) == {1}
    assert "【第1次提醒·您尚未确认】" in (await chat.texts(NEVER[0]))[-1]
    await chat.ack(LATE)

    await chat.tick(RENOTIFY_MINUTES)  # round 2: the 10 who never ack
    assert await copies(chat, NEVER) == {3} and await copies(chat, LATE) == {2}
    assert not any("上报" in t for t in await chat.texts("乡长"))

    await chat.tick(RENOTIFY_MINUTES)  # after M=2 re-notifications: escalate
    (report,) = [t for t in await chat.texts("乡长") if "上报" in t]
    assert "经 2 次提醒，贵单位仍未确认：" + "、".join(NEVER) in report
    (to_sender,) = [t for t in await chat.texts(SENDER) if "【未确认上报】" in t]
    assert "、".join(f"{n}（测试乡）" for n in NEVER) in to_sender
    assert "已通知相关单位领导 1 人" in to_sender

    await chat.tick(30)  # the loop is over: nothing more to anyone
    assert await copies(chat, NEVER) == {3} and await copies(chat, LATE) == {2}
    assert len([t for t in await chat.texts("乡长") if "上报" in t]) == 1
    async with app.sessions() as session:
        rows = {r.name: r for r in await session.scalars(select(bc.BroadcastRecipient))}
    assert {(rows[n].renotified, rows[n].escalated_at is not None) for n in NEVER} == {(2, True)}
    assert {(rows[n].renotified, rows[n].escalated_at is not None) for n in LATE} == {(1, False)}
    assert {(rows[n].renotified, rows[n].escalated_at) for n in PROMPT} == {(0, None)}
    summary = await chat.summary()
    assert "已送达 100 / 100　已确认 90 / 100" in summary
    assert "未确认（10）：" + "、".join(f"{n}（测试乡）" for n in NEVER) in summary
