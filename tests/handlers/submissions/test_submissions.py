"""信息报送 on a fake clock: three units, one late — 催报 before and after the deadline at the
rule table's moments and never to a unit that has sent, the organiser's late list, the merged
Word document in order; revision before the deadline; a liaison kept to its own unit."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock
from models.submissions.records import Entry
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter

NEW = "报送 新建 本周防汛工作信息 单位=县水利局、县林业局、城关镇 截止=2026-12-01 要求=巡堤情况"
CHASED = "催报"


def chased(new: dict[str, list[str]]) -> set[str]:
    """Who got a 催报 among the messages of one tick."""
    return {who for who, texts in new.items() if any(CHASED in t for t in texts)}


async def entries(app: App) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Entry)) or 0)


async def test_three_units_one_late_chase_merge_and_late_list(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    opened = await say(app, console, "陈静", NEW)
    assert "已发起 信息报送 #1「本周防汛工作信息」" in opened
    assert "截止：2026-12-01（星期二）24:00 前" in opened
    for liaison in ("孙伟", "周敏", "吴磊"):
        assert "/submit 1" in console.texts(liaison)[-1]
    assert "已报送" in await say(app, console, "孙伟", "/submit 1 水利局：巡堤 12 次，无险情")
    await at(app, clock, console, 2026, 11, 27, 10, 0)
    revised = await say(app, console, "孙伟", "报送 提交 1 水利局：巡堤 15 次，无险情（更正）")
    assert "已更新" in revised
    # submission.due_soon = 1 工作日: Monday 11-30 at the push hour (09:00), not a minute before
    assert chased(await at(app, clock, console, 2026, 11, 30, 8, 59)) == set()
    assert chased(await at(app, clock, console, 2026, 11, 30, 9, 0)) == {"周敏", "吴磊"}
    await at(app, clock, console, 2026, 11, 30, 10, 0)
    await say(app, console, "周敏", "/submit 1 林业局：护林员巡山 30 人次")
    # submission.chase = 1 工作日 after the deadline, twice (chase_rounds), then the organiser
    assert chased(await at(app, clock, console, 2026, 12, 2, 8, 59)) == set()
    over1 = await at(app, clock, console, 2026, 12, 2, 9, 0)
    assert chased(over1) == {"吴磊"} and "逾期第 1 次" in over1["吴磊"][0]
    assert "本周防汛工作信息（汇总）" in over1["陈静"][0]  # the organiser's copy, with the file
    assert [r for a, r in console.sent if a == "陈静"][-1].attachment is not None
    over2 = await at(app, clock, console, 2026, 12, 3, 9, 0)
    assert chased(over2) == {"吴磊"} and "逾期第 2 次" in over2["吴磊"][0]
    late = await at(app, clock, console, 2026, 12, 4, 9, 0)
    assert set(late) == {"陈静"} and "仍未报送：城关镇" in late["陈静"][0]
    assert await at(app, clock, console, 2026, 12, 7, 9, 0) == {}  # bounded: nothing more

    progress = await say(app, console, "陈静", "/submission 进度 1")
    assert "已报 2/3" in progress and "城关镇：❌ 未报（已逾期）" in progress
    merged = await say(app, console, "陈静", "报送 汇总 1")
    assert merged.index("县水利局") < merged.index("县林业局")
    assert "巡堤 15 次" in merged and "巡堤 12 次" not in merged  # the latest wins
    assert "逾期未报或迟报：城关镇" in merged
    reply = [r for a, r in console.sent if a == "陈静"][-1]
    assert reply.attachment is not None and reply.attachment.name.endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(reply.attachment.data)).paragraphs)
    assert text.index("一、县水利局") < text.index("巡堤 15 次") < text.index("二、县林业局")
    assert text.index("二、县林业局") < text.index("护林员巡山")
    assert "逾期未报或迟报单位：城关镇" in text


async def test_revision_is_kept_as_history_and_refused_after_the_deadline(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/submit 1 第一稿")
    await say(app, console, "孙伟", "/submit 1 第二稿：\n一、巡堤\n二、物资")
    shown = await say(app, console, "孙伟", "报送 查看 1")
    assert "第一稿" not in shown and "报送 2 次" in shown
    assert "第二稿：\n一、巡堤\n二、物资" in shown  # the lines as typed
    assert await entries(app) == 2  # history kept
    await at(app, clock, console, 2026, 12, 2, 10, 0)
    refused = await say(app, console, "孙伟", "/submit 1 第三稿")
    assert "已过截止时间" in refused and await entries(app) == 2
    late = await say(app, console, "吴磊", "/submit 1 城关镇迟报")
    assert "记为迟报" in late and await entries(app) == 3


async def test_a_liaison_neither_submits_for_nor_reads_another_unit(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", "报送 新建 城关镇专报 单位=城关镇 截止=2026-12-01")
    await say(app, console, "吴磊", "/submit 1 城关镇内容")
    refused = await say(app, console, "孙伟", "/submit 1 水利局想代报")
    assert "不在您的查看范围" in refused and await entries(app) == 1
    assert "不在您的查看范围" in await say(app, console, "孙伟", "报送 查看 1 城关镇")
    assert "不在您的查看范围" in await say(app, console, "孙伟", "/submission_progress 1")
    assert "城关镇专报" not in await say(app, console, "孙伟", "报送")
    assert "城关镇内容" in await say(app, console, "陈静", "报送 查看 1 城关镇")
    assert "仅限" in await say(app, console, "孙伟", "报送 汇总 1")


async def test_classified_text_is_refused_and_nothing_is_stored(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", NEW)
    refused = await say(app, console, "孙伟", "/submit 1 机密★10年 水库调度方案")
    assert "密级" in refused and await entries(app) == 0
