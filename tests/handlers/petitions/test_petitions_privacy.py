"""Who reads the chat decides the mask: a group never sees a petitioner unmasked, a private chat
by the reader's role, and the 诉求's free text is masked like 12345 text."""

from __future__ import annotations

from bot.app import App
from tests.handlers.supervision.test_supervision import say
from tests.support import RecordingAdapter, incoming

ID = "410101198001011234"
NEW = f"信访 登记 来访 申诉求决 李四 13800001111 我叫钱七，身份证{ID}，电话136 0000 1234，要求退款"


async def in_group(app: App, console: RecordingAdapter, who: str, text: str) -> str:
    address = "group:值班室工作群"
    before = len(console.texts(address))
    await app.dispatcher.receive(incoming(text, sender=who, chat="值班室工作群", group=True))
    await app.sender.drain()
    return "\n".join(console.texts(address)[before:])


async def test_a_supervisor_in_a_group_sees_masked_and_in_private_unmasked(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)
    group = await in_group(app, console, "陈静", "/petition 1")
    assert "信访人：李* 138****1111" in group
    assert "李四" not in group and "13800001111" not in group
    assert ID not in group and "13600001234" not in group.replace(" ", "")
    listed = await in_group(app, console, "陈静", "/petition_list")
    assert "李* 138****1111" in listed and "李四" not in listed

    private = await say(app, console, "陈静", "/petition 1")
    assert "信访人：李四 13800001111" in private and ID in private
    assert "李四 13800001111" in await say(app, console, "陈静", "/petition_list")


async def test_an_officer_in_private_sees_the_free_text_masked(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)
    shown = await say(app, console, "张三", "/petition 1")
    assert "诉求：我叫钱*，身份证410***********1234，电话136****1234，要求退款" in shown
    assert "钱七" not in shown and ID not in shown


async def test_the_notice_to_the_handling_unit_is_masked(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)
    await say(app, console, "张三", "信访 转办 1 县水利局")
    notice = console.texts("孙伟")[-1]
    assert "信访事项交办" in notice and ID not in notice and "钱七" not in notice


async def test_a_leaders_instruction_makes_a_task_title_without_personal_data(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", NEW)
    reply = await say(app, console, "李明", "批示 信访1 县水利局 10工作日 请依法处理")
    assert "李明批示：信访 #1（申诉求决）：我叫钱*，身份证410" in reply
    assert ID not in reply and "钱七" not in console.texts("孙伟")[-1]
