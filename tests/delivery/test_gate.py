"""The sender's one-at-a-time gate for at-most-once rows: lowest key first, never two inside,
and a waiter cancelled (a stopping sender) neither blocks the gate nor loses a turn."""

from __future__ import annotations

import asyncio

from bot.delivery.gate import TurnGate


async def test_waiters_enter_lowest_key_first_one_at_a_time() -> None:
    gate, entered, inside = TurnGate(), [], []

    async def go(key: int) -> None:
        async with gate.turn(key):
            inside.append(key)
            assert len(inside) == 1
            entered.append(key)
            await asyncio.sleep(0.01)
            inside.remove(key)

    first = asyncio.create_task(go(50))
    await asyncio.sleep(0)  # 50 holds the gate; the rest arrive in this order
    rest = [asyncio.create_task(go(k)) for k in (40, 90, 10, 70)]
    await asyncio.gather(first, *rest)
    assert entered == [50, 10, 40, 70, 90]


async def test_a_cancelled_waiter_does_not_block_the_gate() -> None:
    gate, entered = TurnGate(), []
    release = asyncio.Event()

    async def go(key: int, hold: asyncio.Event | None = None) -> None:
        async with gate.turn(key):
            entered.append(key)
            if hold is not None:
                await hold.wait()

    holder = asyncio.create_task(go(5, release))
    await asyncio.sleep(0)
    doomed, later = asyncio.create_task(go(1)), asyncio.create_task(go(9))
    await asyncio.sleep(0)
    doomed.cancel()
    release.set()
    await asyncio.gather(holder, later)
    assert entered == [5, 9]
    async with asyncio.timeout(1), gate.turn(0):  # free again
        pass
