"""值班表报备 by a file sent in chat: an .xlsx with the caption ``/submit 1``, a GBK CSV in the
open dialog (also through the inbox, stored before handling), and every refusal leaving nothing
stored: a bad row, a marked cell, a marked file name, a file too large or of the wrong kind."""

from __future__ import annotations

from bot.app import App
from bot.core.messages import InboundFile
from bot.store import inbox
from tests.core.test_inbound_files import XLSX, xlsx
from tests.handlers.submissions.test_submissions import entries
from tests.support import RecordingAdapter, incoming

HEADER = ["日期", "班次", "带班领导", "值班人员", "值班电话"]
GOOD = [
    HEADER,
    ["2027-01-01", "白班", "李镇长", "吴磊、王五", "13800000009"],
    ["2027-01-02", "全天", "李镇长", "赵六", "0571-87654321"],
]


async def send(
    app: App, console: RecordingAdapter, caption: str, name: str, mime: str, data: bytes
) -> str:
    before = len(console.texts("吴磊"))
    msg = incoming(caption, sender="吴磊", file=InboundFile(name, mime, data))
    await app.dispatcher.receive(msg)
    await app.sender.drain()
    return "\n".join(console.texts("吴磊")[before:])


async def _opened(app: App, console: RecordingAdapter) -> None:
    await app.dispatcher.receive(incoming("值班表报备 城关镇、河口乡", sender="张三"))
    await app.sender.drain()
    assert "值班表报备 #1" in console.texts("张三")[-1]


async def test_roster_xlsx_with_caption(app: App, console: RecordingAdapter) -> None:
    await _opened(app, console)
    bad = [*GOOD, ["2027-01-05", "白班", "李镇长", "吴磊", "13800000009"]]
    refused = await send(app, console, "/submit 1", "值班表.xlsx", XLSX, xlsx(bad))
    assert "第4行：「日期」列 2027-01-05 不在假期内" in refused and await entries(app) == 0
    header = await send(app, console, "/submit 1", "表.xlsx", XLSX, xlsx(GOOD[1:]))
    assert "第1行应为表头" in header and await entries(app) == 0
    good = await send(app, console, "/submit 1", "值班表.xlsx", XLSX, xlsx(GOOD))
    assert "✅ 城关镇 已报送" in good and "值班安排 2 条" in good and await entries(app) == 1


async def test_gbk_csv_in_the_open_dialog_through_the_inbox(
    app: App, console: RecordingAdapter
) -> None:
    await _opened(app, console)
    await app.dispatcher.receive(incoming("/submit 1", sender="吴磊"))
    await app.sender.drain()
    assert "也可以直接发送值班表 .xlsx 或 .csv 文件" in console.texts("吴磊")[-1]
    csv = "\n".join(",".join(row) for row in GOOD).encode("gbk")
    msg = incoming("", sender="吴磊", file=InboundFile("值班表.csv", "text/csv", csv))
    # stored first (as a webhook platform does before its 200), then handled from the inbox
    inbox_id = await app.dispatcher.persist(msg)
    assert inbox_id is not None
    async with app.sessions() as session:
        (stored,) = [msg for _, msg in await inbox.pending(session)]
    assert stored.file is not None and stored.file.data == csv
    await app.dispatcher.handle(stored)
    await app.sender.drain()
    assert "值班安排 2 条" in console.texts("吴磊")[-1] and await entries(app) == 1


async def test_refused_files_store_nothing(app: App, console: RecordingAdapter) -> None:
    await _opened(app, console)
    marked = [*GOOD, ["2027-01-03", "白班", "李镇长", "机密★5年", "13800000009"]]
    cell = await send(app, console, "/submit 1", "值班表.xlsx", XLSX, xlsx(marked))
    assert "第4行：「值班人员」列含密级标识" in cell and await entries(app) == 0
    named = await send(app, console, "/submit 1", "机密-值班表.xlsx", XLSX, xlsx(GOOD))
    assert "密级" in named and await entries(app) == 0
    big = await send(app, console, "/submit 1", "值班表.xlsx", XLSX, b"x" * (11 * 1024 * 1024))
    assert "超过上限 10 MB" in big and await entries(app) == 0
    exe = await send(app, console, "/submit 1", "值班表.exe", "application/x-msdownload", b"MZ")
    assert "不支持" in exe and await entries(app) == 0
    alone = await send(app, console, "", "值班表.xlsx", XLSX, xlsx(GOOD))
    assert "不知道它用于哪项工作" in alone and await entries(app) == 0
    async with app.sessions() as session:
        assert await inbox.pending(session) == []
