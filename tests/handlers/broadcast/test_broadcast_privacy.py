"""A broadcast's group copy has personal data masked; the people it reaches privately get it
whole."""

from __future__ import annotations

from bot.app import App
from tests.handlers.broadcast.test_broadcast import GROUP, bapp, say  # noqa: F401
from tests.support import RecordingAdapter

TEXT = "李家村山体滑坡，联系人王小明 13912345678，请各单位做好转移准备"


async def test_the_group_copy_is_masked_the_private_copies_are_not(
    bapp: App,  # noqa: F811
    console: RecordingAdapter,
) -> None:
    await say(bapp, f"应急广播 防汛 红色 {TEXT}", sender="李明")
    await say(bapp, console.sent[-1][1].buttons[0][0].command, sender="李明")
    (group,) = console.texts(GROUP)
    assert "联系人王** 139****5678" in group and "13912345678" not in group
    assert group.splitlines()[-1] == console.texts("孙伟")[-1].splitlines()[-1]  # same footer
    assert TEXT in console.texts("孙伟")[-1]
