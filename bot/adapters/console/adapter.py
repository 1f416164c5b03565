"""Console adapter: a person's address is their name (``console:张三``), a group's ``group:名``."""

from __future__ import annotations

import itertools
import sys
from typing import TYPE_CHECKING, TextIO

from bot.core.messages import ChatKind, IncomingMessage, Reply

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

GROUP_PREFIX = "group:"


class ConsoleAdapter:
    """Prints outbound messages; builds incoming ones for whoever is typing."""

    platform = "console"

    def __init__(self, out: TextIO | None = None, session_tag: str = "") -> None:
        self.out = out or sys.stdout
        self.user = ""
        self.group: str | None = None
        self._ids = itertools.count(1)
        self._sent = itertools.count(1)
        # Message ids must stay unique across runs: the inbox remembers them for weeks.
        self._tag = session_tag

    def is_group(self, address: str) -> bool:
        """Group addresses start with ``group:``."""
        return address.startswith(GROUP_PREFIX)

    def message(self, text: str) -> IncomingMessage:
        """What the current user just typed, in the current chat."""
        chat = f"{GROUP_PREFIX}{self.group}" if self.group else self.user
        return IncomingMessage(
            platform=self.platform,
            chat_id=chat,
            chat_kind=ChatKind.GROUP if self.group else ChatKind.PRIVATE,
            sender_id=self.user,
            sender_name=self.user,
            text=text,
            message_id=f"{self._tag}{next(self._ids)}",
            chat_title=self.group or "",
        )

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Print the message with who it is for (an edit is printed as an update)."""
        to = f"群「{address[len(GROUP_PREFIX) :]}」" if self.is_group(address) else address
        mentions = " ".join(f"@{m.name}" for m in reply.mentions)
        body = "\n".join(f"  {line}" for line in reply.text.splitlines() or [""])
        head = f"DutyBot → {to}" + ("（更新）" if edit_of else "") + "："
        lines = [head + (f" {mentions}" if mentions else ""), body]
        for row in reply.buttons:
            lines.append("  " + "  ".join(f"[{b.label}] 发送「{b.command}」" for b in row))
        print("\n".join(lines), file=self.out, flush=True)
        return edit_of or f"console-{next(self._sent)}"

    async def start(self, dispatcher: Dispatcher) -> None:
        """Nothing to connect; input is read by the console loop."""

    async def stop(self) -> None:
        """Nothing to release."""
