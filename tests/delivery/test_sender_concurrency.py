"""The sender overlaps sends to different chats but keeps each chat's order."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.core.messages import Reply, Target
from bot.store import audit, outbox
from tests.support import RecordingAdapter


async def test_chats_go_side_by_side_and_each_keeps_its_order(
    app: App, fake: RecordingAdapter
) -> None:
    in_flight, most = 0, 0
    record = fake.send

    async def slow_send(address: str, reply: Reply, edit_of: str | None = None) -> str:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01 if address == "a" else 0.002)  # one slow chat
        in_flight -= 1
        return await record(address, reply, edit_of)

    fake.send = slow_send  # type: ignore[method-assign]
    async with app.sessions.begin() as session:
        # The first audit row creates the chain's tip; on this branch two first appends racing
        # on PostgreSQL both try to create it (main's initial migration now creates it).
        await audit.append(session, app.clock.now(), audit.Entry(kind="system", command="test"))
        for i in range(6):
            for address in ("a", "b", "c"):
                await outbox.enqueue(
                    session,
                    app.clock.now(),
                    Target("fake", address),
                    Reply(f"{address}{i}"),
                    key=f"{address}:{i}",
                )
    await app.sender.drain()
    for address in ("a", "b", "c"):
        assert fake.texts(address) == [f"{address}{i}" for i in range(6)]
    assert most > 1  # sends overlapped
