"""督办 进展 with a photo: kept with the step, listed in the item's history with its time, sent
back as a picture in a private chat (names only in a group), never to another unit's liaison."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.core.messages import InboundFile
from models.supervision.files import SupervisionFile
from tests.handlers.supervision.test_supervision import NEW, say
from tests.support import RecordingAdapter, incoming

JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 10


async def files(app: App) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SupervisionFile)) or 0)


async def test_progress_photo_kept_listed_and_scoped(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/task_sign 1")
    photo = InboundFile("现场.jpg", "image/jpeg", JPEG)
    await app.dispatcher.receive(incoming("督办 进展 1 已清理一半", sender="孙伟", file=photo))
    await app.sender.drain()
    assert "附件「现场.jpg」已存档" in console.texts("孙伟")[-1] and await files(app) == 1

    before = len(console.sent)
    detail = await say(app, console, "陈静", "督办 1")
    assert "进展 孙伟：已清理一半\n    📎 附件：现场.jpg（" in detail
    pictures = [r.attachment for a, r in console.sent[before:] if a == "陈静" and r.attachment]
    assert [(p.name, p.mime, p.data) for p in pictures] == [("现场.jpg", "image/jpeg", JPEG)]

    # in a group everyone there would see it: the name only, and where to look
    before = len(console.sent)
    await app.dispatcher.receive(incoming("督办 1", sender="陈静", group=True, chat="督查群"))
    await app.sender.drain()
    group = [r for a, r in console.sent[before:] if a == "group:督查群"]
    assert "📎 附件：现场.jpg" in group[0].text and "只在私聊中发送" in group[0].text
    assert all(r.attachment is None for r in group)

    # 吴磊 is 城关镇's liaison: 县水利局's item and its photo are not his to see
    before = len(console.sent)
    refused = await say(app, console, "吴磊", "督办 1")
    assert "不在您的查看范围（城关镇）内" in refused
    assert "现场.jpg" not in refused and "已清理一半" not in refused
    assert all(r.attachment is None for _, r in console.sent[before:])


async def test_a_refused_progress_keeps_no_photo(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/task_sign 1")
    photo = InboundFile("现场.jpg", "image/jpeg", JPEG)
    await app.dispatcher.receive(incoming("督办 进展 1 已清理", sender="吴磊", file=photo))
    await app.sender.drain()
    assert await files(app) == 0


async def test_a_bare_progress_waits_for_a_photo_without_caption(
    app: App, console: RecordingAdapter
) -> None:
    """WeCom and DingTalk send a picture without a caption: the command first, then the photo."""
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "/task_sign 1")
    assert "请发送 督办 #1" in await say(app, console, "孙伟", "督办 进展 1")
    photo = InboundFile("图片.jpg", "image/jpeg", JPEG)
    await app.dispatcher.receive(incoming("", sender="孙伟", file=photo))
    await app.sender.drain()
    assert "附件「图片.jpg」已存档" in console.texts("孙伟")[-1] and await files(app) == 1
    assert "进展 孙伟：（附件：图片.jpg）" in await say(app, console, "陈静", "督办 1")
