"""Bot API update and chat objects the local server hands out (what phones would send)."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


@dataclass
class Sent:
    """A message as the chat shows it."""

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    keyboard: list[list[Json]] = field(default_factory=list)
    edits: int = 0
    file: Any = None
    """The photo or document (an Upload) when the message carries one."""
    at: float = field(default_factory=time.time)
    """When the server accepted it (wall-clock seconds): benchmarks measure lateness by it."""


class UpdateFactory:
    """Builds updates with increasing update_ids and per-chat message ids."""

    bot_id: int

    def __init__(self) -> None:
        self._ids = itertools.count(1001)
        self._msg_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))

    def chat(self, chat_id: int, title: str = "") -> Json:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"用户{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": title or f"群{chat_id}"}

    def message_update(
        self, sender: int, text: str, *, chat_id: int | None = None, **extra: Any
    ) -> Json:
        """A text message update (``/commands`` get their bot_command entity)."""
        chat = self.chat(chat_id or sender)
        message: Json = {
            "message_id": next(self._msg_ids[chat["id"]]),
            "from": {"id": sender, "is_bot": False, "first_name": f"用户{sender}"},
            "chat": chat,
            "date": int(time.time()),
            "text": text,
            **extra,
        }
        if text.startswith("/"):
            length = len(text.split(" ")[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": next(self._ids), "message": message}

    def caption_update(
        self, sender: int, caption: str, *, chat_id: int | None = None, **extra: Any
    ) -> Json:
        """A photo with ``caption`` and no text (what a phone sends for a captioned picture)."""
        update = self.message_update(sender, caption, chat_id=chat_id, **extra)
        message = update["message"]
        message["caption"] = message.pop("text")
        if "entities" in message:
            message["caption_entities"] = message.pop("entities")
        message["photo"] = [{"file_id": "P1", "file_unique_id": "p", "width": 1, "height": 1}]
        return update

    def document_update(
        self, sender: int, caption: str, file_id: str, name: str, mime: str, **extra: Any
    ) -> Json:
        """A file sent as a document with ``caption`` (host its bytes first: ``host``)."""
        update = self.caption_update(sender, caption, **extra)
        message = update["message"]
        del message["photo"]
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": mime,
        }
        return update

    def edited_update(self, original: Json, text: str) -> Json:
        """``original`` (a message update) edited to say ``text``."""
        message = {**original["message"], "text": text, "edit_date": int(time.time())}
        return {"update_id": next(self._ids), "edited_message": message}

    def member_update(self, chat_id: int, by: int, status: str) -> Json:
        """The bot's own membership in ``chat_id`` changed (``member``, ``left``, ``kicked``)."""
        bot = {"id": self.bot_id, "is_bot": True, "first_name": "值班助手"}
        return {
            "update_id": next(self._ids),
            "my_chat_member": {
                "chat": self.chat(chat_id),
                "from": {"id": by, "is_bot": False, "first_name": f"用户{by}"},
                "date": int(time.time()),
                "old_chat_member": {"status": "left", "user": bot},
                "new_chat_member": {"status": status, "user": bot},
            },
        }

    def press_update(self, sender: int, sent: Sent, data: str) -> Json:
        """Pressing a button with ``data`` under message ``sent``."""
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": f"cq{next(self._ids)}",
                "from": {"id": sender, "is_bot": False, "first_name": f"用户{sender}"},
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": sent.message_id,
                    "date": int(time.time()),
                    "chat": self.chat(sent.chat_id),
                    "text": sent.text,
                },
            },
        }

    def migrate_update(self, old: int, new: int) -> Json:
        """The service message a group sends when it becomes a supergroup."""
        message: Json = {
            "message_id": next(self._msg_ids[old]),
            "chat": {"id": old, "type": "group", "title": "旧群"},
            "date": int(time.time()),
            "migrate_to_chat_id": new,
        }
        return {"update_id": next(self._ids), "message": message}
