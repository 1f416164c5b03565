"""Broadcast conversations over the console: preview, send, ack, approval, cancel, status."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.cli.demo import seed
from bot.core import secrecy
from bot.core.clock import FakeClock
from bot.store.audit import AuditLog
from bot.store.inbox import InboxMessage
from bot.store.outbox import OutboxMessage, OutboxStatus
from models.broadcast import records as bc
from models.broadcast.settings import BROADCAST
from models.directory import binding
from models.directory.users import find_user
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming

GROUP = "group:县防汛抗旱指挥部群"
TEXT = "今晚有强降雨，请各单位做好防汛准备"


def broadcast_config(url: str) -> dict[str, object]:
    """防汛 names the water and emergency bureaus; red needs approval, yellow does not."""
    return {
        "broadcast": {
            "summary_delay_seconds": 10,
            "levels": {
                "red": {"renotify_minutes": 5, "max_renotify": 2},
                "orange": {"renotify_minutes": 10, "max_renotify": 2},
                "yellow": {
                    "renotify_minutes": 30,
                    "max_renotify": 1,
                    "officer_needs_approval": False,
                },
                "blue": {"renotify_minutes": 60, "max_renotify": 0},
            },
            "channels": {
                "防汛": {"orgs": ["县水利局", "县应急管理局"]},
                "森林防火": {"roles": ["leader"]},
            },
        }
    }


@pytest.fixture
async def bapp(
    db_url: str, clock: FakeClock, fake: RecordingAdapter, console: RecordingAdapter
) -> AsyncIterator[App]:
    """The demo county with a 防汛 roster."""
    bot = await App.create(
        make_config(db_url, **broadcast_config(db_url)),
        clock=clock,
        adapters={"console": console, "fake": fake},
        auto_upgrade=True,
    )
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
    yield bot
    await bot.engine.dispose()


async def say(app: App, text: str, **kwargs: object) -> None:
    await app.dispatcher.receive(incoming(text, **kwargs))  # type: ignore[arg-type]
    await app.sender.drain()


async def tick(app: App, clock: FakeClock, **delta: float) -> None:
    clock.advance(**delta)
    await app.ticker.tick()
    await app.sender.drain()


async def only_broadcast(app: App) -> bc.Broadcast:
    async with app.sessions() as session:
        found = list(await session.scalars(select(bc.Broadcast)))
    assert len(found) == 1
    return found[0]


async def test_leader_previews_sends_and_people_ack(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    preview = console.sent[-1][1]
    assert "【预览】红色应急广播 #1（防汛）" in preview.text
    assert "群（1）：县防汛抗旱指挥部群" in preview.text
    assert "孙伟（县水利局）" in preview.text and "王刚（县应急管理局）" in preview.text
    assert "未绑定账号、无法送达：钱芳" in preview.text
    assert preview.buttons[0][0].command == "确认广播 1"
    assert console.texts("孙伟") == []  # nothing goes out before confirmation

    await say(bapp, preview.buttons[0][0].command, sender="李明")
    assert "已发送 红色应急广播 #1（防汛），共 3 条消息" in console.texts("李明")[-1]
    for address in ("孙伟", "王刚", GROUP):
        (sent,) = [r for a, r in console.sent if a == address]
        assert TEXT in sent.text and "李明 发布于 2026-11-26 09:00" in sent.text
        code = (await only_broadcast(bapp)).code
        assert sent.buttons[0][0].command == f"收到 {code}"

    await say(bapp, f"收到 {code}", sender="孙伟")
    assert "已确认收到 红色应急广播 #1" in console.texts("孙伟")[-1]
    clock.advance(minutes=1)
    await say(bapp, f"/ack {code.lower()}", sender="孙伟")
    assert "您已于 2026-11-26 09:00 确认过" in console.texts("孙伟")[-1]

    # A plain 收到 in the group acknowledges for the group; the answer comes privately.
    before = len(console.texts(GROUP))
    await say(bapp, "收到", sender="张三", chat="县防汛抗旱指挥部群", group=True)
    assert len(console.texts(GROUP)) == before
    assert "已确认收到" in console.texts("张三")[-1]
    await say(bapp, "收到，马上落实", sender="张三", chat="县防汛抗旱指挥部群", group=True)
    assert len(console.texts(GROUP)) == before  # nothing open: ordinary chatter, no answer

    await tick(bapp, clock, seconds=10)
    summary = console.texts("李明")[-1]
    assert "已送达 3 / 3　已确认 2 / 3" in summary
    assert "未确认（1）：王刚（县应急管理局）" in summary
    assert "无人确认的群" not in summary

    await say(bapp, "收到", sender="王刚")
    await tick(bapp, clock, seconds=10)
    (edit,) = [r for a, _, r in console.edits if a == "李明"]
    assert "已确认 3 / 3" in edit.text and "未确认" not in edit.text

    async with bapp.sessions() as session:
        acks = list(await session.scalars(select(bc.BroadcastAck).order_by(bc.BroadcastAck.id)))
    assert [(a.platform, a.chat) for a in acks] == [
        ("console", "console:孙伟"),
        ("console", f"console:{GROUP}"),
        ("console", "console:王刚"),
    ]


async def test_officer_draft_needs_a_leaders_approval(
    bapp: App, console: RecordingAdapter
) -> None:
    await say(bapp, f"应急广播 防汛 红 {TEXT}", sender="张三")
    assert "确认后需领导批准才发送" in console.texts("张三")[-1]
    await say(bapp, "确认广播 1", sender="张三")
    assert "已提交领导审批（2 位领导）" in console.texts("张三")[-1]
    assert console.texts("孙伟") == []
    notice = next(r for a, r in console.sent if a == "李明")
    assert "【待批准】张三（县政府办公室） 拟发布 红色应急广播 #1" in console.texts("李明")[-1]
    assert "接收：群 1 个、人员 2 名" in notice.text
    assert notice.buttons[0][0].command == "批准广播 1"

    await say(bapp, "批准广播 1", sender="张三")
    assert "仅限领导使用" in console.texts("张三")[-1]
    await say(bapp, "批准广播 1", sender="王刚")
    assert "已发送 红色应急广播 #1" in console.texts("王刚")[-1]
    assert TEXT in console.texts("孙伟")[-1]
    assert "张三（王刚 批准） 发布于" in console.texts("孙伟")[-1]
    await say(bapp, "批准广播 1", sender="李明")
    assert "当前状态为「已发送」" in console.texts("李明")[-1]
    assert (await only_broadcast(bapp)).approved_by is not None


async def test_no_bound_leader_means_the_draft_stays_a_draft(
    bapp: App, console: RecordingAdapter
) -> None:
    async with bapp.sessions.begin() as session:
        for name in ("李明", "王刚"):
            await binding.unbind_all(session, (await find_user(session, name)).id)
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="张三")
    await say(bapp, "确认广播 1", sender="张三")
    assert "没有已绑定账号的领导可以审批" in console.texts("张三")[-1]
    assert (await only_broadcast(bapp)).status == bc.BroadcastStatus.DRAFT.value


async def test_officer_sends_a_level_without_approval_at_once(
    bapp: App, console: RecordingAdapter
) -> None:
    await say(bapp, f"应急广播 防汛 黄色 {TEXT}", sender="张三")
    await say(bapp, "确认广播 1", sender="张三")
    assert "已发送 黄色应急广播 #1" in console.texts("张三")[-1]
    assert TEXT in console.texts("孙伟")[-1]


async def test_cancel_stops_chasing_but_keeps_later_acks(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    await say(bapp, "取消广播 1", sender="赵丽")  # another officer
    assert "只有起草人、领导或管理员可以撤回" in console.texts("赵丽")[-1]
    await bapp.dispatcher.receive(incoming("确认广播 1", sender="李明"))  # queued, not yet sent
    await say(bapp, "/broadcast_cancel 1", sender="李明")
    assert "尚未发出的 3 条不再发送" in console.texts("李明")[-1]
    assert console.texts("王刚") == []
    code = (await only_broadcast(bapp)).code
    await say(bapp, f"收到 {code}", sender="王刚")
    assert "已记录您的确认。红色应急广播 #1（防汛） 已撤回" in console.texts("王刚")[-1]
    await tick(bapp, clock, minutes=30)
    assert len(console.texts("王刚")) == 1  # no re-notification after cancel
    async with bapp.sessions() as session:
        ack = await session.scalar(select(bc.BroadcastAck))
        statuses = set(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.kind == "broadcast")
            )
        )
    assert ack is not None and ack.after_cancel
    assert statuses == {OutboxStatus.CANCELLED.value}
    await say(bapp, "/broadcast_status 1", sender="李明")
    status = console.texts("李明")[-1]
    assert "已撤回" in status and "已送达 0 / 3　已确认 1 / 3" in status
    assert "王刚（县应急管理局） 2026-11-26 09:00" in status


async def test_classified_broadcast_is_refused_and_nothing_of_it_is_stored(
    bapp: App, console: RecordingAdapter
) -> None:
    secret = "机密★10年 关于堤防加固的部署"
    await say(bapp, f"应急广播 防汛 红色 {secret}", sender="李明")
    assert console.texts("李明") == [secrecy.refusal(secrecy.Finding(secrecy.Form.STARRED))]
    async with bapp.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(bc.Broadcast)) == 0
        stored = [
            *await session.scalars(select(OutboxMessage.payload)),
            *await session.scalars(select(AuditLog.detail)),
            *await session.scalars(select(AuditLog.command)),
            *await session.scalars(select(InboxMessage.payload)),
        ]
    assert not any("堤防" in str(value) for value in stored)


@pytest.mark.parametrize(
    ("text", "sender", "answer"),
    [
        (f"应急广播 防汛 紫色 {TEXT}", "李明", "未知级别「紫色」，可选：红色、橙色、黄色、蓝色"),
        (f"应急广播 抗旱 红色 {TEXT}", "李明", "找不到频道或群「抗旱」"),
        ("应急广播 防汛 红色", "李明", "缺少参数「内容」"),
        (f"应急广播 防汛 红色 {TEXT}", "孙伟", "仅限"),
        ("确认广播 9", "李明", "没有编号为 9 的广播"),
        ("收到 ABCD", "孙伟", "没有确认码为 ABCD 的已发广播"),
        ("收到", "孙伟", "您当前没有待确认的应急广播"),
        (f"应急广播 防汛 红色 {'雨' * 2001}", "李明", "内容共 2001 字，超过 2000 字上限"),
    ],
)
async def test_bad_input_gets_a_clear_answer(
    bapp: App, console: RecordingAdapter, text: str, sender: str, answer: str
) -> None:
    await say(bapp, text, sender=sender)
    assert answer in console.texts(sender)[-1]
    async with bapp.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(bc.Broadcast)) == 0


async def test_a_roster_by_role_leaves_out_the_sender(
    bapp: App, console: RecordingAdapter
) -> None:
    await say(bapp, f"应急广播 森林防火 橙色 {TEXT}", sender="李明")
    preview = console.texts("李明")[-1]
    assert "群（1）：森林防火指挥群" in preview
    assert "人员（1）：王刚（县应急管理局）" in preview


async def test_a_bare_ack_only_answers_recent_broadcasts(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    for text in (f"应急广播 防汛 蓝色 {TEXT}", "确认广播 1"):
        await say(bapp, text, sender="李明")
    clock.advance(hours=BROADCAST.of(bapp.config).open_hours + 1)
    await say(bapp, "收到", sender="孙伟")
    assert "您当前没有待确认的应急广播" in console.texts("孙伟")[-1]
    await say(bapp, f"收到 {(await only_broadcast(bapp)).code}", sender="孙伟")
    assert "已确认收到 蓝色应急广播 #1" in console.texts("孙伟")[-1]


async def test_broadcast_to_named_groups_flags_a_silent_group(
    bapp: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await say(bapp, f"应急广播 森林防火指挥群、值班室工作群 橙色 {TEXT}", sender="王刚")
    assert re.search(r"群（2）：森林防火指挥群、值班室工作群", console.texts("王刚")[-1])
    await say(bapp, "确认广播 1", sender="王刚")
    await say(bapp, "收到", sender="赵丽", chat="值班室工作群", group=True)
    await tick(bapp, clock, seconds=10)
    assert "⚠ 无人确认的群（1）：森林防火指挥群" in console.texts("王刚")[-1]
