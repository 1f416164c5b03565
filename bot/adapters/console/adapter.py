"""Console adapter: a person's address is their name (``console:张三``), a group's ``group:名``.
Files sent with a reply are written to a directory and the path is printed."""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import Config
from bot.core.errors import DeliveryError
from bot.core.messages import Attachment, ChatKind, InboundFile, IncomingMessage, Reply
from bot.core.private_files import private_dir, touch_private

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

GROUP_PREFIX = "group:"


def files_dir(config: Config) -> Path:
    """Where the console writes the files it is sent (``platforms.console.files_dir``)."""
    return Path(config.platforms.console.files_dir or Path(config.data_dir) / "files")


def _write(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``name`` in ``folder`` without overwriting an earlier file."""
    private_dir(folder)  # 0700/0600 whatever the umask: sent files are personal data
    path = folder / name
    stem, suffix, n = path.stem, path.suffix, 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    touch_private(path).write_bytes(data)
    return path


class ConsoleAdapter:
    """Prints outbound messages; builds incoming ones for whoever is typing."""

    platform = "console"

    def __init__(
        self, out: TextIO | None = None, session_tag: str = "", files: Path | None = None
    ) -> None:
        self.out = out or sys.stdout
        self.files = files or Path("data") / "files"
        self.user = ""
        self.group: str | None = None
        self._ids = itertools.count(1)
        self._sent = itertools.count(1)
        # Message ids must stay unique across runs: the inbox remembers them for weeks.
        self._tag = session_tag

    def is_group(self, address: str) -> bool:
        """Group addresses start with ``group:``."""
        return address.startswith(GROUP_PREFIX)

    def message(self, text: str, file: InboundFile | None = None) -> IncomingMessage:
        """What the current user just typed (or the file they attached), in the current chat."""
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
            file=file,
        )

    def file_message(self, path: Path, caption: str) -> IncomingMessage:
        """A local file attached as the current user would send one (``:file PATH 说明``).

        Raises:
            OSError: the file cannot be read.
        """
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self.message(caption, InboundFile(path.name, mime, path.read_bytes()))

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Print the message with who it is for (an edit is printed as an update)."""
        to = f"群「{address[len(GROUP_PREFIX) :]}」" if self.is_group(address) else address
        mentions = " ".join(f"@{m.name}" for m in reply.mentions)
        body = "\n".join(f"  {line}" for line in reply.text.splitlines() or [""])
        head = f"DutyBot → {to}" + ("（更新）" if edit_of else "") + "："
        lines = [head + (f" {mentions}" if mentions else ""), body]
        for row in reply.buttons:
            lines.append("  " + "  ".join(f"[{b.label}] 发送「{b.command}」" for b in row))
        if reply.attachment is not None:
            lines.append(await self._save(reply.attachment))
            edit_of = None  # a file is always a new message
        print("\n".join(lines), file=self.out, flush=True)
        return edit_of or f"console-{next(self._sent)}"

    async def _save(self, file: Attachment) -> str:
        """Write the file (off the event loop); the line saying where it is."""
        name = Path(file.name.replace("\\", "/")).name or "附件"
        try:
            path = await asyncio.to_thread(_write, self.files, name, file.data)
        except OSError as exc:
            raise DeliveryError(
                f"无法把附件写入 {self.files}：{exc}。请修改 platforms.console.files_dir "
                "或目录权限",
                permanent=True,
            ) from None
        kind = "图片" if file.is_photo else "文件"
        return f"  📎 {kind}「{file.name}」（{len(file.data) / 1024:.1f} KB）已保存到 {path}"

    async def start(self, dispatcher: Dispatcher) -> None:
        """Nothing to connect; input is read by the console loop."""

    async def stop(self) -> None:
        """Nothing to release."""
