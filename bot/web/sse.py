"""Server-sent events: a page part that updates without reload (the broadcast board).

A page function returns an :class:`EventStream`; after the page's checks commit, the runtime
asks ``produce`` for the part's HTML in a fresh transaction every ``every`` seconds and sends it
when it changed. The browser side is ``static/app.js``: an element with ``data-sse="URL"`` has
its content replaced by each event. Polling the database (not an in-process signal) means an
update made by any instance sharing it reaches every open board.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.web.guard import HEADERS

Produce = Callable[[AsyncSession], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class EventStream:
    """What an SSE page returns.

    Attributes:
        produce: The part's current HTML (escaped by its template), read in its own transaction.
        every: Seconds between reads (the clock's sleep, so a fake clock drives tests).
        lasting: Seconds before the stream ends; the browser's EventSource reconnects by itself,
            and reconnecting checks the session again (a signed-out or revoked person stops).
    """

    produce: Produce
    every: float = 2.0
    lasting: float = 300.0


def event(html: str, name: str = "message") -> bytes:
    """One SSE event carrying ``html`` (each line a ``data:`` line)."""
    lines = [f"event: {name}"] + [f"data: {line}" for line in html.splitlines() or [""]]
    return ("\n".join(lines) + "\n\n").encode()


async def run_stream(
    request: web.Request,
    stream: EventStream,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> web.StreamResponse:
    """Send ``stream``'s part now and whenever it changes, until it lasted or the reader left."""
    response = web.StreamResponse(
        headers={
            **HEADERS,
            "Content-Type": "text/event-stream; charset=utf-8",
            "X-Accel-Buffering": "no",  # a proxy in front must not hold events back
        }
    )
    await response.prepare(request)
    last: str | None = None
    waited = 0.0
    try:
        while waited <= stream.lasting:
            async with sessions.begin() as db:
                html = await stream.produce(db)
            if html != last:
                await response.write(event(html))
                last = html
            else:
                await response.write(b": still here\n\n")  # keeps proxies from closing it
            await clock.sleep(stream.every)
            waited += stream.every
    except ConnectionResetError:
        pass  # the reader closed the page
    return response
