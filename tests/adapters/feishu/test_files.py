"""Pictures and files through Feishu against the local open.feishu.cn fake: the app uploads them
(im/v1/images, im/v1/files) before sending anything and sends image or file messages after the
text; a custom bot shows the app's pictures and, unable to send files, says how else to get
them; /report 表格 asked for through a signed, encrypted event."""

from __future__ import annotations

import json

import pytest

from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.testing.fakes import Fault
from bot.testing.feishu import FakeFeishu
from models.directory import binding
from models.directory.users import find_user
from tests.adapters.files import CHART, TABLE, chart_reply, table_reply
from tests.adapters.rig import Rig


async def test_app_sends_text_then_picture_or_file(rig: Rig, feishu: FakeFeishu) -> None:
    await rig.adapter.send("ou_zhangsan", chart_reply(buttons=True))
    await rig.adapter.send("chat:oc_duty", table_reply())
    await rig.adapter.send("ou_zhangsan", Reply("", attachment=CHART))
    kinds = [body["msg_type"] for body in feishu.to("ou_zhangsan")]
    assert kinds == ["interactive", "image", "image"]  # buttons make the text a card
    (_, chart), (_, again) = feishu.files("ou_zhangsan")
    assert chart.data == CHART.data and again == chart
    assert len([u for u in feishu.uploads.values() if u.data == CHART.data]) == 1
    assert feishu.texts("chat:oc_duty") == ["督查通报（表格）"]
    [(kind, table)] = feishu.files("chat:oc_duty")
    assert kind == "file" and table.field == "xls" and table.name == "督查通报-周.xlsx"
    assert table.data == TABLE.data


async def test_a_failed_upload_sends_nothing(rig: Rig, feishu: FakeFeishu) -> None:
    feishu.fail_next(Fault(status=503))
    with pytest.raises(DeliveryError) as failed:  # the outbox retries it later
        await rig.adapter.send("ou_zhangsan", table_reply())
    assert not failed.value.permanent and "503" in str(failed.value)
    assert feishu.to("ou_zhangsan") == []
    await rig.adapter.send("ou_zhangsan", table_reply())
    assert (
        feishu.texts("ou_zhangsan") == ["督查通报（表格）"]
        and len(feishu.files("ou_zhangsan")) == 1
    )


async def test_custom_bot_shows_pictures_and_explains_files(rig: Rig, feishu: FakeFeishu) -> None:
    await rig.adapter.send("robot:防汛群", chart_reply())
    await rig.adapter.send("robot:防汛群", table_reply())
    sent = feishu.to("robot:flood")
    assert [b["msg_type"] for b in sent] == ["text", "image", "text"]
    [(_, chart)] = feishu.files("robot:flood")
    assert chart.data == CHART.data
    note = sent[2]["content"]["text"]
    assert note.startswith(
        "督查通报（表格）\n（飞书自定义机器人不能发送文件，附件「督查通报-周.xlsx」"
    )
    assert "私聊机器人重新发送命令，或请管理员导出" in note


async def test_report_workbook_asked_for_in_chat(rig: Rig, feishu: FakeFeishu) -> None:
    async with rig.app.sessions.begin() as session:
        supervisor = await find_user(session, "陈静")
        await binding.bind_account(
            session, supervisor, "feishu", "ou_chenjing", rig.app.clock.now()
        )
    event = feishu.message_event("ou_chenjing", "通报 月 表格", "ev-report")
    assert (await feishu.post_event(f"{rig.http.url}/feishu/events", event))[0] == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    text, file = feishu.to("ou_chenjing")
    assert json.loads(text["content"])["text"].startswith("📊 督查通报（")
    [(kind, table)] = feishu.files("ou_chenjing")
    assert kind == "file" and table.name.endswith(".xlsx") and table.data.startswith(b"PK")
    assert file["msg_type"] == "file"
