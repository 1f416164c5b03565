"""The Telegram adapter: sends neutral replies and accepts updates through whichever Bot API
library drives it (the driver is only a :class:`BotApi`; nothing here knows which one)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from bot.adapters.telegram.api import (
    ApiError,
    BotApi,
    BotIdentity,
    OutFile,
    OutText,
    delivery_error,
)
from bot.adapters.telegram.render import TOKEN_MARK, direct_callback, render, render_file
from bot.adapters.telegram.shapes import UpdateShape
from bot.adapters.telegram.updates import PLATFORM, FileRef, translate
from bot.config import TelegramConfig
from bot.core.errors import DeliveryError
from bot.core.messages import InboundFile, IncomingMessage, Reply, Target

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

log = logging.getLogger("dutybot.telegram")
MENU_LIMIT = 100  # setMyCommands accepts at most 100 commands (Bot API)

EXPIRED_BUTTON = "该按钮已失效，请重新发送命令。"
_MAX_PROGRESS = 1000  # split messages whose first parts went out but not the rest


class Receiver(Protocol):
    """How updates arrive: long polling or webhook."""

    async def start(self) -> None:
        """Begin receiving."""
        ...

    async def stop(self) -> None:
        """Stop receiving; wait for updates already acknowledged to be handled."""
        ...

    async def settle(self) -> None:
        """Wait until every acknowledged update has been handled."""
        ...


@dataclass(frozen=True, slots=True)
class Accepted:
    """An update stored in the inbox (or known), with what is left to do once acknowledged."""

    message: IncomingMessage | None
    callback_id: str | None
    notice: str | None = None


class TelegramAdapter:
    """One Telegram bot."""

    platform = PLATFORM

    def __init__(self, api: BotApi, config: TelegramConfig, bot_id: int) -> None:
        self.api = api
        self.config = config
        self.me = BotIdentity(bot_id, "")
        self.receiver: Receiver | None = None
        self.dispatcher: Dispatcher | None = None
        self._progress: OrderedDict[str, list[int]] = OrderedDict()
        self._moved: dict[str, str] = {}

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self, dispatcher: Dispatcher) -> None:
        """Connect, learn the bot's name, publish the command menu, begin receiving."""
        self.dispatcher = dispatcher
        await self.api.open()
        await self.identify()
        if self.config.register_commands:
            await self.register_commands()
        if self.receiver is not None:
            await self.receiver.start()

    async def stop(self) -> None:
        """Stop receiving and close connections."""
        if self.receiver is not None:
            await self.receiver.stop()
        await self.api.close()

    async def settle(self) -> None:
        """Wait until every acknowledged update has been handled."""
        if self.receiver is not None:
            await self.receiver.settle()

    async def identify(self) -> bool:
        """getMe, once; the username is needed to recognise ``@bot`` mentions in groups."""
        if self.me.username:
            return True
        try:
            self.me = await self.api.get_me()
        except ApiError as exc:
            log.warning("getMe failed (%s); will retry", exc)
            return False
        return True

    async def register_commands(self) -> None:
        """setMyCommands: the slash menu phones show, with the Chinese one-line help."""
        if self.dispatcher is None:
            return
        menu: dict[str, str] = {}
        # Telegram shows at most MENU_LIMIT commands: every feature's entry word first (task,
        # doc, car …), then subcommands in table order; the rest still work typed and in /help.
        routes = sorted(self.dispatcher.table.routes, key=lambda route: " " in route.name)
        for route in routes:
            name = route.name.replace(" ", "_").lower()
            if name.isascii() and name.replace("_", "").isalnum() and len(name) <= 32:
                menu.setdefault(name, (route.help or name)[:256])
        try:
            await self.api.set_my_commands(list(menu.items())[:MENU_LIMIT])
        except ApiError as exc:
            log.warning("setMyCommands failed (%s); the menu stays as it was", exc)

    # ---- sending ---------------------------------------------------------------------------

    def is_group(self, address: str) -> bool:
        """Group and supergroup ids are negative; ``@name`` addresses a channel."""
        return address.startswith(("-", "@"))

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Deliver ``reply`` (or edit message ``edit_of``); returns the Telegram message id."""
        key = hashlib.sha256(
            json.dumps([address, reply.to_payload()], sort_keys=True).encode()
        ).hexdigest()
        address = self._moved.get(address, address)
        data = await self._callback_data(reply)
        if reply.attachment is not None:  # a file is always a new message
            chunks = render_file(reply, data, self.api.escaping)
        else:
            texts = render(reply, data, self.api.escaping)
            editable = edit_of is not None and edit_of.isdigit() and len(texts) == 1
            if editable and await self._edit(address, int(str(edit_of)), texts[0]):
                return str(edit_of)
            chunks = [*texts]
        sent = self._progress.setdefault(key, [])
        for chunk in chunks[len(sent) :]:
            # A retry after a failure half way through continues where it stopped.
            sent.append(await self._send_one(self._moved.get(address, address), chunk))
            self._progress.move_to_end(key)
            while len(self._progress) > _MAX_PROGRESS:
                self._progress.popitem(last=False)
        self._progress.pop(key, None)
        return str(sent[-1])

    async def _callback_data(self, reply: Reply) -> dict[str, str]:
        commands = {b.command for row in reply.buttons for b in row}
        data = {c: c for c in commands if direct_callback(c)}
        long = sorted(commands - data.keys())
        if not long:
            return data
        if self.dispatcher is None:
            raise DeliveryError("Telegram 适配器尚未启动，稍后重试")
        tokens = await self.dispatcher.chats.tokens_for(long)
        data.update({command: TOKEN_MARK + token for command, token in tokens.items()})
        return data

    async def _send_one(
        self, address: str, chunk: OutText | OutFile, *, moved: bool = False
    ) -> int:
        try:
            if isinstance(chunk, OutFile):
                return await self.api.send_file(_chat_id(address), chunk)
            return await self.api.send_message(_chat_id(address), chunk)
        except ApiError as exc:
            if exc.migrate_to and not moved:
                new = str(exc.migrate_to)
                await self.follow(address, new)
                return await self._send_one(new, chunk, moved=True)
            if exc.bad_entities and chunk.parse_mode:
                log.warning("Telegram rejected our markup (%s); sending plain text", exc)
                return await self._send_one(address, chunk.as_plain(), moved=moved)
            if isinstance(chunk, OutFile) and chunk.photo and exc.not_a_photo:
                log.info(
                    "Telegram refused %s as a photo (%s); sending a document", chunk.name, exc
                )
                return await self._send_one(address, chunk.as_document(), moved=moved)
            raise delivery_error(exc) from exc

    async def _edit(self, address: str, message_id: int, chunk: OutText) -> bool:
        """Edit in place; False when a new message must be sent instead."""
        try:
            await self.api.edit_message_text(_chat_id(address), message_id, chunk)
        except ApiError as exc:
            if exc.not_modified:
                return True
            if exc.edit_impossible:
                return False
            if exc.migrate_to:
                await self.follow(address, str(exc.migrate_to))
                return False
            if exc.bad_entities and chunk.parse_mode:
                return await self._edit(address, message_id, chunk.as_plain())
            raise delivery_error(exc) from exc
        return True

    async def follow(self, old: str, new: str) -> None:
        """A group became a supergroup: send there from now on and move its registration."""
        self._moved[old] = new
        if self.dispatcher is not None:
            await self.dispatcher.chats.chat_moved(Target(PLATFORM, old), Target(PLATFORM, new))

    # ---- receiving -------------------------------------------------------------------------

    async def accept(self, update: UpdateShape) -> Accepted:
        """Translate one update (as the driver's library parsed it) and store it in the inbox;
        after this it may be acknowledged.

        Raises:
            Exception: the update could not be stored (it must not be acknowledged).
        """
        if self.dispatcher is None:
            raise RuntimeError("telegram adapter not started")
        received = translate(update, self.me)
        if received.migrated:
            await self.follow(*received.migrated)
        msg, notice = received.message, None
        if msg is not None and received.file is not None:
            msg = replace(msg, file=await self._download(received.file))
        if msg is not None and msg.is_button and msg.text.startswith(TOKEN_MARK):
            command = await self.dispatcher.chats.command_for(msg.text[1:])
            msg = replace(msg, text=command) if command else None
            notice = None if command else EXPIRED_BUTTON
        if msg is not None and await self.dispatcher.persist(msg) is None:
            msg = None  # handled before: Telegram delivered it again
        return Accepted(msg, received.callback_id, notice)

    async def _download(self, ref: FileRef) -> InboundFile:
        """The file's bytes; empty when it cannot be fetched (the core asks for it again)
        rather than holding back every later update."""
        try:
            data = await self.api.download(ref.file_id)
        except Exception as exc:  # ApiError, or the library's own HTTP error on the download
            log.warning("telegram file %s could not be downloaded: %s", ref.file_id, exc)
            data = b""
        return InboundFile(ref.name, ref.mime, data)

    async def finish(self, accepted: Accepted) -> None:
        """Answer the button press, then handle the stored message."""
        if accepted.callback_id is not None:
            try:
                await self.api.answer_callback_query(accepted.callback_id, accepted.notice)
            except ApiError as exc:  # the spinner stops by itself; the press is kept
                log.warning("answerCallbackQuery failed: %s", exc)
        if accepted.message is not None and self.dispatcher is not None:
            await self.dispatcher.handle(accepted.message)


def _chat_id(address: str) -> int | str:
    return int(address) if address.lstrip("-").isdigit() else address
