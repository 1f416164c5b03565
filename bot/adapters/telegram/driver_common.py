"""The Bot API calls both library drivers make the same way; each driver adds its library's types.

python-telegram-bot and aiogram name the calls and their keyword arguments after the Bot API
itself, so only the bot object, the error classes, keyboards, uploads, command entries, the
escaping helpers and how updates are fetched and parsed differ. What the updates say is read
once for both (:mod:`bot.adapters.telegram.updates`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, ClassVar, TypeVar

from bot.adapters.telegram.api import (
    ALLOWED_UPDATES,
    ApiError,
    BotIdentity,
    Escaping,
    Keyboard,
    OutFile,
    OutText,
)

T = TypeVar("T")


class LibraryApi:
    """The shared half of a :class:`~bot.adapters.telegram.api.BotApi` driver."""

    bot: Any  # the library's Bot
    library_error: ClassVar[type[Exception]]  # what the library raises for a failed call
    escaping: Escaping  # the library's escaping helpers (render.py applies them)

    def neutral(self, exc: Exception) -> ApiError:
        """The library's exception → the Bot API error it stands for."""
        raise NotImplementedError

    def markup(self, keyboard: Keyboard) -> Any:
        """Inline keyboard in the library's type (None for no buttons)."""
        raise NotImplementedError

    def upload(self, file: OutFile) -> Any:
        """The file as the library's multipart upload."""
        raise NotImplementedError

    def command(self, name: str, description: str) -> Any:
        """A setMyCommands entry in the library's type."""
        raise NotImplementedError

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except self.library_error as exc:
            raise self.neutral(exc) from exc

    async def get_me(self) -> BotIdentity:
        """getMe."""
        user = await self._call(self.bot.get_me())
        return BotIdentity(user.id, user.username or "")

    async def send_message(self, chat_id: int | str, message: OutText) -> int:
        """sendMessage."""
        sent = await self._call(
            self.bot.send_message(
                chat_id,
                message.text,
                parse_mode=message.parse_mode,
                reply_markup=self.markup(message.keyboard),
            )
        )
        return int(sent.message_id)

    async def send_file(self, chat_id: int | str, file: OutFile) -> int:
        """sendPhoto or sendDocument, uploaded as multipart/form-data."""
        send = self.bot.send_photo if file.photo else self.bot.send_document
        sent = await self._call(
            send(
                chat_id,
                self.upload(file),
                caption=file.text,
                parse_mode=file.parse_mode,
                reply_markup=self.markup(file.caption.keyboard),
            )
        )
        return int(sent.message_id)

    async def edit_message_text(
        self, chat_id: int | str, message_id: int, message: OutText
    ) -> None:
        """editMessageText."""
        await self._call(
            self.bot.edit_message_text(
                text=message.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=message.parse_mode,
                reply_markup=self.markup(message.keyboard),
            )
        )

    async def answer_callback_query(self, query_id: str, text: str | None = None) -> None:
        """answerCallbackQuery."""
        await self._call(self.bot.answer_callback_query(query_id, text=text))

    async def set_my_commands(self, commands: list[tuple[str, str]]) -> None:
        """setMyCommands."""
        await self._call(self.bot.set_my_commands([self.command(c, d) for c, d in commands]))

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """setWebhook."""
        await self._call(
            self.bot.set_webhook(
                url, secret_token=secret_token, allowed_updates=list(ALLOWED_UPDATES)
            )
        )

    async def delete_webhook(self) -> None:
        """deleteWebhook (pending updates are kept)."""
        await self._call(self.bot.delete_webhook(drop_pending_updates=False))
