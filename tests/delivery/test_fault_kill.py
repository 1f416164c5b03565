"""kill -9 of one of three `dutybot run` processes in the middle of a 1,000-recipient red
broadcast: every recipient gets exactly one copy, except a row in doubt, which gets at most one
and is settled uncertain; the live instances resume the dead one's claims within 10 s.

The rows are at most once (broadcasts): a row whose send had started when its sender died is
never sent again (bot/store/outbox_once.py); one whose send had not started goes back to pending
and is sent by a live instance (bot/store/instances.py). Each instance hands such rows to the
platform one at a time, so a kill leaves at most one row in doubt.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path

import pytest

from bot.store.outbox import OutboxStatus
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.local_bot import TOKEN, server_limits
from tests.conftest import PG_SKIP, PG_URL, _pg_database, _pg_drop
from tests.delivery import fault_support as fs

pytestmark = pytest.mark.postgres
log = logging.getLogger(__name__)  # the figures: pytest -o log_cli=true --log-cli-level=INFO
RECIPIENTS, KILL_AT, INSTANCES = 1000, 300, 3
RESUME_WITHIN = 10.0  # seconds from the kill to the first resent row of the dead one's


async def test_kill_9_mid_broadcast_every_recipient_one_copy_and_resumed_in_10s(
    tmp_path: Path,
) -> None:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    url = await _pg_database()
    fake = FakeBotApi(TOKEN, limits=server_limits(False))
    await fake.start()
    app = await fs.prepared(url, fake.base_url, tmp_path / "test")
    procs = [fs.spawn(url, fake.base_url, tmp_path / f"i{n}") for n in range(INSTANCES)]
    try:
        await fs.wait_instances(app, procs, within=40)
        await fs.queue_broadcast(app, RECIPIENTS)
        async with asyncio.timeout(40):
            await fake.wait_sent(KILL_AT)
        # The victim: the instance holding most claims now. Frozen first (SIGSTOP), so what it
        # holds can be read without a race, then killed as kill -9 does.
        pids = await fs.instance_ids(app)
        held = [r for r in await fs.rows(app) if r.status == OutboxStatus.SENDING.value]
        owner = max(pids.values(), key=lambda i: sum(r.claimed_by == i for r in held))
        victim = next(p for p in procs if pids[p.pid] == owner)
        os.kill(victim.pid, signal.SIGSTOP)
        await asyncio.sleep(0.5)  # a COMMIT it had already written reaches the server
        mine = [r for r in await fs.rows(app) if r.claimed_by == owner]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        killed = time.monotonic()
        in_doubt = {r.target for r in mine if r.send_started_at is not None}
        waiting = [int(r.target.split(":")[1]) for r in mine if r.send_started_at is None]
        assert waiting, "the victim held no claims whose send had not started"
        assert len(in_doubt) <= 1  # one send in flight per instance and platform
        before = {c: len(fake.texts(c)) for c in waiting}

        resumed = taken = None
        async with asyncio.timeout(RESUME_WITHIN + 5):
            while resumed is None:
                if any(len(fake.texts(c)) > before[c] for c in waiting):
                    resumed = time.monotonic() - killed
                if taken is None and not [r for r in await fs.rows(app) if r.claimed_by == owner]:
                    taken = time.monotonic() - killed  # a live instance's beat took them back
                await asyncio.sleep(0.01)
        assert resumed <= RESUME_WITHIN, f"resumed {resumed:.1f} s after the kill"

        async with asyncio.timeout(60):  # every row settled: sent, or uncertain
            while True:
                if all(r.status not in ("pending", "sending") for r in await fs.rows(app)):
                    break
                await asyncio.sleep(0.3)
        await asyncio.sleep(0.5)  # a second copy would arrive now
        final = {r.target: r for r in await fs.rows(app)}
        got = fs.copies(fake, RECIPIENTS)
        uncertain = {t for t, r in final.items() if r.status == OutboxStatus.UNCERTAIN.value}
        assert uncertain == in_doubt  # only the row the victim was handing over
        for target, row in final.items():
            n = got[int(target.split(":")[1])]
            if target in uncertain:
                assert n <= 1, target  # perhaps delivered; never a second copy
            else:
                assert (row.status, n) == (OutboxStatus.SENT.value, 1), target
        assert all(final[f"telegram:{c}"].resent for c in waiting)  # audited as sent again
        assert await fs.audited(app, "broadcast") == {
            "sent": RECIPIENTS - len(uncertain),
            **({"uncertain": 1} if uncertain else {}),
        }
        assert len(await fs.instance_ids(app)) == INSTANCES - 1  # the dead one's row is gone
        log.info(
            f"kill -9 at {KILL_AT}/{RECIPIENTS}: victim held {len(mine)} rows "
            f"({len(in_doubt)} in doubt); taken over after {taken or resumed:.2f} s, "
            f"the first of them sent again after {resumed:.2f} s"
        )
    finally:
        fs.stop(procs)
        await app.engine.dispose()
        await fake.stop()
        await _pg_drop(url)
