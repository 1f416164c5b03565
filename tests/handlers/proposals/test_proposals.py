"""建议提案 through the dispatcher: 交办 → 面商 → 答复 → 评价 (重办), reminders and refusals."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from models.proposals.records import Proposal
from tests.conftest import demo_app, make_config
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter

NEW = "建议提案 交办 人大建议 第12号 县水利局 关于加固河堤的建议 代表=王五"


async def proposal(app: App) -> Proposal:
    async with app.sessions() as session:
        found = await session.scalar(select(Proposal))
        assert found is not None
        return found


async def test_register_computes_dates_from_the_rule_table(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "陈静", NEW)
    assert "已登记 #1 人大建议第12号「关于加固河堤的建议」，承办：县水利局" in reply
    # 20 working days after 2026-11-26; three months later lands in 2027 (no 调休 data: warned)
    assert "面商期限：2026-12-24；答复期限：2027-02-26" in reply
    assert "⚠️ 2027 年的放假安排尚无正式通知，节假日为推定" in reply
    assert "/proposal_met 1 面商" in console.texts("孙伟")[-1]
    complex_reply = await say(
        app,
        console,
        "陈静",
        "建议提案 交办 政协提案 第3号 县林业局 林下经济 复杂=是 交办日=2026-03-10",
    )
    assert "答复期限：2026-09-10" in complex_reply  # six months


async def test_full_cycle_with_redo_and_kpis(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", NEW)
    assert "已登记 #1 的面商" in await say(app, console, "孙伟", "建议提案 面商 1 面商")
    assert "无需重复登记" in await say(app, console, "孙伟", "建议提案 面商 1 面商")
    assert "已登记 #1 的电话" in await say(app, console, "孙伟", "建议提案 面商 1 电话")
    assert "须写明承诺解决的日期" in await say(app, console, "孙伟", "建议提案 答复 1 b")
    assert "已登记 #1 答复（B：正在解决" in await say(
        app, console, "孙伟", "建议提案 答复 1 b 今天 2026-12-20"
    )
    assert "/proposal_rate 1" in console.texts("陈静")[-1]
    reply = await say(app, console, "陈静", "建议提案 评价 1 不满意")
    assert "转重办，再次答复期限 2027-01-26" in reply  # proposal.redo: 2 months
    assert "代表委员不满意，请重新办理" in console.texts("孙伟")[-1]
    assert (await proposal(app)).status == "重办"
    await say(app, console, "孙伟", "建议提案 答复 1 A")
    assert "办结" in await say(app, console, "陈静", "建议提案 评价 1 满意")
    stats = await say(app, console, "郑华", "建议提案 统计")
    assert "见面率：100.0%（1/1）" in stats and "满意率：100.0%（1/1）" in stats
    assert "按期办复率：100.0%（1/1）" in stats and "办结率：100.0%（1/1）" in stats
    assert "县水利局（1 件）" in stats
    shown = await say(app, console, "郑华", "建议提案 1")
    assert "评价：满意；重办 1 次" in shown


async def test_refusals_change_nothing(app: App, console: RecordingAdapter) -> None:
    assert "类别应为：人大建议、政协提案" in await say(
        app, console, "陈静", "建议提案 交办 市长信箱 1 县水利局 标题"
    )
    assert "缺少单位、标题" in await say(app, console, "陈静", "建议提案 交办 人大建议 第1号")
    await say(app, console, "陈静", NEW)
    assert "须先答复" in await say(app, console, "陈静", "建议提案 评价 1 满意")
    assert "不能办理此项" in await say(app, console, "周敏", "建议提案 答复 1 A")
    assert "答复类别应为" in await say(app, console, "孙伟", "建议提案 答复 1 E")
    assert "还没到" in await say(app, console, "孙伟", "建议提案 面商 1 面商 2026-12-01")
    assert "联系方式「见面」不对" in await say(app, console, "孙伟", "建议提案 面商 1 见面")
    unchanged = await proposal(app)
    assert (unchanged.status, unchanged.contacted_on, unchanged.answer_code) == (
        "办理中",
        None,
        "",
    )


async def test_reminders_before_contact_and_reply_dates_and_when_overdue(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    # 面商 due 2026-12-24; reminded 5 working days before
    sent = await at(app, clock, console, 2026, 12, 17, 9, 0)
    assert "建议提案面商提醒" in sent["孙伟"][0] and "/proposal_met 1 面商" in sent["孙伟"][0]
    await say(app, console, "孙伟", "建议提案 面商 1 座谈")
    sent = await at(app, clock, console, 2027, 2, 19, 9, 0)  # 5 working days before 02-26
    assert "建议提案答复临期" in sent["孙伟"][0]
    sent = await at(app, clock, console, 2027, 2, 27, 9, 0)
    assert "已超期" in sent["孙伟"][0] and "已超期" in sent["陈静"][0]
    assert "#1 【超期】" in await say(app, console, "陈静", "建议提案 台账 超期")
    await say(app, console, "孙伟", "建议提案 答复 1 C")
    assert await at(app, clock, console, 2027, 6, 1, 9, 0) == {}  # answered: reminders stop


async def test_a_cppcc_proposal_follows_its_own_rules(db_url: str, clock: FakeClock) -> None:
    console = RecordingAdapter(platform="console")
    rules = {"proposal.cppcc_reply": {"amount": 5, "source": "某县政协提案工作条例"}}
    async with demo_app(make_config(db_url, rules=rules), clock, {"console": console}) as app:
        cppcc = await say(
            app, console, "陈静", "建议提案 交办 政协提案 第3号 县林业局 林下 交办日=2026-03-10"
        )
        assert "答复期限：2026-08-10（某县政协提案工作条例 办理时限【地方默认" in cppcc
        npc = await say(
            app, console, "陈静", "建议提案 交办 人大建议 第4号 县林业局 林道 交办日=2026-03-10"
        )
        assert "答复期限：2026-06-10（全国人民代表大会和地方各级人民代表大会代表法" in npc


async def test_kpis_split_meetings_from_calls_and_late_answers(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW + " 交办日=2026-08-01")  # reply due 2026-11-01
    await say(app, console, "孙伟", "建议提案 面商 1 电话 2026-09-01")
    await say(app, console, "孙伟", "建议提案 答复 1 A 2026-11-20")  # late
    stats = await say(app, console, "郑华", "建议提案 统计")
    assert "见面率：0.0%（0/1）" in stats and "沟通率：100.0%（1/1）" in stats
    assert "按期办复率：0.0%（0/1）" in stats and "办结率：100.0%（1/1）" in stats
    assert "联系：电话 2026-09-01" in await say(app, console, "郑华", "建议提案 1")


async def test_a_b_answer_is_chased_for_its_follow_up_once_the_promise_is_due(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    assert "只有 B 类" in await say(app, console, "孙伟", "建议提案 答复 1 A 今天 2026-12-20")
    assert "应晚于答复日期" in await say(app, console, "孙伟", "建议提案 答复 1 B 今天 今天")
    assert (await proposal(app)).status == "办理中"
    reply = await say(app, console, "孙伟", "建议提案 答复 1 B 今天 2026-12-20")
    assert "承诺 2026-12-20 前解决" in reply and "/proposal_followup 1 A" in reply
    await say(app, console, "陈静", "建议提案 评价 1 满意")
    assert await at(app, clock, console, 2026, 12, 20, 18, 0) == {}  # the promise is not yet due
    sent = await at(app, clock, console, 2026, 12, 21, 9, 0)
    assert "建议提案跟踪答复催办" in sent["孙伟"][0] and "跟踪答复催办" in sent["陈静"][0]
    shown = await say(app, console, "郑华", "建议提案 1")
    assert "B 类承诺：2026-12-20 前解决，待跟踪答复" in shown
    assert "应为 A、C 或 D" in await say(app, console, "孙伟", "建议提案 跟踪答复 1 B")
    done = await say(app, console, "孙伟", "建议提案 跟踪答复 1 A")
    assert "已登记 #1 跟踪答复（A：已经解决或基本解决）（已超过承诺日期）" in done
    assert "没有待跟踪答复" in await say(app, console, "孙伟", "建议提案 跟踪答复 1 A")
    assert await at(app, clock, console, 2027, 1, 5, 9, 0) == {}
