"""督办 pushes on the fake clock: 签收, 反馈, 黄/橙/红牌 and the ladder 催办 → 通报 → 约谈建议."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import add_user
from models.supervision.records import SupervisionItem
from tests.handlers.supervision.test_supervision import NEW, say
from tests.support import RecordingAdapter

TZ = ZoneInfo("Asia/Shanghai")


async def at(
    app: App, clock: FakeClock, console: RecordingAdapter, *when: int
) -> dict[str, list[str]]:
    """Set the clock to local ``when``, fire what is due; the new texts by person."""
    before = len(console.sent)
    clock.set(datetime(*when, tzinfo=TZ))  # type: ignore[misc]
    await app.ticker.tick()
    await app.sender.drain()
    new: dict[str, list[str]] = {}
    for address, reply in console.sent[before:]:
        new.setdefault(address, []).append(reply.text)
    return new


async def marks(app: App) -> tuple[str, str]:
    async with app.sessions() as session:
        item = await session.get(SupervisionItem, 1)
        assert item is not None
        return item.card, item.escalation


async def test_unsigned_item_reminds_liaison_and_supervisor_after_the_limit(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)  # 2026-11-26 09:00, 签收 within 24 小时
    assert await at(app, clock, console, 2026, 11, 27, 8, 59) == {}
    sent = await at(app, clock, console, 2026, 11, 27, 9, 0)
    assert set(sent) == {"孙伟", "陈静"}
    assert "督办签收提醒" in sent["孙伟"][0] and "/task_sign 1" in sent["孙伟"][0]
    await say(app, console, "孙伟", "/task_sign 1")
    assert await at(app, clock, console, 2026, 11, 28, 9, 0) == {}


async def test_signing_in_time_cancels_the_sign_reminder(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/task_sign 1")
    assert await at(app, clock, console, 2026, 11, 27, 9, 0) == {}


async def test_feedback_follows_the_cadence_and_progress_resets_it(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/task_sign 1")  # weekly: due 2026-12-03
    sent = await at(app, clock, console, 2026, 12, 3, 9, 0)
    assert "督办进展反馈提醒" in sent["孙伟"][0] and "/task_progress 1" in sent["孙伟"][0]
    await at(app, clock, console, 2026, 12, 4, 10, 0)
    await say(app, console, "孙伟", "/task_progress 1 已清理一半")  # next: 2026-12-11
    assert await at(app, clock, console, 2026, 12, 8, 8, 0) == {}
    sent = await at(app, clock, console, 2026, 12, 11, 9, 0)
    assert any("本期进展应于 2026-12-11 报送" in t for t in sent["孙伟"])


async def test_cards_and_escalation_ladder(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    async with app.sessions.begin() as session:
        chief = await add_user(
            session, name="黄局长", org="县水利局", roles={Role.LEADER}, now=clock.now()
        )
        await binding.bind_account(session, chief, "console", "黄局长", clock.now())
    await say(app, console, "陈静", NEW)  # due 2026-12-10 (Thu)
    await say(app, console, "孙伟", "/task_sign 1")
    await say(app, console, "孙伟", "/task_progress 1 开工")

    early = await at(app, clock, console, 2026, 12, 7, 9, 0)  # only the weekly feedback so far
    assert [t.splitlines()[0] for t in early["孙伟"]] == ["📝 督办进展反馈提醒"]
    yellow = await at(app, clock, console, 2026, 12, 8, 9, 0)  # 2 working days before
    assert "黄牌" in yellow["孙伟"][0] and "2026-12-10（星期四）24:00 前" in yellow["孙伟"][0]
    assert await marks(app) == ("黄牌", "提醒")

    orange = await at(app, clock, console, 2026, 12, 10, 9, 0)
    assert any("橙牌" in t for t in orange["孙伟"])
    assert await marks(app) == ("橙牌", "提醒")

    chase = await at(app, clock, console, 2026, 12, 11, 9, 0)  # 1 working day after
    assert "督办催办通知" in chase["黄局长"][0] and "已超期 1 天" in chase["黄局长"][0]
    assert "督办催办通知" in chase["孙伟"][0]
    assert not any("督办超期（红牌）" in t for t in chase["孙伟"])  # one push, not two
    assert await marks(app) == ("红牌", "催办")

    report = await at(app, clock, console, 2026, 12, 17, 9, 0)  # 5 working days after
    assert "已列入督查通报" in report["陈静"][0] and "/task_close 1" in report["陈静"][0]
    assert await marks(app) == ("红牌", "通报")
    listed = await say(app, console, "陈静", "/task_list 超期")
    assert "#1 【红牌】清理河道淤积" in listed and "〔通报〕" in listed

    interview = await at(app, clock, console, 2026, 12, 24, 9, 0)  # 10 working days after
    assert "建议约谈" in interview["陈静"][0]
    assert await marks(app) == ("红牌", "约谈建议")

    await say(app, console, "孙伟", "/task_done 1 已完成")
    assert "逾期办结" in await say(app, console, "陈静", "/task_close 1")
    later = await at(app, clock, console, 2027, 2, 1, 9, 0)
    assert later == {}


async def test_returned_overdue_item_escalates_at_once(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", "督办 立项 县水利局 2026-11-30 清理河道淤积")
    await say(app, console, "孙伟", "/task_sign 1")
    await say(app, console, "孙伟", "/task_done 1 已完成")
    assert await at(app, clock, console, 2026, 12, 3, 9, 0) == {}  # under review: quiet
    await say(app, console, "陈静", "/task_reject 1 未完成")
    sent = await at(app, clock, console, 2026, 12, 3, 9, 1)
    assert any("督办催办通知" in t for t in sent["孙伟"])
    assert await marks(app) == ("红牌", "催办")


async def test_a_unit_without_bound_liaison_is_never_silent(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "陈静", "督办 立项 县自然资源局 5工作日 地灾点巡查")
    assert "县自然资源局 没有已绑定的联络员" in reply
    sent = await at(app, clock, console, 2026, 11, 27, 9, 0)
    assert "督办签收提醒" in sent["陈静"][0]
    yellow = await at(app, clock, console, 2026, 12, 1, 9, 0)
    assert "无已绑定账号，请线下通知" in yellow["陈静"][0]


async def test_an_item_due_today_gets_the_orange_card_only(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", "督办 立项 县水利局 今天 当日清点防汛物资")
    sent = await at(app, clock, console, 2026, 11, 26, 9, 1)
    heads = [t.splitlines()[0] for t in sent["孙伟"]]
    assert heads == ["🟧 督办到期提醒（橙牌）"]  # the 黄牌 moment had passed already
    assert await marks(app) == ("橙牌", "提醒")


async def test_review_items_stay_on_the_list(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/task_sign 1")
    await say(app, console, "孙伟", "/task_done 1 完成")
    assert "#1 清理河道淤积 — 县水利局，2026-12-10，待审核" in await say(
        app, console, "陈静", "/task_list"
    )
