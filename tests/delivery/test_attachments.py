"""Files through the outbox: stored beside their row, drawn after the handler's transaction off
the event loop, loaded by the sender, held to the size caps, purged when old and finished."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.core import redaction
from bot.core.args import Arg
from bot.core.clock import FakeClock
from bot.core.context import HandlerContext
from bot.core.errors import DeliveryError
from bot.core.messages import Attachment, Reply, Target
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox, outbox_admin, outbox_files
from bot.store.inbox import InboxMessage
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.store.outbox_files import OutboxFile
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming

TO = Target("fake", "chat-1")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
drawn_in: list[dict[str, object]] = []

router = Router("files", UNSCOPED)


@router.command("chart", help="draws a picture after the transaction")
async def chart(ctx: HandlerContext, *, how: Annotated[str, Arg("方式")] = "ok") -> Reply:
    url = ctx.config.database.url

    def draw() -> bytes:
        drawn_in.append({"thread": threading.current_thread(), "url": url})
        if how == "fail":
            raise RuntimeError("matplotlib fell over")
        return PNG

    return Reply("本周图表", attachment=Attachment("图表.png", "image/png", render=draw))


@pytest.fixture
async def files_app(
    db_url: str, clock: FakeClock, console: RecordingAdapter, fake: RecordingAdapter
) -> AsyncIterator[App]:
    from bot.cli.demo import seed

    app = await App.create(
        make_config(db_url, outbox={"max_image_mb": 0.01, "max_file_mb": 0.02}),
        clock=clock,
        adapters={"console": console, "fake": fake},
        routers=[router],
        auto_upgrade=True,
    )
    async with app.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
    drawn_in.clear()
    yield app
    await app.engine.dispose()


async def _queue(app: App, key: str, reply: Reply) -> bool:
    async with app.sessions.begin() as session:
        return await outbox.enqueue(session, app.clock.now(), TO, reply, key=key)


async def _count(app: App, model: type) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_file_is_stored_once_and_delivered_with_its_bytes(
    app: App, fake: RecordingAdapter
) -> None:
    table = Attachment("督查通报.xlsx", XLSX, data=b"PK\x03\x04" + b"x" * 5000)
    assert await _queue(app, "f1", Reply("督查通报（表格）", attachment=table))
    assert not await _queue(app, "f1", Reply("again", attachment=table))
    assert await _count(app, OutboxFile) == 1
    async with app.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None
    assert row.payload["attachment"] == {"name": "督查通报.xlsx", "mime": XLSX, "size": 5004}
    assert outbox_admin.summary(row.payload, 4) == "督查通报［附件 督查通报.xlsx］"
    await app.sender.drain()
    [(address, reply)] = fake.sent
    assert address == "chat-1" and reply.text == "督查通报（表格）"
    assert reply.attachment is not None and reply.attachment.data == table.data
    assert not reply.attachment.is_photo


async def test_a_file_whose_name_carries_a_marking_is_not_sent(
    app: App, fake: RecordingAdapter
) -> None:
    file = Attachment("机密-名单.xlsx", XLSX, data=b"PK")
    assert await _queue(app, "f2", Reply("名单", attachment=file))
    assert await _count(app, OutboxFile) == 0
    await app.sender.drain()
    [(_, reply)] = fake.sent
    assert reply.attachment is None and reply.text == f"名单\n{redaction.FILE_DROPPED}"


async def test_chart_is_drawn_after_the_commit_off_the_event_loop(
    files_app: App, console: RecordingAdapter
) -> None:
    await files_app.dispatcher.receive(incoming("/chart", message_id="c1"))
    [drawn] = drawn_in
    assert drawn["thread"] is not threading.main_thread()
    async with files_app.sessions() as session:  # the handler's transaction had committed
        assert await session.scalar(select(InboxMessage.status)) == "done"
    await files_app.sender.drain()
    [(_, reply)] = console.sent
    assert reply.text == "本周图表"
    assert reply.attachment is not None and reply.attachment.data == PNG


async def test_a_chart_that_cannot_be_drawn_leaves_a_note(
    files_app: App, console: RecordingAdapter
) -> None:
    await files_app.dispatcher.receive(incoming("/chart fail"))
    await files_app.sender.drain()
    [(_, reply)] = console.sent
    assert reply.attachment is None
    assert reply.text.startswith("本周图表\n（附件「图表.png」生成失败，请稍后重新发送命令")


async def test_a_file_never_drawn_is_sent_as_a_note_after_the_wait(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    # Queued as a handler would, but the process stopped before drawing it.
    later = Attachment("图表.png", "image/png", render=lambda: PNG)
    assert await _queue(app, "f3", Reply("图表如下", attachment=later))
    await app.sender.drain()
    assert fake.sent == []  # held back while it may still be drawn
    clock.advance(seconds=outbox_files.RENDER_WAIT.total_seconds())
    await app.sender.drain()
    [(_, reply)] = fake.sent
    assert reply.attachment is None and "生成中断" in reply.text and "重新发送命令" in reply.text


async def test_files_over_the_caps_go_as_a_note(files_app: App, fake: RecordingAdapter) -> None:
    big_picture = Attachment("大图.png", "image/png", data=PNG * 8)  # 16 KB > 0.01 MB
    big_table = Attachment("大表.xlsx", XLSX, data=b"x" * 30_000)  # > 0.02 MB
    small_table = Attachment("小表.xlsx", XLSX, data=b"x" * 15_000)  # over 0.01, under 0.02
    for i, file in enumerate((big_picture, big_table, small_table)):
        await _queue(files_app, f"cap{i}", Reply("见附件", attachment=file))
    await files_app.sender.drain()
    texts = [r.text for _, r in fake.sent]
    assert "超过图片上限 0.01 MB" in texts[0] and "outbox.max_image_mb" in texts[0]
    assert "大表.xlsx" in texts[1] and "超过文件上限 0.02 MB" in texts[1]
    assert [r.attachment is None for _, r in fake.sent] == [True, True, False]


async def test_housekeeping_deletes_files_of_old_finished_messages_only(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    file = Attachment("图.png", "image/png", data=PNG)
    await _queue(app, "old-sent", Reply("a", attachment=file))
    await app.sender.drain()
    fake.failures.append(DeliveryError("对方已屏蔽机器人", permanent=True))
    await _queue(app, "old-failed", Reply("b", attachment=file))
    await app.sender.drain()
    await _queue(app, "old-pending", Reply("c", attachment=file))
    async with app.sessions.begin() as session:  # still waiting (its chat is paused, say)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key == "old-pending")
            .values(next_attempt_at=clock.now() + timedelta(days=30))
        )
    clock.set(datetime(2026, 12, 4, 3, 30, tzinfo=ZoneInfo("Asia/Shanghai")))  # 8 days on
    await _queue(app, "new-sent", Reply("d", attachment=file))
    await app.sender.drain()
    assert await app.ticker.run_cron("housekeeping")
    async with app.sessions.begin() as session:
        kept = set(
            await session.scalars(
                select(OutboxMessage.idempotency_key).join(
                    OutboxFile, OutboxFile.outbox_id == OutboxMessage.id
                )
            )
        )
        assert kept == {"old-pending", "new-sent"}
        failed = await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.FAILED.value)
        )
        assert await outbox_admin.retry_failed(session, clock.now(), [int(failed or 0)]) == 1
    await app.sender.drain()
    reply = fake.sent[-1][1]
    assert reply.text.startswith("b\n（附件「图.png」已过保留期") and reply.attachment is None
