"""The reminders benchmark's baseline: APScheduler 3.11 with its own SQLAlchemyJobStore.

``seed`` writes one DateTrigger job per reminder into the store; ``python -m bench._apscheduler
STORE_URL`` runs one AsyncIOScheduler on it (several may share it: APScheduler 3 does not
coordinate them) and prints :data:`READY` once started. Each job POSTs ``sendMessage`` to the
local Bot API server, as the Telegram adapter would.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from datetime import UTC, datetime
from typing import Any

from bot.testing.telegram.local_bot import TOKEN

READY = "ready"
_http: Any = None


async def deliver(base_url: str, chat_id: int, text: str) -> None:
    """The job: the sendMessage call the adapter would make, straight over HTTP."""
    global _http
    if _http is None:
        import aiohttp

        _http = aiohttp.ClientSession()
    url = f"{base_url}/bot{TOKEN}/sendMessage"
    async with _http.post(url, json={"chat_id": chat_id, "text": text}) as response:
        response.raise_for_status()


def _scheduler(store: Any) -> Any:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    # No misfire grace limit: with the default 1 s a job run late would be dropped (lost).
    defaults = {"misfire_grace_time": None, "coalesce": False}
    return AsyncIOScheduler(jobstores={"default": store}, job_defaults=defaults, timezone=UTC)


def seed(store_url: str, base_url: str, sends: list[tuple[datetime, int, str]]) -> None:
    """One DateTrigger job per (due time, chat, text), written as the store's ``add_job`` writes
    each job but in one transaction (one at a time takes longer than the lead on SQLite)."""
    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.triggers.date import DateTrigger

    store = SQLAlchemyJobStore(url=store_url)
    sched = _scheduler(store)  # never started: it lends the jobs its defaults
    store.start(sched, "default")  # creates the table
    rows = []
    for i, (due_at, chat, text) in enumerate(sends):
        job = Job(
            sched,
            id=f"r{i}",
            func=f"{__name__}:deliver",
            args=[base_url, chat, text],
            kwargs={},
            trigger=DateTrigger(due_at, timezone=UTC),
            executor="default",
            name="deliver",
            misfire_grace_time=None,
            coalesce=False,
            max_instances=1,
            next_run_time=due_at,
        )
        state = pickle.dumps(job.__getstate__(), store.pickle_protocol)
        rows.append({"id": job.id, "next_run_time": due_at.timestamp(), "job_state": state})
    with store.engine.begin() as conn:
        conn.execute(store.jobs_t.insert(), rows)
    store.shutdown()


async def _run(store_url: str) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    sched = _scheduler(SQLAlchemyJobStore(url=store_url))
    sched.start()
    print(READY, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        sched.shutdown(wait=False)


if __name__ == "__main__":
    asyncio.run(_run(sys.argv[1]))
