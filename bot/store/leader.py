"""One instance at a time: a PostgreSQL session-level advisory lock on a dedicated connection.

Several ``dutybot run`` processes share the outbox, due items and cron runs through row locks,
but Telegram allows only one getUpdates caller per bot. The poller therefore runs only while its
instance holds ``pg_try_advisory_lock(key)``; the lock lives as long as the connection that took
it, so a holder that dies (process killed, machine gone once PostgreSQL's TCP keepalive notices)
frees it without anyone cleaning up, and the next attempt of another instance takes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("dutybot.leader")


def lock_key(name: str) -> int:
    """The signed 64-bit advisory-lock key for ``name`` (the first 8 bytes of its SHA-256)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def uses_locks(url: str) -> bool:
    """True for PostgreSQL; a SQLite database has one instance, which needs no lock."""
    return make_url(url).get_backend_name() == "postgresql"


class AdvisoryLock:
    """:class:`bot.core.ports.Leadership` on PostgreSQL.

    The connection is its own (``NullPool``: closing it really closes it, so a lock can never
    linger in a pool) and in autocommit, so no transaction stays open for hours beside it.
    """

    def __init__(self, url: str | URL, name: str) -> None:
        self.url = url
        self.key = lock_key(name)
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        """True while this instance believes it holds the lock (confirmed by :meth:`hold`)."""
        return self._conn is not None

    async def hold(self) -> bool:
        """Confirm the lock on its connection, or try to take it; False when another has it."""
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                return True
            except Exception as exc:
                # The connection died, and the lock with it: someone else may hold it by now.
                log.warning("lost the advisory lock's connection (%s)", type(exc).__name__)
                await self._drop()
        if self._engine is None:
            self._engine = create_async_engine(self.url, poolclass=NullPool)
        conn = await self._engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            got = bool(
                await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            )
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        """Unlock and close the connection; closing alone would free the lock too."""
        if self._conn is not None:
            with contextlib.suppress(Exception):  # a dead connection has released it already
                await self._conn.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                )
        await self._drop()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            # A connection whose server end was terminated cannot be checked in cleanly; left to
            # the garbage collector it warns later, in whatever code runs then.
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()


def leaders_for(url: str) -> Callable[[str], AdvisoryLock] | None:
    """Leadership by name for instances sharing PostgreSQL; None on SQLite (one instance)."""
    if not uses_locks(url):
        return None
    return lambda name: AdvisoryLock(url, name)
