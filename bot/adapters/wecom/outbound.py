"""What the WeCom adapter posts: app and robot message bodies (split within WeCom's byte limits),
the button card, and when an app message asks WeCom to drop a duplicate.

WeCom's duplicate check (``enable_duplicate_check: 1``, ``duplicate_check_interval`` seconds,
1,800 by default, 4 hours at most) drops a message whose content equals one the app sent the
same person within the interval — identical content, not the same send, so with the check on
for every message a repeated reminder or the same chart sent twice within the interval would
never arrive (docs/platforms.md §WeCom duplicate check). It is therefore asked for only when a
row is sent again after an attempt whose outcome is unknown (a timeout, a taken-over lease),
and only as far back as the row is old: what it can then drop is the copy the earlier attempt
delivered, or a message with the same content sent to the same person since the row was queued.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime
from typing import Any

from bot.adapters.common.text import split_bytes, with_hints
from bot.core.messages import Reply, TextFormat

TEXT_BYTES = 2048  # app and robot text: longer is truncated or refused
MARKDOWN_BYTES = 4096  # a group robot's markdown
APP_MARKDOWN_BYTES = 2048  # the app's markdown (message/send, appchat/send)
CARD_BUTTONS = 6  # button_interaction cards hold at most six buttons
CHECK_MARGIN_SECONDS = 5  # the earlier attempt reached WeCom after the row was queued


def duplicate_check(since: datetime | None, now: datetime, most: int) -> dict[str, Any]:
    """The duplicate-check fields of a row sent again, reaching back to when it was queued
    (``since``; None: unknown, ``most``) and never further than ``most`` seconds; {} when
    ``most`` is 0 (the check is off)."""
    if most <= 0:
        return {}
    age = most if since is None else math.ceil((now - since).total_seconds())
    interval = max(1, min(most, age + CHECK_MARGIN_SECONDS))
    return {"enable_duplicate_check": 1, "duplicate_check_interval": interval}


def app_bodies(reply: Reply, cards: bool) -> list[dict[str, Any]]:
    """The text or markdown pieces of an app message (buttons as hints unless ``cards``)."""
    text = reply.text if cards else with_hints(reply)
    mentions = " ".join(f"@{m.name}" for m in reply.mentions)
    text = f"{mentions}\n{text}" if mentions else text
    if not text.strip():  # a file sent without words
        return []
    if reply.format is TextFormat.MARKDOWN:
        return [
            {"msgtype": "markdown", "markdown": {"content": piece}}
            for piece in split_bytes(text, APP_MARKDOWN_BYTES)
        ]
    return [{"msgtype": "text", "text": {"content": p}} for p in split_bytes(text, TEXT_BYTES)]


def card(reply: Reply) -> dict[str, Any]:
    """The buttons as a 按钮交互型 template card."""
    buttons = [b for row in reply.buttons for b in row]
    return {
        "msgtype": "template_card",
        "template_card": {
            "card_type": "button_interaction",
            "main_title": {"title": "请选择操作", "desc": reply.text.splitlines()[0][:40]},
            "task_id": f"dutybot-{secrets.token_hex(12)}",
            "button_list": [{"text": b.label[:10], "style": 1, "key": b.command} for b in buttons],
        },
    }


def robot_bodies(reply: Reply) -> list[dict[str, Any]]:
    """A group robot's text or markdown pieces, mentioning the reply's people."""
    text = with_hints(reply)
    users = [m.user_id for m in reply.mentions]
    if reply.format is TextFormat.MARKDOWN:
        # Markdown robots mention with <@userid> inside the content.
        tags = " ".join(f"<@{u}>" for u in users)
        bodies: list[dict[str, Any]] = [
            {"msgtype": "markdown", "markdown": {"content": p}}
            for p in split_bytes(f"{text}\n{tags}" if tags else text, MARKDOWN_BYTES)
        ]
    else:  # mention once, on the first piece
        bodies = [
            {"msgtype": "text", "text": {"content": p, "mentioned_list": [] if i else users}}
            for i, p in enumerate(split_bytes(text, TEXT_BYTES))
        ]
    return [b for b in bodies if b[b["msgtype"]]["content"].strip()]
