"""Test helpers: another connection holding SQLite's lock, and a heartbeat on the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Generous for a shared CI machine; bench/stall.py measures the real figure (docs/benchmarks.md).
LATE = 0.2


class Heartbeat:
    """A task on the loop that wakes every 10 ms and keeps its worst lateness."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._due = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._due = loop.time() + 0.01
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, loop.time() - self._due)

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.get_running_loop().create_task(self._beat())
        await asyncio.sleep(0.02)  # beating before the caller's next statement
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        # A beat still waiting to wake is late too (the loop may not have run it yet).
        self.worst = max(self.worst, asyncio.get_running_loop().time() - self._due)
        self._task.cancel()


@contextmanager
def locked(
    path: Path, seconds: float, statement: str = "BEGIN IMMEDIATE"
) -> Iterator[list[float]]:
    """Another connection (on a thread, as another process would) holds a lock for ``seconds``.

    Yields a list that receives the monotonic time the lock was released.
    """
    held, released = threading.Event(), []

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute(statement)
        if statement == "BEGIN":  # a reader: take SHARED and keep it
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        held.set()
        time.sleep(seconds)
        released.append(time.monotonic())
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    try:
        yield released
    finally:
        thread.join()
