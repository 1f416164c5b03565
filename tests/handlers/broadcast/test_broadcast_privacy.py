"""A broadcast goes out as drafted, in groups too (a contact phone must stay callable); the
preview warns the drafter when the groups would read personal data."""

from __future__ import annotations

from bot.app import App
from tests.handlers.broadcast.test_broadcast import GROUP, bapp, say  # noqa: F401
from tests.support import RecordingAdapter

TEXT = "李家村山体滑坡，联系人王小明 13912345678，请各单位做好转移准备"
WARNING = "正文含手机号、身份证号或姓名，群内所有人可见"


async def test_the_preview_warns_and_the_group_reads_what_was_drafted(
    bapp: App,  # noqa: F811
    console: RecordingAdapter,
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    preview = console.sent[-1][1]
    assert WARNING in preview.text
    await say(bapp, preview.buttons[0][0].command, sender="李明")
    (group,) = console.texts(GROUP)
    assert TEXT in group
    assert TEXT in console.texts("孙伟")[-1]


async def test_no_warning_without_personal_data(
    bapp: App,  # noqa: F811
    console: RecordingAdapter,
) -> None:
    await say(bapp, "应急广播 防汛 红色 今晚有暴雨，请各单位做好防范", sender="李明")
    assert WARNING not in console.sent[-1][1].text
