"""The reminders benchmark's core at small scale: every reminder arrives exactly once.

200 reminders due over 3 s, seeded as due items, fired and sent by one real ``dutybot run``
process on SQLite through the Telegram adapter to the local Bot API server (bench/reminders.py).
Only behaviour is asserted (none lost, none twice, none early), never timings: this machine is
shared.
"""

from __future__ import annotations

from bench.reminders import measure


async def test_two_hundred_reminders_arrive_once_each_none_early() -> None:
    result = await measure("ours", 200, processes=1, window=3.0, lead=6.0, pg=None)
    assert result["delivered"] == 200
    assert (result["lost"], result["duplicates"], result["early"]) == (0, 0, 0)
