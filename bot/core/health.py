"""/healthz and /metrics for a running bot: each component's state, cheap and bounded in time.

The database is asked ``SELECT 1`` with a short timeout; the ticker and the sender are judged
by when they last ran (:class:`bot.core.metrics.Marks`) against the injected clock, so a
stalled loop shows even while the process still answers HTTP.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock
from bot.core.metrics import Metrics
from bot.store import observe

log = logging.getLogger("dutybot.health")
DB_TIMEOUT = 2.0  # seconds: health must answer quickly even when the database hangs


@dataclass
class Health:
    """Judges a running bot's parts; ``platforms`` are the enabled platforms' names."""

    sessions: async_sessionmaker[AsyncSession]
    config: Config
    clock: Clock
    metrics: Metrics
    platforms: tuple[str, ...]

    async def check(self) -> tuple[int, dict[str, Any]]:
        """HTTP status (200, or 503 when the database, the ticker or the sender is down) and
        each component's state."""
        now = self.clock.now()
        marks = self.metrics.marks
        since = marks.started or now
        database = await self._database()
        ticker = _loop(now, marks.last_tick, since, self.config.scheduler.stalled_after_seconds)
        sender = _loop(now, marks.last_send_pass, since, self.config.outbox.stalled_after_seconds)
        platforms = {}
        for name in self.platforms:
            pm = self.metrics.platform(name)
            platforms[name] = {
                "state": pm.state,  # no error text: /healthz is unauthenticated, errors name chats
                "last_sent": _iso(pm.last_sent),
                "last_received": _iso(pm.last_received),
            }
        ok = database["state"] == "ok" and ticker["state"] == "ok" and sender["state"] == "ok"
        body = {
            "ok": ok,
            "database": database,
            "ticker": ticker,
            "sender": sender,
            "platforms": platforms,
        }
        return (200 if ok else 503), body

    async def _database(self) -> dict[str, Any]:
        try:
            async with asyncio.timeout(DB_TIMEOUT):
                async with self.sessions() as session:
                    await session.execute(text("SELECT 1"))
        except TimeoutError:
            return {"state": "down", "error": f"no answer within {DB_TIMEOUT:g} s"}
        except Exception as exc:
            return {"state": "down", "error": f"{type(exc).__name__}"}
        return {"state": "ok"}

    async def exposition(self) -> bytes:
        """/metrics: the queue gauges refreshed (when the database answers), then everything."""
        try:
            await self.refresh()
        except Exception:  # the counters are still worth scraping; health reports the database
            log.warning("queue gauges not refreshed", exc_info=True)
            self.metrics.errors.labels("metrics", "database").inc()
        return self.metrics.exposition()

    async def refresh(self) -> None:
        """Set the queue gauges from the database (bounded in time like the ping)."""
        now = self.clock.now()
        async with asyncio.timeout(DB_TIMEOUT):
            async with self.sessions() as session:
                found = await observe.depths(session, now, finished=False)
        m = self.metrics
        m.outbox_depth.clear()
        for (status, priority), count in found.outbox.items():
            m.outbox_depth.labels(status, str(priority)).set(count)
        m.due_depth.clear()
        for status, count in found.due.items():
            m.due_depth.labels(status).set(count)
        for gauge, since in (
            (m.oldest_unsent, found.oldest_unsent),
            (m.due_lag, found.oldest_due),
        ):
            gauge.set((now - since).total_seconds() if since is not None else 0.0)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _loop(now: datetime, last: datetime | None, since: datetime, limit: float) -> dict[str, Any]:
    """A loop is ok when it ran within ``limit`` seconds (or started less than that ago)."""
    seen = last or since
    age = (now - seen).total_seconds()
    state = "ok" if age <= limit else "stalled"
    return {"state": state, "last": _iso(last), "age_seconds": age}
