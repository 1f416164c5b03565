"""Pictures and files through DingTalk against the local fake: uploaded first (oapi
media/upload), then sent through the OpenAPI after the text (sampleImageMsg, sampleFile), also
when the text went by a fresh sessionWebhook; a custom robot cannot send files, so its message
says how else to get them; /report 图表 asked for through a signed callback."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.testing.dingtalk import FakeDingTalk
from bot.testing.fakes import Fault
from models.directory import binding
from models.directory.users import find_user
from tests.adapters.files import CHART, TABLE, chart_reply, table_reply
from tests.adapters.rig import Rig

_ids = itertools.count(5000)


async def test_openapi_sends_text_then_picture_or_file(rig: Rig, ding: FakeDingTalk) -> None:
    await rig.adapter.send("zhangsan", chart_reply())
    await rig.adapter.send("group:cid-duty", table_reply())
    await rig.adapter.send("zhangsan", Reply("", attachment=CHART))
    keys = [body["msgKey"] for body in ding.to("zhangsan")]
    assert keys == ["sampleText", "sampleImageMsg", "sampleImageMsg"]
    (param, chart), (_, again) = ding.files("zhangsan")
    assert chart.data == CHART.data and again == chart and param["photoURL"].startswith("@lA")
    names = [u.name for u in ding.uploads.values()]
    assert names == ["督查通报-周.png", "督查通报-周.xlsx"]  # the picture went up once
    assert ding.texts("group:cid-duty") == ["督查通报（表格）"]
    [(param, table)] = ding.files("group:cid-duty")
    assert param["fileName"] == "督查通报-周.xlsx" and param["fileType"] == "xlsx"
    assert table.data == TABLE.data and table.name == "督查通报-周.xlsx"


async def test_after_a_session_webhook_reply_the_file_goes_by_openapi(
    rig: Rig, ding: FakeDingTalk
) -> None:
    body = ding.message("zhangsan", "我是谁", f"m{next(_ids)}")
    assert await ding.callback(f"{rig.http.url}/dingtalk/callback", body) == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    await rig.adapter.send("zhangsan", table_reply())
    sent = ding.to("zhangsan")
    assert [b.get("msgtype") or b["msgKey"] for b in sent[-2:]] == ["text", "sampleFile"]
    assert sent[-2]["text"]["content"] == "督查通报（表格）"  # by the session webhook


async def test_a_failed_upload_sends_nothing(rig: Rig, ding: FakeDingTalk) -> None:
    ding.fail_next(Fault(status=502))
    with pytest.raises(DeliveryError) as failed:
        await rig.adapter.send("zhangsan", chart_reply())
    assert not failed.value.permanent
    assert ding.to("zhangsan") == []


async def test_custom_robot_cannot_send_files_and_says_how_to_get_them(
    rig: Rig, ding: FakeDingTalk
) -> None:
    how = "私聊机器人发送「通报 周 表格」，或由管理员运行 dutybot report --period week"
    await rig.adapter.send("robot:防汛群", chart_reply())
    await rig.adapter.send("robot:防汛群", Reply("", attachment=replace(TABLE, elsewhere=how)))
    first, second = ding.texts("robot:flood")
    assert first.startswith(
        "督查通报（图表）\n（钉钉自定义机器人不能发送文件，附件「督查通报-周.png」"
    )
    assert first.endswith("获取方式：私聊机器人重新发送命令，或请管理员导出。）")
    assert second == (
        "（钉钉自定义机器人不能发送文件，附件「督查通报-周.xlsx」未随本消息发出。"
        f"获取方式：{how}。）"
    )
    assert ding.uploads == {}


async def test_report_chart_asked_for_in_chat(rig: Rig, ding: FakeDingTalk) -> None:
    async with rig.app.sessions.begin() as session:
        supervisor = await find_user(session, "陈静")
        await binding.bind_account(
            session, supervisor, "dingtalk", "chenjing", rig.app.clock.now()
        )
    body = ding.message("chenjing", "通报 图表", f"m{next(_ids)}")
    assert await ding.callback(f"{rig.http.url}/dingtalk/callback", body) == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    assert ding.texts("chenjing")[0].startswith("📊 督查通报（")
    [(_, chart)] = ding.files("chenjing")
    assert chart.data.startswith(b"\x89PNG") and chart.name.endswith(".png")
