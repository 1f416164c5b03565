"""Files people send on Telegram, with both drivers, downloaded from the local Bot API server
(getFile, then ``/file/bot<token>/<path>``): a roster .xlsx captioned ``/submit 1`` is taken as
the roster; a photo without a caption, a marked file name and a file that cannot be fetched are
answered in Chinese."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.roles import Role
from tests.adapters.telegram.harness import add_person, running_bot
from tests.core.test_inbound_files import XLSX, xlsx
from tests.handlers.submissions.test_roster_by_file import GOOD
from tests.handlers.submissions.test_submissions import entries

OFFICER, LIAISON = 7002, 7003


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("driver", ["ptb", "aiogram"])
async def test_a_roster_file_and_refusals(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str, mode: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver, mode=mode) as chat:
        app: App = chat.app
        await add_person(app, "值班员甲", {Role.OFFICER}, telegram_id=OFFICER)
        await add_person(app, "联络员乙", {Role.LIAISON}, telegram_id=LIAISON)
        await chat.say(str(OFFICER), "值班表报备 县应急管理局")
        assert "值班表报备 #1" in (await chat.replies(str(OFFICER)))[-1]

        fake = chat.fake
        fake.host("X1", "documents/file_7.xlsx", xlsx(GOOD))
        await chat.deliver(fake.document_update(LIAISON, "/submit 1", "X1", "值班表.xlsx", XLSX))
        assert "值班安排 2 条" in (await chat.replies(str(LIAISON)))[-1]
        assert await entries(app) == 1
        assert ("getFile", {"file_id": "X1"}) in fake.calls

        await chat.deliver(fake.caption_update(LIAISON, ""))  # photo P1, no caption
        assert "不知道它用于哪项工作" in (await chat.replies(str(LIAISON)))[-1]
        await chat.deliver(
            fake.document_update(LIAISON, "/submit 1", "X1", "机密★名单.xlsx", XLSX)
        )
        assert "密级" in (await chat.replies(str(LIAISON)))[-1]
        await chat.deliver(fake.document_update(LIAISON, "/submit 1", "GONE", "表.xlsx", XLSX))
        assert "未能下载" in (await chat.replies(str(LIAISON)))[-1]
        assert await entries(app) == 1
