"""The seams of the core: an adapter receives and sends; the directory says who people are;
a leadership says whether this instance may do what only one instance at a time may do."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.core.messages import Reply
from bot.core.roles import UserInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.core.dispatcher import Dispatcher


class Adapter(Protocol):
    """A chat platform. Adapters translate only; every decision is made in the core."""

    platform: str

    def is_group(self, address: str) -> bool:
        """True when ``address`` is a group chat (groups have stricter rate limits)."""
        ...

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Deliver ``reply`` and return the platform's message id.

        With ``edit_of`` (the id of a message sent earlier with the same ``Reply.edit_key``),
        edit that message where the platform allows; otherwise send a new one.

        Raises:
            DeliveryError: with ``permanent`` or ``retry_after`` set as the platform said.
        """
        ...

    async def start(self, dispatcher: Dispatcher) -> None:
        """Begin receiving; incoming messages go to ``dispatcher``."""
        ...

    async def stop(self) -> None:
        """Stop receiving and release connections."""
        ...


@runtime_checkable
class Resends(Protocol):
    """An adapter that sends a row differently when an earlier attempt may have delivered it
    (the attempt failed without a definite refusal, or its sender's lease ran out)."""

    async def send_again(
        self, address: str, reply: Reply, edit_of: str | None, since: datetime | None
    ) -> str:
        """As :meth:`Adapter.send`, for a row queued at ``since`` and tried before."""
        ...


class Directory(Protocol):
    """People as the runtime needs them; the directory feature provides it (composed in app)."""

    async def resolve(
        self, session: AsyncSession, platform: str, external_id: str
    ) -> UserInfo | None:
        """The active person bound to this chat account, if any."""
        ...

    async def admin_accounts(self, session: AsyncSession) -> list[tuple[int, str, str]]:
        """Every chat account of every active admin as (user id, platform, address)."""
        ...


class Leadership(Protocol):
    """Held by at most one instance of those sharing a database (PostgreSQL advisory lock).

    A holder that dies (its connection closes) releases it; another instance takes it at its
    next attempt. Provided by ``bot/store/leader.py`` and handed in by ``bot/app.py``.
    """

    async def hold(self) -> bool:
        """Take it if free, or confirm it is still ours; False while another instance holds it.

        Raises:
            Exception: the database cannot be reached (the caller retries later).
        """
        ...

    async def release(self) -> None:
        """Let another instance take it (also when the holder's connection is already gone)."""
        ...
