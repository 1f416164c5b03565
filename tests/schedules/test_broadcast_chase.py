"""The acknowledgement loop on a fake clock: 100 recipients, 10% never ack, 5% ack late."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.roles import Role
from bot.demo import seed
from models import binding
from models import broadcast as bc
from models.users import add_user
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming

NEVER = [f"员{i:02d}" for i in range(10)]
LATE = [f"员{i:02d}" for i in range(10, 15)]
PROMPT = [f"员{i:02d}" for i in range(15, 99)] + ["乡长"]


@pytest.fixture
async def drill(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[App]:
    """The demo county plus 测试乡: 99 officers and their leader, the 演练 channel's roster."""
    config = make_config(
        db_url,
        channels=["全体", "防汛", "演练"],
        broadcast={
            "summary_delay_seconds": 10,
            "levels": {
                level: {"renotify_minutes": 5, "max_renotify": 2}
                for level in ("red", "orange", "yellow", "blue")
            },
            "channels": {"演练": {"orgs": ["测试乡"]}},
        },
    )
    bot = await App.create(config, clock=clock, adapters={"console": console}, auto_upgrade=True)
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
        for name in [*NEVER, *LATE, *PROMPT]:
            role = Role.LEADER if name == "乡长" else Role.OFFICER
            user = await add_user(session, name=name, org="测试乡", roles={role}, now=clock.now())
            await binding.bind_account(session, user, "console", name, clock.now())
    yield bot
    await bot.engine.dispose()


async def tick(app: App, clock: FakeClock, minutes: float) -> None:
    clock.advance(minutes=minutes)
    await app.ticker.tick()
    await app.sender.drain()


def copies(console: RecordingAdapter, names: list[str]) -> set[int]:
    counts = Counter(a for a, r in console.sent if "应急广播" in r.text and "【" in r.text)
    return {counts[n] for n in names}


async def test_renotify_then_escalate_exactly_as_configured(
    drill: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    for text in ("应急广播 演练 红色 防汛演练：请于 10 时前到岗", "确认广播 1"):
        await drill.dispatcher.receive(incoming(text, sender="李明"))
    await drill.sender.drain()
    everyone = [*NEVER, *LATE, *PROMPT]
    assert copies(console, everyone) == {1}
    for name in PROMPT:
        await drill.dispatcher.receive(incoming("收到", sender=name))
    await drill.sender.drain()

    await tick(drill, clock, 5)  # round 1: the 15 who have not acked
    assert copies(console, [*NEVER, *LATE]) == {2} and copies(console, PROMPT) == {1}
    assert "【第1次提醒·您尚未确认】" in console.texts(NEVER[0])[-1]
    for name in LATE:
        await drill.dispatcher.receive(incoming("收到", sender=name))
    await drill.sender.drain()

    await tick(drill, clock, 5)  # round 2: the 10 who never ack
    assert copies(console, NEVER) == {3} and copies(console, LATE) == {2}
    assert not any("上报" in t for t in console.texts("乡长"))

    await tick(drill, clock, 5)  # after M=2 re-notifications: escalate
    (report,) = [t for t in console.texts("乡长") if "上报" in t]
    assert "经 2 次提醒，贵单位仍未确认：" + "、".join(NEVER) in report
    (to_sender,) = [t for t in console.texts("李明") if "【未确认上报】" in t]
    assert "、".join(f"{n}（测试乡）" for n in NEVER) in to_sender
    assert "已通知相关单位领导 1 人" in to_sender

    await tick(drill, clock, 30)  # the loop is over: nothing more to anyone
    assert copies(console, NEVER) == {3} and copies(console, LATE) == {2}
    assert len([t for t in console.texts("乡长") if "上报" in t]) == 1
    async with drill.sessions() as session:
        rows = {r.name: r for r in await session.scalars(select(bc.BroadcastRecipient))}
    assert {(rows[n].renotified, rows[n].escalated_at is not None) for n in NEVER} == {(2, True)}
    assert {(rows[n].renotified, rows[n].escalated_at is not None) for n in LATE} == {(1, False)}
    assert {(rows[n].renotified, rows[n].escalated_at) for n in PROMPT} == {(0, None)}
    summary = [r.text for a, _, r in console.edits if a == "李明"][-1]
    assert "已送达 100 / 100　已确认 90 / 100" in summary
    assert "未确认（10）：" + "、".join(f"{n}（测试乡）" for n in NEVER) in summary
