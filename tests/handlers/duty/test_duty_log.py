"""/log: saved at once, missing fields asked one by one (取消 keeps what was given), triage
alerts the 带班领导 and opens an incident; /logs shows the day."""

from __future__ import annotations

from bot.app import App
from tests.duty_support import say
from tests.support import RecordingAdapter


async def test_call_log_asks_for_each_missing_field(app: App, console: RecordingAdapter) -> None:
    await say(app, "记录 来电 河口乡报告李家村山体滑坡，3人遇难 电话=13912345678")
    first = console.texts("张三")[-1]
    assert "已记录日志 #1【来电】，研判分类：地质灾害，建议级别：较大" in first
    assert "请补充时间" in first and "还差 6 项" in first
    alert = [t for t in console.texts("李明") if "【突发·较大】" in t]
    assert alert and "李家村山体滑坡" in alert[0] and "事件 #1" in alert[0]
    answers = ["9:10", "河口乡李家村", "河口乡政府", "王五 副乡长", "无", "已组织转移群众"]
    prompts = ["请补充地点", "请补充对方单位", "请补充对方姓名", "已通知哪些", "已采取哪些"]
    for answer, prompt in zip(answers, [*prompts, "已补充完整"], strict=True):
        await say(app, answer)
        assert prompt in console.texts("张三")[-1]
    done = console.texts("张三")[-1]
    assert "电话：13912345678" in done and "姓名：王五 副乡长" in done and "缺：" not in done
    await say(app, "值班日志", sender="李明")
    assert "地质灾害/较大" in console.texts("李明")[-1]


async def test_cancel_keeps_the_entry_with_its_gaps(app: App, console: RecordingAdapter) -> None:
    await say(app, "/log doc 县应急局转发寒潮防御通知")
    assert "请补充对方单位" in console.texts("张三")[-1]
    await say(app, "县应急管理局")
    await say(app, "取消")
    assert "已停止补充。日志 #1 已按现有内容保存（未填：时间）" in console.texts("张三")[-1]
    await say(app, "值班")  # no longer captured by the conversation: a command again
    assert "值班安排" in console.texts("张三")[-1]
    await say(app, "/logs")
    text = console.texts("张三")[-1]
    assert "单位：县应急管理局" in text and "缺：时间" in text


async def test_slash_command_escapes_an_open_conversation(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "记录 上级指令 市应急局要求加强寒潮值守")
    await say(app, "/myduty")
    assert "您接下来的值班" in console.texts("张三")[-1]
    await say(app, "市应急管理局")  # the conversation is still open
    assert "请补充对方姓名" in console.texts("张三")[-1]


async def test_chinese_command_escapes_an_open_conversation(
    app: App, console: RecordingAdapter
) -> None:
    # e.g. typing 到 for a roll call, or 收到 for a broadcast, while a log entry asks for fields
    await say(app, "记录 上级指令 市应急局要求加强寒潮值守")
    await say(app, "我的值班")
    assert "您接下来的值班" in console.texts("张三")[-1]
    await say(app, "市应急管理局")  # the conversation is still open
    assert "请补充对方姓名" in console.texts("张三")[-1]


async def test_kind_glued_to_the_text(app: App, console: RecordingAdapter) -> None:
    await say(app, "记录其他县长办公会改到明天上午")
    assert "已记录日志 #1【其他】" in console.texts("张三")[-1]
    await say(app, "/logs")
    assert "【其他】县长办公会改到明天上午" in console.texts("张三")[-1]


async def test_bad_kind_changes_nothing(app: App, console: RecordingAdapter) -> None:
    await say(app, "记录 闲聊 今天天气很好")
    assert "类别应为 来电/来文/上级指令/突发/其他" in console.texts("张三")[-1]
    await say(app, "/logs")
    assert "没有值班日志" in console.texts("张三")[-1]


async def test_people_trapped_alert_the_leader_though_graded_general(
    app: App, console: RecordingAdapter
) -> None:
    """被困 grades 一般 (no outcome yet), yet a rescue is under way: the 带班领导 hears at once."""
    await say(app, "记录 来电 河口乡报告李家村山体滑坡，3人被困 时间=9:10")
    first = console.texts("张三")[-1]
    assert "建议级别：一般" in first and "已通知带班领导并立事件 #1" in first
    alert = [t for t in console.texts("李明") if "【突发·一般】" in t]
    assert alert and "3人被困" in alert[0]


async def test_general_entry_without_people_trapped_stays_quiet(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "记录 来电 城关镇某路段发生交通事故，1人受伤 时间=9:10")
    assert "建议级别：一般" in console.texts("张三")[-1]
    assert not [t for t in console.texts("李明") if "【突发" in t]


async def test_a_malformed_phone_or_an_over_long_field_is_asked_again(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "记录 来电 河口乡报告山体滑坡 电话=1380000abc")
    assert "电话号码「1380000abc」格式不对：手机号如 13812345678" in console.texts("张三")[-1]
    await say(app, "记录 来电 河口乡报告山体滑坡 时间=9:10 单位=河口乡政府 姓名=王五")
    assert "请补充地点" in console.texts("张三")[-1]
    await say(app, "远" * 101)  # 地点 holds 100 characters (PostgreSQL would refuse more)
    assert "「地点」最多 100 字（现 101 字），请精简后重发" in console.texts("张三")[-1]
    await say(app, "河口乡李家村")
    assert "请补充对方联系电话" in console.texts("张三")[-1]
    await say(app, "1380000abc")
    assert "格式不对" in console.texts("张三")[-1]
    await say(app, "(0571) 8765 4321")
    assert "已通知哪些" in console.texts("张三")[-1]
    await say(app, "/logs")
    assert "电话：0571-87654321" in console.texts("张三")[-1]
