"""Document numbers: 1, 2 … per series and year, a new year starting at 1, two transactions
taking numbers at the same time never sharing one, and a rollback leaving no gap."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.store import numbers


async def test_numbers_count_per_series_and_restart_each_year(app: App) -> None:
    async with app.sessions.begin() as session:
        taken = [await numbers.next_number(session, "值班信息", 2026) for _ in range(3)]
        other = await numbers.next_number(session, "要情快报", 2026)
        next_year = await numbers.next_number(session, "值班信息", 2027)
    assert taken == [1, 2, 3] and other == 1 and next_year == 1
    async with app.sessions() as session:
        assert await numbers.last_number(session, "值班信息", 2026) == 3
        assert await numbers.last_number(session, "值班信息", 2025) == 0


async def test_concurrent_transactions_get_distinct_numbers(app: App) -> None:
    started = asyncio.Event()

    async def take(hold: bool) -> int:
        async with app.sessions.begin() as session:
            number = await numbers.next_number(session, "县政府办督", 2027)
            if hold:  # keep the transaction open while the other one asks
                started.set()
                await asyncio.sleep(0.3)
            else:
                await started.wait()
            return number

    first = asyncio.create_task(take(True))
    await started.wait()
    results = await asyncio.gather(first, take(False))
    assert sorted(results) == [1, 2]
    async with app.sessions() as session:
        assert await numbers.last_number(session, "县政府办督", 2027) == 2


async def test_a_rolled_back_number_is_given_to_the_next_one(app: App) -> None:
    async with app.sessions() as session, session.begin():
        assert await numbers.next_number(session, "值班信息", 2026) == 1
        await session.rollback()
    async with app.sessions.begin() as session:
        assert await numbers.next_number(session, "值班信息", 2026) == 1  # nothing was kept
        assert await numbers.next_number(session, "值班信息", 2026) == 2
