"""办文 guards: a classified document is refused leaving nothing anywhere, other units' liaisons
neither see nor act, a button pressed by someone else changes nothing; the monthly figures."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.app import App
from bot.cli.users_cmd import revoke_person
from bot.core.clock import FakeClock
from bot.store.audit import AuditLog
from bot.store.dialog import Dialog
from models.documents.records import Document, DocumentReader
from tests.conftest import demo_app, make_config
from tests.handlers.documents.test_documents import TASK, doc
from tests.handlers.supervision.test_supervision import say
from tests.secrecy_support import marked_cells, stored_texts
from tests.support import RecordingAdapter

TITLE = "关于某水库调度方案的通知"
MARKED = [
    "密级=机密",
    "机密",
    "★",
    "秘密★1年",
    "机\u200b密★5年",  # a zero-width space inside the level word
    "【機密】",  # traditional characters
    "绝 密",
]


@pytest.mark.parametrize("mark", MARKED)
async def test_a_classified_document_leaves_no_row_anywhere(
    app: App, console: RecordingAdapter, mark: str
) -> None:
    line = f"收文 登记 通知 〔2026〕9号 县应急管理局 {TITLE} {mark} 办理=办件 承办=县水利局"
    reply = await say(app, console, "张三", line)
    # the guard at the inbox, or (a lone ★ on a 公文) the registration: no row either way
    assert "不保存" in reply or "未保存任何内容" in reply
    assert "机要室、机要交换站、机要交通" in reply
    texts = await stored_texts(app)
    assert not [t for t in texts if TITLE in t or "〔2026〕9号" in t]
    assert marked_cells(texts) == []
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 0
        refused = await session.scalar(
            select(AuditLog).where(AuditLog.kind == "command").order_by(AuditLog.id.desc())
        )
        assert refused is not None and refused.outcome in ("classified", "rejected")


async def test_a_classified_answer_in_the_dialog_is_refused_and_nothing_kept(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", "收文 登记")
    assert "机要" in await say(app, console, "张三", "机密★10年")
    assert "文种？" in await say(app, console, "张三", "非密")
    await say(app, console, "张三", "通知")
    assert "机要" in await say(app, console, "张三", f"〔2026〕9号 秘密 {TITLE}")
    assert marked_cells(await stored_texts(app)) == []
    assert "已取消登记" in await say(app, console, "张三", "取消")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Dialog)) == 0


async def test_a_secrecy_level_other_than_allowed_is_refused_naming_the_channel(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(
        app, console, "张三", f"收文 登记 通知 无 县应急管理局 {TITLE} 密级=工作秘密"
    )
    assert "只登记非密公文" in reply and "机要室、机要交换站、机要交通" in reply
    reply = await say(app, console, "张三", f"/doc 登记 通知 无 县应急管理局 {TITLE} ★")
    assert "未保存任何内容" in reply
    assert not [t for t in await stored_texts(app) if TITLE in t]  # nor in the audit
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 0


async def test_another_units_liaison_neither_sees_nor_acts(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", TASK)  # handled by 县水利局 (孙伟)
    reply = await say(app, console, "吴磊", "/doc 1")  # 城关镇
    assert "不在您的查看范围（城关镇）内" in reply and "森林防火" not in reply
    assert "不在您的查看范围" in await say(app, console, "吴磊", "公文 答复 1 已办")
    assert "森林防火" not in await say(app, console, "吴磊", "/docs")
    assert "森林防火" in await say(app, console, "孙伟", "/docs")
    assert "森林防火" in await say(app, console, "孙伟", "/doc 1")
    assert "仅限" in await say(app, console, "孙伟", "公文 归档 1")  # liaisons do not archive
    assert "仅限" in await say(app, console, "孙伟", "/doc 归档 1")  # nor through /doc
    async with app.sessions() as session:
        outcome = await session.scalar(
            select(AuditLog.outcome).where(AuditLog.kind == "command").order_by(AuditLog.id.desc())
        )
    assert outcome == "forbidden"
    assert (await doc(app)).status == "已登记"


async def test_a_button_pressed_by_someone_else_is_refused(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", TASK)
    assert "孙伟 不是领导" in await say(app, console, "张三", "公文 传阅 1 孙伟")
    assert "传阅名单有重复" in await say(app, console, "张三", "公文 传阅 1 李明 李明")
    await say(app, console, "张三", "公文 传阅 1 李明 王刚")
    assert "不在您的待阅中（现待 李明 阅）" in await say(app, console, "王刚", "/doc_read 1")
    assert "不在您的待阅中" in await say(app, console, "王刚", "/doc_instruct 1")
    assert "仅限" in await say(app, console, "孙伟", "/doc_read 1")
    assert "请回复" in await say(app, console, "李明", "/doc_instruct 1")
    assert "已阅，已转 王刚" in await say(app, console, "李明", "/doc_read 1")  # 已阅 after all
    assert "批示未记录" in await say(app, console, "李明", "这句不是批示")  # the dialog ends
    assert "没有找到命令" in await say(app, console, "李明", "这句也不是")
    assert "不在您的待阅中" in await say(app, console, "李明", "/doc_read 1")  # pressed twice
    async with app.sessions() as session:
        readers = list(await session.scalars(select(DocumentReader).order_by(DocumentReader.seq)))
    assert [(r.action, r.done_at is not None) for r in readers] == [("已阅", True), ("", False)]
    assert "📨 待您阅示（1）" in await say(app, console, "王刚", "/docs")


async def test_monthly_statistics_in_chat_and_workbook(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", TASK)
    await say(app, console, "张三", "收文 登记 通报 〔2026〕7号 县政府办公室 安全生产通报")
    await say(app, console, "张三", "公文 传阅 1 李明 王刚")
    clock.advance(hours=3)
    await say(app, console, "李明", "已阅 1")
    clock.advance(hours=1)
    await say(app, console, "王刚", "公文 批示 1 抓紧落实")
    clock.advance(days=14)  # 2026-12-10: the 办件 (limit 12-03) is overdue and unanswered
    assert "月份「13月」看不懂" in await say(app, console, "张三", "/doc 统计 13月")
    reply = await say(app, console, "张三", "/doc 统计 2026-11")
    assert "2026-11 办文统计：共登记 2 件" in reply
    assert "李明：1 件，平均 3.0 小时" in reply and "王刚：1 件，平均 1.0 小时" in reply
    assert "本月到期办件超期情况：无" in reply  # due in December
    reply = await say(app, console, "张三", "公文 统计 2026年12月")
    assert "县水利局：到期 1 件，超期 1 件" in reply
    files = [r.attachment for _, r in console.sent if r.attachment is not None]
    assert files[-1].name == "办文统计_2026-12.xlsx"
    book = load_workbook(BytesIO(files[-1].data))
    assert book.sheetnames == ["文种", "传阅用时", "超期办件"]
    rows = list(book["超期办件"].iter_rows(values_only=True))
    assert rows[1][:3] == ("县水利局", 1, 1) and rows[-1][:2] == (1, "县应急办〔2026〕12号")
    assert "仅限" in await say(app, console, "孙伟", "公文 统计")


async def test_the_refusal_names_the_channel_the_county_configured(
    sqlite_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    config = make_config(
        sqlite_url, inbox={"classified_channel": "县委办公室机要科（机要交换站）"}
    )
    async with demo_app(config, clock, {"console": console}) as bot:
        marked = await say(bot, console, "张三", f"收文 登记 函 无 县林业局 {TITLE} 机密★5年")
        level = await say(bot, console, "张三", f"收文 登记 函 无 县林业局 {TITLE} 密级=内部")
    for reply in (marked, level):
        assert "县委办公室机要科（机要交换站）" in reply


async def test_a_revoked_leader_leaves_the_circulation_and_the_next_one_gets_it(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", TASK)
    await say(app, console, "张三", "公文 传阅 1 李明 王刚")
    async with app.sessions.begin() as session:
        lines = await revoke_person(session, app.config, clock.now(), "李明", None)
    await app.sender.drain()
    assert "收文 #1：李明 已移出传阅，已转 王刚 阅" in lines
    assert console.texts("王刚")[-1].startswith("📨 请阅：收文 #1")
    assert "批示，传阅完毕" in await say(app, console, "王刚", "公文 批示 1 抓紧办理")
    assert "李明（撤销）" in await say(app, console, "张三", "/doc 1")


async def test_a_successor_takes_the_revoked_leaders_place(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "张三", TASK)
    await say(app, console, "张三", "公文 传阅 1 李明")
    async with app.sessions.begin() as session:
        lines = await revoke_person(session, app.config, clock.now(), "李明", "王刚")
    await app.sender.drain()
    assert "收文 #1：李明 已移出传阅，已转 王刚 阅" in lines
    assert "已阅，传阅完毕" in await say(app, console, "王刚", "已阅 1")


async def test_pending_lists_are_capped_and_say_how_many_more(
    app: App, console: RecordingAdapter
) -> None:
    for n in range(1, 23):
        await say(app, console, "张三", f"收文 登记 函 〔2026〕{n}号 县林业局 第{n}号来函")
    reply = await say(app, console, "张三", "/docs")
    assert "🗂 您登记、待归档（22）" in reply and "…… 另有 2 件" in reply
    assert "第21号来函" not in reply
