"""Pictures and files sent to the DingTalk app robot: the callback carries a downloadCode, the
adapter asks the local fake's ``robot/messageFiles/download`` for the URL and fetches it before
answering; the core takes it like any file — a GBK CSV roster in the open ``/submit`` dialog, a
picture with no command, a code DingTalk does not know."""

from __future__ import annotations

from bot.testing.dingtalk import FakeDingTalk
from tests.adapters.rig import Rig
from tests.adapters.wecom.test_inbound_files import JPEG, bind_liaison
from tests.handlers.submissions.test_roster_by_file import GOOD
from tests.handlers.submissions.test_submissions import entries


async def test_a_roster_csv_in_the_dialog_a_lone_picture_and_a_bad_code(
    rig: Rig, ding: FakeDingTalk
) -> None:
    await bind_liaison(rig, "dingtalk", "wulei")
    assert await ding.callback(rig.url, ding.message("zhangsan", "值班表报备 城关镇", "m1")) == 200
    await rig.settle()
    assert "值班表报备 #1" in ding.texts("zhangsan")[-1]
    assert await ding.callback(rig.url, ding.message("wulei", "/submit 1", "m2")) == 200
    await rig.settle()
    csv = "\n".join(",".join(row) for row in GOOD).encode("gbk")
    roster = ding.file_message("wulei", "m3", "城关镇值班表.csv", "application/octet-stream", csv)
    assert await ding.callback(rig.url, roster) == 200
    await rig.settle()
    assert "值班安排 2 条" in ding.texts("wulei")[-1] and await entries(rig.app) == 1

    picture = ding.file_message("wulei", "m4", "", "image/jpeg", JPEG)
    assert await ding.callback(rig.url, picture) == 200
    await rig.settle()
    assert "不知道它用于哪项工作" in ding.texts("wulei")[-1]

    bad = ding.file_message("wulei", "m5", "", "image/jpeg", JPEG)
    bad["content"] = {"downloadCode": "unknown"}
    assert await ding.callback(rig.url, bad) == 200
    await rig.settle()
    assert "未能下载" in ding.texts("wulei")[-1]
