"""Throw-away PostgreSQL databases on a test server, for the tests and the benchmarks.

A URL such as ``postgresql+asyncpg://postgres@127.0.0.1:5432/test`` (DUTYBOT_TEST_PG_URL) names
the server and its maintenance database; each caller gets a fresh database of its own there, so
parallel runs never share tables, and drops it afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def admin(server_url: str, statement: str) -> None:
    """Run one statement on the server's maintenance database (``server_url``'s database)."""
    import asyncpg

    base = make_url(server_url)
    conn = await asyncpg.connect(
        host=base.host or "127.0.0.1",
        port=base.port or 5432,
        user=base.username or "postgres",
        password=base.password,
        database=base.database or "postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def create_database(server_url: str, prefix: str = "dutybot_t") -> str:
    """Create an empty database on the server and return its URL (same driver and login)."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    await admin(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(server_url: str, url: str) -> None:
    """Drop ``url``'s database, disconnecting whoever is still on it."""
    await admin(server_url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@asynccontextmanager
async def scratch_database(server_url: str, prefix: str = "dutybot_t") -> AsyncIterator[str]:
    """A fresh database's URL for the ``with`` block; dropped after it."""
    url = await create_database(server_url, prefix)
    try:
        yield url
    finally:
        await drop_database(server_url, url)
