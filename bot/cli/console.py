"""The console chat loop: interactive on a terminal, line by line when input is piped.

Lines starting with ``:`` control the console itself: ``:as 李明`` speaks as someone else,
``:group 防汛指挥群`` speaks inside a group, ``:private`` goes back, ``:quit`` leaves, and
``:file 值班表.xlsx /submit 3`` sends a local file with a caption (as a chat app would).
Lines starting with ``#`` are comments (handy in scripted conversations).
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console.adapter import ConsoleAdapter
from bot.core.messages import IncomingMessage

if TYPE_CHECKING:
    from bot.app import App

HELP = (
    "控制命令：:as 姓名（切换说话人） :group 群名（进入群聊） :private（回到私聊） "
    ":file 路径 说明（发送本地文件，说明里写命令） :quit（退出）"
)


def _file(adapter: ConsoleAdapter, arg: str, out: TextIO) -> IncomingMessage | None:
    """The message ``:file PATH 说明`` sends, or None (said why) when the file cannot be read."""
    try:
        words = shlex.split(arg)
    except ValueError:
        words = arg.split()
    if not words:
        print("（用法：:file 路径 说明，例如 :file 值班表.xlsx /submit 3）", file=out, flush=True)
        return None
    try:
        return adapter.file_message(Path(words[0]).expanduser(), " ".join(words[1:]))
    except OSError as exc:
        print(f"（无法读取文件 {words[0]}：{exc.strerror or exc}）", file=out, flush=True)
        return None


def _control(adapter: ConsoleAdapter, line: str, out: TextIO) -> bool:
    """Apply a ``:`` command; returns False to quit."""
    word, _, arg = line[1:].strip().partition(" ")
    arg = arg.strip()
    if word in ("quit", "exit", "q"):
        return False
    if word == "as" and arg:
        adapter.user = arg
        print(f"（现在以「{arg}」的身份发言）", file=out, flush=True)
    elif word == "group" and arg:
        adapter.group = arg
        print(f"（进入群聊「{arg}」）", file=out, flush=True)
    elif word == "private":
        adapter.group = None
        print("（回到私聊）", file=out, flush=True)
    else:
        print(HELP, file=out, flush=True)
    return True


async def _read_line(prompt: str, interactive: bool, stdin: TextIO) -> str | None:
    if interactive:
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            return None
    line = await asyncio.to_thread(stdin.readline)
    return line.rstrip("\n") if line else None


async def chat(app: App, adapter: ConsoleAdapter, stdin: TextIO | None = None) -> None:
    """Run the conversation until ``:quit`` or end of input, then deliver what is pending."""
    stdin = stdin or sys.stdin
    out = adapter.out
    interactive = stdin.isatty()
    if interactive:
        print(
            f"DutyBot 值班助手 — 控制台。您是「{adapter.user}」。发送 /help 开始；{HELP}",
            file=out,
            flush=True,
        )
    while True:
        where = f"@{adapter.group}" if adapter.group else ""
        line = await _read_line(f"{adapter.user}{where}> ", interactive, stdin)
        if line is None:
            break
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        msg: IncomingMessage | None = adapter.message(text)
        if text.startswith(":file"):
            msg = _file(adapter, text[len(":file") :].strip(), out)
        elif text.startswith(":"):
            if not _control(adapter, text, out):
                break
            continue
        if msg is None:
            continue
        if not interactive:
            print(f"{adapter.user}{where} » {text}", file=out, flush=True)
        await app.dispatcher.receive(msg)
        # Replies come before the next line is read, so a piped transcript reads in order.
        await app.sender.drain()
    await app.ticker.tick()
    await app.sender.drain()
