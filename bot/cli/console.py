"""The console chat loop: interactive on a terminal, line by line when input is piped.

Lines starting with ``:`` control the console itself: ``:as 李明`` speaks as someone else,
``:group 防汛指挥群`` speaks inside a group, ``:private`` goes back, ``:quit`` leaves.
Lines starting with ``#`` are comments (handy in scripted conversations).
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console.adapter import ConsoleAdapter

if TYPE_CHECKING:
    from bot.app import App

HELP = (
    "控制命令：:as 姓名（切换说话人） :group 群名（进入群聊） :private（回到私聊） :quit（退出）"
)


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
        if text.startswith(":"):
            if not _control(adapter, text, out):
                break
            continue
        if not interactive:
            print(f"{adapter.user}{where} » {text}", file=out, flush=True)
        await app.dispatcher.receive(adapter.message(text))
        # Replies come before the next line is read, so a piped transcript reads in order.
        await app.sender.drain()
    await app.ticker.tick()
    await app.sender.drain()
