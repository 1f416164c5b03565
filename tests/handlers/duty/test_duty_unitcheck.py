"""县级查岗 of townships and departments: the units' people on duty answer 「在岗」, the caller is
told who answered and how fast and which unit stayed silent (with its 值班电话 to ring), and the
monthly 查岗通报 carries the same figures in chat and in its Word file."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply
from models.duty.unitcheck import UnitCheck, UnitPhone
from tests.duty_support import later, say
from tests.support import RecordingAdapter


def _last(console: RecordingAdapter, address: str, marker: str) -> Reply:
    return [r for a, r in console.sent if a == address and marker in r.text][-1]


async def test_a_check_answered_by_one_unit_and_missed_by_another(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "值班电话 城关镇 0571-8765 4321", sender="刘洋")
    assert "已登记 城关镇 值班电话：0571-87654321" in console.texts("刘洋")[-1]
    await say(app, "县级查岗 城关镇、河口乡")
    reply = console.texts("张三")[-1]
    assert "城关镇（编号 1）：已通知 1 人；值班电话 0571-87654321" in reply
    assert "河口乡（编号 2）：无联络员可通知，请电话查岗；未登记值班电话" in reply
    ask = _last(console, "吴磊", "【县级查岗】城关镇")
    clock.advance(minutes=3, seconds=20)
    await say(app, ask.buttons[0][0].command, sender="吴磊")  # 「在岗 1」
    assert "已应答县级查岗（城关镇）。" in console.texts("吴磊")[-1]
    assert "城关镇 吴磊 已应答在岗，用时 3 分 20 秒" in console.texts("张三")[-1]
    await later(app, clock, minutes=10)
    silent = [t for t in console.texts("张三") if "【县级查岗未应答】" in t]
    assert len(silent) == 1 and "河口乡" in silent[0] and "未登记值班电话" in silent[0]

    await say(app, "查岗通报", sender="李明")
    report = _last(console, "李明", "县级查岗通报")
    assert "城关镇：查岗 1 次，应答 1，按时 1，未应答 0，平均 3 分 20 秒" in report.text
    assert "河口乡：查岗 1 次，应答 0，按时 0，未应答 1，平均 —" in report.text
    assert report.attachment is not None and report.attachment.name.endswith(".docx")
    word = Document(io.BytesIO(report.attachment.data))
    rows = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert rows[0][:2] == ["单位", "查岗"]
    assert ["河口乡", "1", "0", "0", "1", "—"] in rows
    assert any("河口乡" in p.text for p in word.paragraphs if p.text.startswith("以下单位"))


async def test_every_unit_but_ones_own_when_none_is_named(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "乡镇查岗")
    reply = console.texts("张三")[-1]
    assert "城关镇" in reply and "县水利局" in reply and "县政府办公室" not in reply
    for liaison, unit in (("孙伟", "县水利局"), ("周敏", "县林业局"), ("吴磊", "城关镇")):
        assert any(f"【县级查岗】{unit}" in t for t in console.texts(liaison))


async def test_refusals_change_nothing(app: App, console: RecordingAdapter) -> None:
    await say(app, "在岗", sender="吴磊")
    assert "城关镇 当前没有待应答的县级查岗" in console.texts("吴磊")[-1]
    await say(app, "值班电话 县水利局 0571-87654321", sender="吴磊")
    assert "联络员只能登记本单位（城关镇）" in console.texts("吴磊")[-1]
    await say(app, "值班电话 城关镇 12345", sender="吴磊")
    assert "格式不对" in console.texts("吴磊")[-1]
    await say(app, "县级查岗 不存在的镇")
    assert "没有单位「不存在的镇」" in console.texts("张三")[-1]
    await say(app, "查岗通报 2026-13")
    assert "年月应写作 2026-11" in console.texts("张三")[-1]
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(UnitCheck)) == 0
        assert await session.scalar(select(func.count()).select_from(UnitPhone)) == 0


async def test_another_units_liaison_cannot_answer_for_it(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "县级查岗 城关镇")
    await say(app, "在岗 1", sender="孙伟")  # 县水利局's liaison, with 城关镇's check id
    assert "县水利局 当前没有待应答的县级查岗" in console.texts("孙伟")[-1]
    async with app.sessions() as session:
        check = await session.get(UnitCheck, 1)
        assert check is not None and check.answered_at is None


async def test_a_late_answer_is_recorded_and_said_to_be_late(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "县级查岗 城关镇")
    await later(app, clock, minutes=12)
    await say(app, "在岗", sender="吴磊")
    assert "已应答县级查岗（城关镇），已超时。" in console.texts("吴磊")[-1]
    await say(app, "查岗通报")
    assert (
        "城关镇：查岗 1 次，应答 1，按时 0，未应答 0，平均 12 分 0 秒" in console.texts("张三")[-1]
    )
