"""Pictures and files sent to the WeCom app: the callback names a MediaId, the adapter fetches
it from the local qyapi's ``media/get`` (its name from Content-Disposition) before answering,
and the core takes it like any file — a roster .xlsx in the open ``/submit`` dialog, a picture
with no command, a media id WeCom no longer holds."""

from __future__ import annotations

from bot.testing.wecom import FakeWeCom
from models.directory import binding
from models.directory.users import find_user
from tests.adapters.rig import Rig
from tests.core.test_inbound_files import XLSX, xlsx
from tests.handlers.submissions.test_roster_by_file import GOOD
from tests.handlers.submissions.test_submissions import entries

JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 20


async def bind_liaison(rig: Rig, platform: str, external_id: str) -> None:
    """吴磊, 城关镇's liaison in the demo county, on ``platform`` as ``external_id``."""
    async with rig.app.sessions.begin() as session:
        user = await find_user(session, "吴磊")
        await binding.bind_account(session, user, platform, external_id, rig.app.clock.now())


async def test_a_roster_file_in_the_dialog_and_a_lone_picture(rig: Rig, wecom: FakeWeCom) -> None:
    await bind_liaison(rig, "wecom", "wulei")
    assert await wecom.callback(rig.url, "zhangsan", "值班表报备 城关镇", "901") == 200
    await rig.settle()
    assert "值班表报备 #1" in wecom.texts("zhangsan")[-1]
    assert await wecom.callback(rig.url, "wulei", "/submit 1", "902") == 200
    await rig.settle()
    roster = wecom.media_message("wulei", "file", "城关镇值班表.xlsx", XLSX, xlsx(GOOD))
    assert await wecom.post_plain(rig.url, roster) == 200
    await rig.settle()
    assert "值班安排 2 条" in wecom.texts("wulei")[-1] and await entries(rig.app) == 1

    picture = wecom.media_message("wulei", "image", "", "image/jpeg", JPEG)
    assert await wecom.post_plain(rig.url, picture) == 200
    await rig.settle()
    assert "不知道它用于哪项工作" in wecom.texts("wulei")[-1]

    gone = picture.replace("<MediaId><![CDATA[in-", "<MediaId><![CDATA[gone-").replace(
        "<MsgId>", "<MsgId>9"
    )
    assert await wecom.post_plain(rig.url, gone) == 200
    await rig.settle()
    assert "未能下载" in wecom.texts("wulei")[-1]
