"""/help for a Chinese head word lists every sub-command the caller may use under it."""

from __future__ import annotations

from bot.app import App
from tests.duty_support import say
from tests.support import RecordingAdapter


async def test_head_word_lists_its_sub_commands(app: App, console: RecordingAdapter) -> None:
    await say(app, "帮助 督办", sender="陈静")  # 督查员
    text = console.texts("陈静")[-1]
    assert text.startswith("「督办」相关命令")
    for usage in ("/task_new", "/task_close", "/task_extend", "/task_list", "/task "):
        assert usage in text, usage
    await say(app, "帮助 督办", sender="孙伟")  # 联络员: the unit's side of it
    liaison = console.texts("孙伟")[-1]
    for usage in ("/task_sign", "/task_progress", "/task_done"):
        assert usage in liaison, usage
    await say(app, "帮助 督办", sender="郑华")  # 查看者: only what a viewer may use
    viewer = console.texts("郑华")[-1]
    assert "/task_new" not in viewer and "/task_list" in viewer


async def test_a_single_command_still_gets_its_detail(app: App, console: RecordingAdapter) -> None:
    await say(app, "帮助 绑定", sender="陈静")
    assert "用法：/bind" in console.texts("陈静")[-1]
