"""The polling lock on real PostgreSQL: one holder at a time, taken over when the holder's
connection ends, released on stop; SQLite needs none."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.leader import AdvisoryLock, lock_key, uses_locks
from tests.conftest import PG_SKIP, PG_URL, _pg_admin, _pg_database, _pg_drop

pytestmark = pytest.mark.postgres
RETRY = 0.1  # seconds between attempts, as leader_retry_seconds would be
NAME = "telegram-poll:a"


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    url = await _pg_database()
    yield url
    await _pg_drop(url)


async def take_within(lock: AdvisoryLock, seconds: float) -> bool:
    """Try every RETRY seconds, as a waiting instance does; True once it holds the lock."""
    for _ in range(round(seconds / RETRY)):
        if await lock.hold():
            return True
        await asyncio.sleep(RETRY)
    return False


async def holder_pid(url: str, key: int) -> int:
    """The backend that holds advisory lock ``key`` (pg_locks splits it into two halves)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, database=u.database
    )
    try:
        unsigned = key & 0xFFFFFFFFFFFFFFFF
        pid = await conn.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = $1 AND objid = $2 AND objsubid = 1",
            unsigned >> 32,
            unsigned & 0xFFFFFFFF,
        )
    finally:
        await conn.close()
    assert isinstance(pid, int)
    return pid


async def test_only_one_of_two_instances_holds_it(pg_url: str) -> None:
    first, second = AdvisoryLock(pg_url, NAME), AdvisoryLock(pg_url, NAME)
    try:
        assert await first.hold()
        assert not await second.hold()
        assert await first.hold()  # confirmed, still ours
        assert not await second.hold()
        other = AdvisoryLock(pg_url, "telegram-poll:b")  # another bot: its own lock
        assert await other.hold()
        await other.release()
    finally:
        await first.release()
        await second.release()


async def test_holder_connection_killed_the_other_takes_over_and_the_old_one_knows(
    pg_url: str,
) -> None:
    first, second = AdvisoryLock(pg_url, NAME), AdvisoryLock(pg_url, NAME)
    try:
        assert await first.hold()
        assert not await second.hold()
        # The holder's process dies: PostgreSQL ends its backend, and the lock with it.
        await _pg_admin(f"SELECT pg_terminate_backend({await holder_pid(pg_url, first.key)})")
        assert await take_within(second, 5 * RETRY + 2)
        assert not await first.hold()  # its connection is gone: it must stop polling
        assert not first.held
    finally:
        await first.release()
        await second.release()


async def test_release_hands_it_over(pg_url: str) -> None:
    first, second = AdvisoryLock(pg_url, NAME), AdvisoryLock(pg_url, NAME)
    try:
        assert await first.hold()
        await first.release()
        assert await second.hold()
        assert not await first.hold()
    finally:
        await first.release()
        await second.release()


def test_key_is_a_stable_signed_bigint_and_only_postgresql_locks() -> None:
    key = lock_key("telegram-poll:x")
    assert key == lock_key("telegram-poll:x") != lock_key("telegram-poll:y")
    assert -(2**63) <= key < 2**63
    assert uses_locks("postgresql+asyncpg://u@h/db")
    assert not uses_locks("sqlite+aiosqlite:///data/dutybot.db")


HOLDER = """
import asyncio, sys
from bot.store.leader import AdvisoryLock

async def main():
    lock = AdvisoryLock(sys.argv[1], sys.argv[2])
    assert await lock.hold()
    print("held", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_holder_process_killed_the_other_takes_over_within_the_retry(
    pg_url: str,
) -> None:
    root = Path(__file__).resolve().parents[2]
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        pg_url,
        NAME,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    waiting = AdvisoryLock(pg_url, NAME)
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
        assert not await waiting.hold()
        holder.send_signal(signal.SIGKILL)  # no unlock, no goodbye: the connection just drops
        await holder.wait()
        assert await take_within(waiting, 10 * RETRY)
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await waiting.release()
