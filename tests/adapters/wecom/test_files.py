"""Pictures and files through WeCom against the local qyapi fake: the app uploads them
(media/upload) and sends image or file messages after the text; a group robot sends a picture
inline (base64 + MD5, up to 2 MB) and anything else through its own upload_media; uploads come
first, so a failed one sends nothing and the outbox's retry sends everything once; /report 图表
asked for through an encrypted callback."""

from __future__ import annotations

import os
import secrets

from bot.core.clock import FakeClock
from bot.core.messages import Attachment, Reply, Target
from bot.store import outbox
from bot.testing.fakes import Fault
from bot.testing.wecom import FakeWeCom
from models.directory import binding
from models.directory.users import find_user
from tests.adapters.files import CHART, TABLE, chart_reply, table_reply
from tests.adapters.rig import Rig


async def test_app_sends_text_then_picture_then_file_uploading_each_once(
    rig: Rig, wecom: FakeWeCom
) -> None:
    await rig.adapter.send("zhangsan", chart_reply())
    await rig.adapter.send("zhangsan", chart_reply("再发一次"))
    await rig.adapter.send("appchat:duty01", table_reply())
    kinds = [body["msgtype"] for body in wecom.to("zhangsan")]
    assert kinds == ["text", "image", "text", "image"]
    assert wecom.texts("zhangsan") == ["督查通报（图表）", "再发一次"]
    (_, first), (_, again) = wecom.files("zhangsan")
    assert first.data == CHART.data and first.name == "督查通报-周.png" and again == first
    assert len(wecom.uploads) == 2  # the same chart went up once (media ids last three days)
    [(kind, table)] = wecom.files("appchat:duty01")
    assert kind == "file" and table.name == "督查通报-周.xlsx" and table.data == TABLE.data
    assert wecom.to("zhangsan")[1]["agentid"] == 1000002  # image messages go as the app


async def test_a_file_without_words_is_just_the_file(rig: Rig, wecom: FakeWeCom) -> None:
    await rig.adapter.send("zhangsan", Reply("", attachment=TABLE))
    assert [b["msgtype"] for b in wecom.to("zhangsan")] == ["file"]


async def test_robot_sends_small_pictures_inline_and_the_rest_as_uploaded_files(
    rig: Rig, wecom: FakeWeCom
) -> None:
    big = Attachment("大图.png", "image/png", data=b"\x89PNG" + os.urandom(3 * 1024 * 1024))
    for reply in (chart_reply(), table_reply(), Reply("大图", attachment=big)):
        await rig.adapter.send("robot:防汛群", reply)
    sent = wecom.to("robot:robot-key-flood")
    assert [b["msgtype"] for b in sent] == ["text", "image", "text", "file", "text", "file"]
    (inline, chart), (_, table), (_, picture) = wecom.files("robot:robot-key-flood")
    assert inline == "image" and chart.data == CHART.data
    assert table.name == "督查通报-周.xlsx" and table.data == TABLE.data
    assert picture.name == "大图.png" and picture.data == big.data  # over 2 MB: a file


async def test_a_failed_upload_sends_nothing_and_the_retry_sends_all_once(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock
) -> None:
    wecom.fail_next(Fault(status=502))  # the upload, which comes before any message
    async with rig.app.sessions.begin() as session:
        await outbox.enqueue(
            session, clock.now(), Target("wecom", "zhangsan"), table_reply(), key="f1"
        )
    await rig.app.sender.drain()
    assert wecom.to("zhangsan") == []
    clock.advance(seconds=5)
    await rig.app.sender.drain()
    assert wecom.texts("zhangsan") == ["督查通报（表格）"]
    [(_, table)] = wecom.files("zhangsan")
    assert table.data == TABLE.data


async def test_report_chart_asked_for_in_chat(rig: Rig, wecom: FakeWeCom) -> None:
    async with rig.app.sessions.begin() as session:
        supervisor = await find_user(session, "陈静")
        await binding.bind_account(session, supervisor, "wecom", "chenjing", rig.app.clock.now())
    url = f"{rig.http.url}/wecom/callback"
    assert await wecom.callback(url, "chenjing", "通报 图表", secrets.token_hex(4)) == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    assert wecom.texts("chenjing")[0].startswith("📊 督查通报（")
    [(kind, chart)] = wecom.files("chenjing")
    assert kind == "image" and chart.data.startswith(b"\x89PNG") and chart.name.endswith(".png")
