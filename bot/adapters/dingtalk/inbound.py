"""DingTalk robot callbacks: the message body, and the sessionWebhooks they bring for replies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.core.messages import ChatKind, IncomingMessage

log = logging.getLogger("dutybot.dingtalk")

PLATFORM = "dingtalk"
GROUP_PREFIX = "group:"
# DingTalk's sessionWebhooks live about 90 minutes (docs/platforms.md §DingTalk sending).
HOOK_LIFETIME_MS = 90 * 60 * 1000


FILE_TYPES = ("picture", "file")
"""Robot messages that carry a ``downloadCode`` (no caption: a picture or file comes alone)."""


def download_of(body: dict[str, Any]) -> tuple[str, str, str] | None:
    """(download code, file name, MIME type guess) of a picture or file message, else None."""
    if body.get("msgtype") not in FILE_TYPES:
        return None
    content = body.get("content") or {}
    code = str(content.get("downloadCode") or content.get("pictureDownloadCode") or "")
    if not code:
        return None
    if body["msgtype"] == "picture":
        return code, "", "image/jpeg"  # the download's own type wins
    return code, str(content.get("fileName") or ""), ""


def to_incoming(body: dict[str, Any]) -> IncomingMessage | None:
    """A neutral message for a text callback, or a picture or file one (without its bytes: the
    adapter downloads them, see :func:`download_of`); None for anything else.

    Private chats are addressed by the sender's staff id (the binding's external id); groups by
    ``group:<openConversationId>``.
    """
    has_file = download_of(body) is not None
    if body.get("msgtype") != "text" and not has_file:
        return None
    text = str((body.get("text") or {}).get("content", "")).strip()
    sender = str(body.get("senderStaffId") or body.get("senderId") or "")
    message_id = str(body.get("msgId") or "")
    if not (text or has_file) or not sender or not message_id:
        return None
    group = str(body.get("conversationType")) == "2"
    return IncomingMessage(
        platform=PLATFORM,
        chat_id=f"{GROUP_PREFIX}{body.get('conversationId', '')}" if group else sender,
        chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
        sender_id=sender,
        sender_name=str(body.get("senderNick", "")),
        text=text,
        message_id=message_id,
        mentions_bot=bool(body.get("isInAtList", group)),
        chat_title=str(body.get("conversationTitle", "")),
    )


@dataclass(frozen=True, slots=True)
class SessionWebhook:
    """A reply URL DingTalk hands over with each message, valid for about 90 minutes."""

    url: str
    expires_ms: int


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` in lower case; ``""`` when it has a user part."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if parts.username is not None or not parts.hostname:
        return ""
    return f"{parts.scheme.lower()}://{parts.hostname}" + (f":{port}" if port else "")


class SessionWebhooks:
    """The freshest sessionWebhook per chat (memory only: after a restart OpenAPI sends work).

    A callback's body is not signed, so a webhook is kept only on an allowed origin, and never
    past the lifetime DingTalk gives one, however far off the body says it expires.
    """

    def __init__(self, margin_seconds: int, origins: tuple[str, ...]) -> None:
        self.margin_ms = margin_seconds * 1000
        self.origins = {origin(o) for o in origins}
        self._hooks: dict[str, SessionWebhook] = {}

    def remember(self, chat_id: str, body: dict[str, Any], now_ms: int) -> None:
        """Keep the webhook that came with ``body`` if it outlives the one we have."""
        url, expires = body.get("sessionWebhook"), body.get("sessionWebhookExpiredTime")
        if not url or not expires:
            return
        where = origin(str(url))
        if where not in self.origins:
            log.warning(
                "DingTalk sessionWebhook on %r is not in platforms.dingtalk."
                "session_webhook_origins; replies to %s go through the OpenAPI",
                where or "an unreadable URL",
                chat_id,
            )
            return
        try:
            stated = int(expires)
        except (TypeError, ValueError):
            return
        hook = SessionWebhook(str(url), min(stated, now_ms + HOOK_LIFETIME_MS))
        known = self._hooks.get(chat_id)
        if known is None or hook.expires_ms > known.expires_ms:
            self._hooks[chat_id] = hook

    def fresh(self, chat_id: str, now_ms: int) -> str | None:
        """The URL to reply through, unless it expires within the safety margin."""
        hook = self._hooks.get(chat_id)
        if hook is None or hook.expires_ms - self.margin_ms <= now_ms:
            return None
        return hook.url

    def forget(self, chat_id: str) -> None:
        """DingTalk refused the webhook: use OpenAPI from now on."""
        self._hooks.pop(chat_id, None)
