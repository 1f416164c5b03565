"""办会 on a fake clock: notices, 回执 by button and by text, a 代参人, reminders at the rule
table's times and to nobody who answered, the organiser's live summary, changes and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.cli.users_cmd import revoke_person
from bot.core.clock import FakeClock, LocalTime
from bot.core.errors import UserError
from bot.store.due import DueItem, DueStatus
from bot.store.outbox import OutboxMessage
from handlers.meetings.form import parse_change, parse_new
from models.meetings import plan
from models.meetings.records import Invitation, Meeting
from tests.handlers.supervision.test_supervision import say
from tests.support import RecordingAdapter, incoming

ORGANISER = "陈静"
NEW = (
    "会议 新建 专题会议 2026-11-27 15:00 防汛工作专题会 地点=三楼会议室 议题=汛期准备工作 "
    "参会=县水利局,王刚,周敏,李明 材料=县水利局 材料截止=2026-11-27 12:00"
)


def local(text: str) -> datetime:
    """A Beijing time as aware UTC."""
    return datetime.fromisoformat(f"{text}+08:00").astimezone(UTC)


def button(console: RecordingAdapter, who: str, label: str) -> str:
    """The command behind ``label`` on the latest card ``who`` got."""
    for address, reply in reversed(console.sent):
        if address == who and reply.buttons:
            return next(b.command for row in reply.buttons for b in row if b.label == label)
    raise AssertionError(f"{who} got no card")


async def at(app: App, clock: FakeClock, when: str) -> None:
    """Move the clock to ``when`` (Beijing) and run what fell due."""
    clock.set(local(when))
    await app.ticker.tick()
    await app.sender.drain()


async def summaries(app: App) -> int:
    async with app.sessions() as session:
        found = await session.scalar(
            select(func.count()).where(OutboxMessage.kind == "meeting_summary")
        )
    return int(found or 0)


def edits(console: RecordingAdapter, who: str) -> list[str]:
    return [r.text for a, _, r in console.edits if a == who]


async def meeting(app: App) -> Meeting:
    async with app.sessions() as session:
        found = await session.get(Meeting, 1)
        assert found is not None
        return found


async def notified(app: App, console: RecordingAdapter) -> None:
    reply = await say(app, console, ORGANISER, NEW)
    assert "已新建 会议 #1「防汛工作专题会」" in reply
    assert "孙伟（县水利局）" in reply and "须报送材料：孙伟（县水利局）" in reply  # its liaison
    assert "已向 4 人发出" in await say(app, console, ORGANISER, "会议 通知 1")


async def test_notices_answers_substitute_reminders_and_live_summary(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await notified(app, console)
    card = console.texts("孙伟")[-1]
    assert card.startswith("【会议通知】专题会议「防汛工作专题会」")
    assert "时间：2026-11-27 15:00" in card and "材料报送截止：2026-11-27 12:00" in card
    assert "材料报送截止" not in console.texts("王刚")[-1]  # only who owes materials

    assert "已回复参加" in await say(app, console, "孙伟", button(console, "孙伟", "参加"))
    assert "已回复参加" in await say(app, console, "王刚", "参加")  # text, no code
    leave = button(console, "周敏", "请假")
    assert "请回复请假原因" in await say(app, console, "周敏", leave)  # the button asks why
    reply = await say(app, console, "周敏", f"{leave} 外出调研 代参人 吴磊")
    assert "已回复请假" in reply and "已通知代参人 吴磊" in reply
    assert "您作为 周敏 的代参人参会" in console.texts("吴磊")[-1]
    assert "已回复参加" in await say(app, console, "吴磊", button(console, "吴磊", "参加"))

    await at(app, clock, "2026-11-26T09:01")  # the summary's short delay
    assert len([t for t in console.texts(ORGANISER) if "【会议回执】" in t]) == 1
    now = (edits(console, ORGANISER) or [console.texts(ORGANISER)[-1]])[-1]
    assert "参加 3 / 请假 1（代参 1） / 未回复 1" in now
    assert (
        "周敏（外出调研，代参：吴磊）" in now and "吴磊（代周敏）" in now and "未回复：李明" in now
    )

    # materials: meeting.materials_soon (24 小时) before 12:00 tomorrow, to 孙伟 alone
    await at(app, clock, "2026-11-26T11:59")
    assert not any("材料报送提醒" in t for t in console.texts())
    await at(app, clock, "2026-11-26T12:00")
    assert [a for a, r in console.sent if "材料报送提醒" in r.text] == ["孙伟"]
    assert "已记录" in await say(app, console, "孙伟", "会议 报送 1")

    # non-responders: meeting.rsvp_chase (4 小时) after the 09:00 notice, only 李明
    await at(app, clock, "2026-11-26T12:59")
    assert not any("尚未回复" in t for t in console.texts())
    await at(app, clock, "2026-11-26T13:00")
    assert [a for a, r in console.sent if "尚未回复" in r.text] == ["李明"]
    assert "已回复参加" in await say(app, console, "李明", button(console, "李明", "参加"))
    await at(app, clock, "2026-11-26T17:00")  # the second round finds nobody silent
    assert [a for a, r in console.sent if "尚未回复" in r.text] == ["李明"]
    final = edits(console, ORGANISER)[-1]
    assert "参加 4 / 请假 1（代参 1） / 未回复 0" in final
    assert len([t for t in console.texts(ORGANISER) if "【会议回执】" in t]) == 1

    # the pre-start reminder: meeting.pre_start (1 小时) before 15:00, to all who will come
    await at(app, clock, "2026-11-27T13:59")
    assert not any("会前提醒" in t for t in console.texts())
    await at(app, clock, "2026-11-27T14:00")
    told = sorted(a for a, r in console.sent if "【会前提醒】" in r.text)
    assert told == sorted(["孙伟", "王刚", "吴磊", "李明"])

    # a restart: the summary falls due again with nothing new, and is not repeated
    sent = await summaries(app)
    async with app.sessions.begin() as session:
        found = await session.get(Meeting, 1)
        assert found is not None
        await plan.queue_summary(session, clock.now(), found, app.config)
    await app.start(scheduler=False)
    try:
        await at(app, clock, "2026-11-27T14:10")
        assert await summaries(app) == sent
        await say(app, console, "王刚", "参加")  # the same answer again changes nothing
        await at(app, clock, "2026-11-27T14:11")
        assert await summaries(app) == sent
    finally:
        await app.stop()


async def test_a_change_notifies_everyone_who_got_the_notice(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await notified(app, console)
    await say(app, console, "周敏", "请假 外出调研 代参人 吴磊")
    reply = await say(app, console, ORGANISER, "会议 变更 1 时间=2026-11-27 16:00 地点=五楼会议室")
    assert "已变更" in reply and "已向 5 位已通知的参会人发出变更通知" in reply
    for who in ("孙伟", "王刚", "周敏", "李明", "吴磊"):
        text = console.texts(who)[-1]
        assert text.startswith("【会议变更】专题会议「防汛工作专题会」：时间、地点有变化"), who
        assert "时间：2026-11-27 16:00" in text and "地点：五楼会议室" in text
    async with app.sessions() as session:
        prestart = await session.scalar(
            select(DueItem.due_at).where(
                DueItem.key == "mtg:1:r:prestart", DueItem.status == DueStatus.PENDING.value
            )
        )
    assert prestart == local("2026-11-27T15:00")  # moved with the meeting


async def test_cancel_tells_everyone_and_stops_the_reminders(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await notified(app, console)
    assert "已通知 4 人" in await say(app, console, ORGANISER, "会议 取消 1 另行安排")
    assert "已取消，原因：另行安排" in console.texts("李明")[-1]
    await at(app, clock, "2026-11-27T14:00")
    assert not any("尚未回复" in t or "会前提醒" in t for t in console.texts())
    assert "您当前没有待回复的会议通知" in await say(app, console, "李明", "参加")
    assert "已取消，无需回复" in await say(app, console, "李明", button(console, "李明", "参加"))


async def test_a_forged_or_someone_elses_button_is_refused(
    app: App, console: RecordingAdapter
) -> None:
    await notified(app, console)
    theirs = button(console, "孙伟", "参加")
    assert "不是发给您的" in await say(app, console, "王刚", theirs)
    assert "回执码 ZZZZZZ 无效" in await say(app, console, "王刚", "参加 ZZZZZZ")
    assert "没有待回复的会议" in await say(app, console, "赵丽", "参加")
    async with app.sessions() as session:
        answered = await session.scalar(
            select(func.count()).where(Invitation.answered_at.is_not(None))
        )
    assert answered == 0


async def test_bad_input_changes_nothing(app: App, console: RecordingAdapter) -> None:
    assert "会议时间有误" in await say(app, console, ORGANISER, "会议 新建 专题会议 昨天 9:00 x")
    bad = "会议 新建 专题会议 2026-11-27 25:00 x 参会=王刚"
    assert "不是有效时刻" in await say(app, console, ORGANISER, bad)
    assert "没有在册的" in await say(
        app, console, ORGANISER, "会议 新建 协调会 明天 9:00 x 参会=县公安局"
    )
    assert "会议类别应为" in await say(app, console, ORGANISER, "会议 新建 茶话会 明天 9:00 x")
    async with app.sessions() as session:
        assert not await session.scalar(select(func.count()).select_from(Meeting))
    await notified(app, console)
    reply = await say(app, console, ORGANISER, "会议 变更 1 时间=2026-13-40 09:00")
    assert "会议时间「2026-13-40 09:00」有误" in reply
    assert "材料截止时间应早于" in await say(
        app, console, ORGANISER, "会议 变更 1 材料截止=2026-11-28 09:00"
    )
    assert (await meeting(app)).starts_at == local("2026-11-27T15:00")
    assert "请假请写明原因" in await say(app, console, "周敏", "请假 代参人 吴磊")
    assert "找不到人员" in await say(app, console, "周敏", "请假 出差 代参人 张无忌")
    assert "仅限" in await say(app, console, "孙伟", "会议 取消 1")


async def test_marked_topics_and_reasons_are_refused(app: App, console: RecordingAdapter) -> None:
    await say(app, console, ORGANISER, NEW.replace("汛期准备工作", "机密★1年 文件传达"))
    async with app.sessions() as session:
        assert not await session.scalar(select(func.count()).select_from(Meeting))
    await notified(app, console)
    await say(app, console, "周敏", "请假 传达秘密★文件")
    async with app.sessions() as session:
        row = await session.scalar(select(Invitation).where(Invitation.reason != ""))
    assert row is None


def test_the_form_guards_its_free_text_itself() -> None:
    """The dispatcher refuses marked messages first; the form checks again (a button or an
    import may bring text another way)."""
    tz = LocalTime("Asia/Shanghai")
    now = local("2026-11-26T09:00")
    with pytest.raises(UserError, match="密级"):
        parse_new("专题会议 明天 9:00 传达会 议题=机密★1年 文件", now, tz)
    with pytest.raises(UserError, match="密级"):
        parse_change("地点=绝密", now, tz)
    assert parse_new("专题会议 明天 9:00 传达会 议题=文件", now, tz).topics == "文件"


async def test_rsvp_on_demand_masks_names_in_groups(app: App, console: RecordingAdapter) -> None:
    await notified(app, console)
    await say(app, console, "周敏", "请假 外出调研")
    private = await say(app, console, "李明", "/meeting 回执 1")
    assert "参加 0 / 请假 1（代参 0） / 未回复 3" in private
    assert "周敏（外出调研）" in private and "孙伟（县水利局）" in private
    await app.dispatcher.receive(
        incoming("会议 回执 1", sender="李明", group=True, chat="县防汛抗旱指挥部群")
    )
    await app.sender.drain()
    in_group = console.texts("group:县防汛抗旱指挥部群")[-1]
    assert "周*" in in_group and "周敏" not in in_group and "外出调研" not in in_group
    await app.dispatcher.receive(
        incoming(NEW, sender=ORGANISER, group=True, chat="县防汛抗旱指挥部群")
    )
    await app.sender.drain()
    created = console.texts("group:县防汛抗旱指挥部群")[-1]
    assert "已新建 会议 #2" in created and "孙*（县水利局）" in created and "孙伟" not in created
    listed = await say(app, console, "孙伟", "/meetings")
    assert "#1 2026-11-27 15:00 专题会议「防汛工作专题会」" in listed and "您：未回复" in listed
    assert "您：请假" in await say(app, console, "周敏", "近期会议")
    assert "没有您的会议" in await say(app, console, "郑华", "近期会议")  # not invited


async def test_decisions_still_become_tasks(app: App, console: RecordingAdapter) -> None:
    await notified(app, console)
    await say(app, console, ORGANISER, "会议 决定事项 1 县水利局 2026-12-31 完成河堤加固")
    assert "已转督办 1 项" in await say(app, console, ORGANISER, "会后督办 1")


async def test_a_revoked_invitee_leaves_the_rsvp_and_is_not_reminded(
    app: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await notified(app, console)
    async with app.sessions.begin() as session:
        lines = await revoke_person(session, app.config, clock.now(), "李明", None)
    assert any("会议 #1「防汛工作专题会」：李明 已移出参会名单" in line for line in lines)
    assert "未回复 3" in await say(app, console, ORGANISER, "会议 回执 1")
    before = len(console.texts("李明"))
    await at(app, clock, "2026-11-26T13:00")
    assert len(console.texts("李明")) == before  # no chase for someone no longer invited


async def test_a_substitute_no_longer_needed_is_told_and_cannot_answer(
    app: App, console: RecordingAdapter
) -> None:
    await notified(app, console)
    await say(app, console, "周敏", "请假 外出调研 代参人 吴磊")
    stand_in = button(console, "吴磊", "参加")
    assert "已回复参加" in await say(app, console, "周敏", "参加")  # she comes after all
    assert "无需您代为参会" in console.texts("吴磊")[-1]
    assert "代参已取消" in await say(app, console, "吴磊", stand_in)
    reply = await say(app, console, ORGANISER, "会议 回执 1")
    assert "参加 1 / 请假 0（代参 0） / 未回复 3" in reply and "吴磊" not in reply
    help_text = await say(app, console, ORGANISER, "帮助 会议")
    assert "会议 通知" in help_text and "会议 回执" in help_text
