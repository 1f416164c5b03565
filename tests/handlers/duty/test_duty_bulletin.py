"""要情快报 from an incident: drafted in one command, edited in a dialog, sent to the 带班领导
on duty, 退回 with a reason, revised, resubmitted, 批准 — numbered 第1期 and pushed with a .docx
whose 期号, 签发人 and fields are checked; forged, stale and other people's buttons refused."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from bot.app import App
from bot.core.messages import Reply
from models.duty.bulletin import DutyBulletin
from tests.duty_support import say
from tests.secrecy_support import marked_cells, stored_texts
from tests.support import RecordingAdapter

FIRE = "突发 新建 较大 森林火灾 城关镇后山起火，2人受伤 接报=8:40"


def _last(console: RecordingAdapter, who: str, marker: str) -> Reply:
    return [r for a, r in console.sent if a == who and marker in r.text][-1]


def _buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.command for row in reply.buttons for b in row}


async def _bulletin(app: App) -> DutyBulletin:
    async with app.sessions() as session:
        found = await session.scalar(select(DutyBulletin))
        assert found is not None
        return found


async def test_from_incident_through_return_and_revision_to_the_issued_docx(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, FIRE)
    await say(app, "要情快报 事件 1")
    draft = console.texts("张三")[-1]
    assert "要情快报（草稿）#1" in draft
    assert "事件：森林火灾：城关镇后山起火，2人受伤" in draft
    assert "时间：2026-11-26 08:40" in draft and "伤亡：受伤2人" in draft
    assert "报告人：张三" in draft
    await say(app, "地点=城关镇后山\n已采取措施=已调派扑火队")
    assert "地点：城关镇后山" in console.texts("张三")[-1]
    await say(app, "提交")
    assert "已送 李明 审核（第 1 次送审）" in console.texts("张三")[-1]
    first = _buttons(_last(console, "李明", "【要情快报·待审核】#1"))
    assert set(first) == {"批准", "退回"}

    await say(app, first["批准"], sender="王刚")  # another leader presses 李明's button
    assert "应由 李明 审核，您无权处理" in console.texts("王刚")[-1]
    forged = first["批准"].rsplit(" ", 1)[0] + " 0123456789abcdef"
    await say(app, forged, sender="李明")
    assert "该审核按钮无效或已过期" in console.texts("李明")[-1]
    assert (await _bulletin(app)).status == "待审核"  # nothing changed

    await say(app, first["退回"], sender="李明")
    assert "请回复退回 要情快报 #1 的原因" in console.texts("李明")[-1]
    await say(app, "伤员情况请核实后再报", sender="李明")
    assert "已退回 要情快报 #1" in console.texts("李明")[-1]
    back = console.texts("张三")[-1]
    assert "被 李明 退回。原因：伤员情况请核实后再报" in back and "/bulletin_edit 1" in back
    await say(app, first["批准"], sender="李明")  # the old button after the 退回
    assert "当前为「已退回」" in console.texts("李明")[-1]

    await say(app, "/bulletin_edit 1")
    assert "退回原因：伤员情况请核实后再报" in console.texts("张三")[-1]
    await say(app, "伤亡=2人轻伤，已送县医院")
    await say(app, "提交")
    assert "第 2 次送审" in console.texts("张三")[-1]
    second = _buttons(_last(console, "李明", "第 2 次送审"))
    await say(app, first["批准"], sender="李明")  # revision 1's token no longer signs
    assert "该审核按钮无效或已过期" in console.texts("李明")[-1]
    await say(app, second["批准"], sender="李明")
    assert "已批准并签发 要情快报 2026年第1期" in console.texts("李明")[-1]
    await say(app, second["批准"], sender="李明")  # pressed twice: no second number
    assert "当前为「已签发」" in console.texts("李明")[-1]

    pushed = _last(console, "王刚", "【要情快报】2026年第1期")
    assert "签发人：李明" in pushed.text and "伤亡：2人轻伤，已送县医院" in pushed.text
    assert "【要情快报】2026年第1期" in _last(console, "张三", "【要情快报】").text
    file = pushed.attachment
    assert file is not None and file.name == "要情快报_2026年第1期.docx"
    word = Document(io.BytesIO(file.data))
    lines = [p.text for p in word.paragraphs if p.text]
    assert lines[0] == "要情快报"
    assert lines[1] == "县人民政府办公室　第1期　签发人：李明"
    cells = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert cells["事件"] == "森林火灾：城关镇后山起火，2人受伤"
    assert cells["时间"] == "2026-11-26 08:40" and cells["地点"] == "城关镇后山"
    assert cells["伤亡"] == "2人轻伤，已送县医院" and cells["已采取措施"] == "已调派扑火队"
    assert cells["报告人"] == "张三"
    assert "2026年11月26日" in lines


async def test_numbering_runs_on_and_a_log_makes_a_duty_information(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "记录 来电 河口乡报告河堤渗水 时间=8:50 地点=河口乡 单位=河口乡政府 姓名=王五")
    await say(app, "值班信息 日志 1")
    assert "值班信息（草稿）#1" in console.texts("张三")[-1]
    await say(app, "报告人=河口乡政府 王五")
    await say(app, "/bulletin_submit 1")
    await say(app, _buttons(_last(console, "李明", "#1"))["批准"], sender="李明")
    assert "签发 值班信息 2026年第1期" in console.texts("李明")[-1]
    await say(app, "值班信息 日志 1")
    await say(app, "提交")
    await say(app, _buttons(_last(console, "李明", "#2"))["批准"], sender="李明")
    assert "签发 值班信息 2026年第2期" in console.texts("李明")[-1]
    await say(app, "快报 列表", sender="郑华")
    listing = console.texts("郑华")[-1]
    assert "#2 值班信息第2期【已签发】" in listing and "#1 值班信息第1期【已签发】" in listing


async def test_bad_input_is_refused_in_chinese_and_changes_nothing(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "要情快报 事件 9")
    assert "没有编号为 9 的突发事件" in console.texts("张三")[-1]
    await say(app, "要情快报 文件 1")
    assert "来源应为 事件 或 日志" in console.texts("张三")[-1]
    await say(app, FIRE)
    await say(app, "要情快报 事件 1")
    await say(app, "颜色=红色")
    assert "无法识别「颜色=红色」，未作修改" in console.texts("张三")[-1]
    await say(app, "地点=城关镇\n随便写写")  # one bad line: the good one is not kept either
    assert "未作修改" in console.texts("张三")[-1]
    await say(app, "地点=城关镇 机密 文件")  # a 密级 marking: refused before anything is stored
    assert "密" in console.texts("张三")[-1]
    assert (await _bulletin(app)).place == ""
    assert marked_cells(await stored_texts(app)) == []  # not in any table, inbox included
    await say(app, "/bulletin_edit 1", sender="赵丽")
    assert "只有拟稿人可以修改" in console.texts("赵丽")[-1]
    await say(app, "/bulletin_approve 1 0123456789abcdef", sender="李明")
    assert "当前为「草稿」，无需审核" in console.texts("李明")[-1]
    await say(app, "/bulletin_submit 1 @郑华")
    assert "郑华 不是其他领导" in console.texts("张三")[-1]
    assert (await _bulletin(app)).status == "草稿"
    await say(app, "要情快报 事件 1", sender="李明")  # the 带班领导 drafts: not their own review
    await say(app, "提交", sender="李明")
    assert "不能审核自己拟的快报" in console.texts("李明")[-1]
    await say(app, "/bulletin_submit 2 @李明", sender="李明")
    assert "拟稿人不能自审" in console.texts("李明")[-1]
    await say(app, "/bulletin_submit 2 @王刚", sender="李明")
    assert "已送 王刚 审核" in console.texts("李明")[-1]
