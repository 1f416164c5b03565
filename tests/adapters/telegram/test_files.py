"""Pictures and files through both drivers to the local Bot API server: sendPhoto/sendDocument
as multipart uploads, captions within 1,024 characters (longer text first, as a message of its
own), buttons under the file, a picture Telegram refuses as a photo sent as a document, and a
flood-control refusal retried to exactly one delivery; /report 图表 and 表格 asked for in chat."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.messages import Attachment, Reply
from bot.core.roles import Role
from tests.adapters.files import CHART, TABLE, chart_reply, png, table_reply
from tests.adapters.telegram.harness import add_person, queue, running_bot, settle

DRIVERS = ["ptb", "aiogram"]
USER, GROUP = 7001, -500


@pytest.mark.parametrize("driver", DRIVERS)
async def test_chart_as_photo_and_table_as_document_with_captions(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await queue(chat.app, USER, chart_reply(buttons=True), "chart")
        await queue(chat.app, GROUP, table_reply("<b>不是标签</b> & 表格"), "table")
        await settle(chat.app, clock)
        [photo] = chat.fake.sent_to(USER)
        assert photo.file.field == "photo" and photo.file.data == CHART.data
        assert photo.file.name == "督查通报-周.png"
        assert photo.text == "督查通报（图表）"
        assert photo.keyboard == [[{"text": "表格版", "callback_data": "/report 表格"}]]
        [document] = chat.fake.sent_to(GROUP)
        assert document.file.field == "document" and document.file.data == TABLE.data
        assert document.file.name == "督查通报-周.xlsx"
        assert document.text == "<b>不是标签</b> & 表格"  # escaped, shown as typed


@pytest.mark.parametrize("driver", DRIVERS)
async def test_text_too_long_for_a_caption_goes_first_on_its_own(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    long_text = "\n".join(f"第{i}行：县水利局按期办结率 100.0%（3/3）" for i in range(60))
    assert 1024 < len(long_text) < 4096
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await queue(chat.app, USER, chart_reply(long_text, buttons=True), "long")
        await settle(chat.app, clock)
        text, photo = chat.fake.sent_to(USER)
        assert text.file is None and text.text == long_text
        assert text.keyboard and not photo.keyboard
        assert photo.file.data == CHART.data and photo.text == ""
        await queue(chat.app, USER, Reply("", attachment=CHART), "bare")
        await settle(chat.app, clock)
        bare = chat.fake.sent_to(USER)[-1]
        assert bare.file.data == CHART.data and bare.text == ""


@pytest.mark.parametrize("driver", DRIVERS)
async def test_a_picture_refused_as_a_photo_goes_as_a_document(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    strip = Attachment("长图.png", "image/png", data=png(40, 1000))  # 1:25, too narrow
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await queue(chat.app, USER, Reply("长图", attachment=strip), "strip")
        await settle(chat.app, clock)
        [sent] = chat.fake.sent_to(USER)
        assert sent.file.field == "document" and sent.file.data == strip.data
        methods = [m for m, _ in chat.fake.calls if m.startswith("send")]
        assert methods == ["sendPhoto", "sendDocument"]


@pytest.mark.parametrize("fault", ["429", "500"])
@pytest.mark.parametrize("driver", DRIVERS)
async def test_a_refused_upload_is_retried_and_delivered_once(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str, fault: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        chat.fake.fail("sendDocument", fault, chat_id=USER)
        await queue(chat.app, USER, table_reply(), "retry")
        await settle(chat.app, clock)
        [sent] = chat.fake.sent_to(USER)
        assert sent.file.data == TABLE.data and not chat.fake.faults


@pytest.mark.parametrize("driver", DRIVERS)
async def test_report_chart_and_workbook_asked_for_in_chat(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        await add_person(chat.app, "陈静", {Role.SUPERVISOR}, telegram_id=USER)
        await chat.say(str(USER), "/report 图表")
        await chat.say(str(USER), "通报 月 表格")
        await settle(chat.app, clock)
        photo, document = chat.fake.sent_to(USER)
        assert photo.file.field == "photo" and photo.file.data.startswith(b"\x89PNG")
        assert photo.file.name.endswith(".png") and photo.text.startswith("📊 督查通报（")
        assert document.file.field == "document" and document.file.name.endswith(".xlsx")
        assert document.file.data.startswith(b"PK") and "12345工单" in document.text
