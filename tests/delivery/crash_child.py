"""Child process for the crash test: empties the outbox, logging each send, and hangs at the Nth.

Run as ``python -m tests.delivery.crash_child DB_URL LOG_FILE HANG_AT``; the test kills it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.core.clock import FakeClock
from bot.core.messages import Reply
from bot.db import make_engine, make_sessionmaker
from bot.delivery.sender import Sender
from tests.conftest import START, make_config


class LoggingAdapter:
    """Writes each address it is given to a file (synced: the kill must not lose it)."""

    platform = "fake"

    def __init__(self, log: Path, hang_at: int) -> None:
        self.log, self.hang_at, self.count = log, hang_at, 0

    def is_group(self, address: str) -> bool:
        return False

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(address + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.count += 1
        if self.count == self.hang_at:
            await asyncio.Event().wait()  # the platform has it; we never hear back
        return f"m{self.count}"

    async def start(self, dispatcher: object) -> None:
        return None

    async def stop(self) -> None:
        return None


async def main(url: str, log: Path, hang_at: int) -> None:
    engine = make_engine(url)
    adapter = LoggingAdapter(log, hang_at)
    sender = Sender(
        make_sessionmaker(engine), {"fake": adapter}, make_config(url), FakeClock(START)
    )
    await sender.drain()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
