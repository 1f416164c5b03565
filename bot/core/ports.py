"""The one seam between the core and a chat platform: an adapter receives and sends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.core.messages import Reply

if TYPE_CHECKING:
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
