"""What the runtime does for adapters besides handling messages: tokens, moves, sightings.

Adapters translate only; when a platform needs state (a button command too long for Telegram's
64-byte ``callback_data``, a group that became a supergroup, a signed callback that must be
accepted once) they ask here instead of opening the database themselves. Features that keep
chat addresses follow a move through the hooks the composition root hands in.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.messages import Target
from bot.store import audit, button_actions, sightings
from bot.store.sql import attach_fast_path

log = logging.getLogger("dutybot.chats")

# (session, old address, new address) → how many records followed the move
ChatMoved = Callable[[AsyncSession, Target, Target], Awaitable[int]]


class ChatServices:
    """Button tokens, chat moves and callback sightings, each in its own short transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_chat_moved: Sequence[ChatMoved] = (),
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.on_chat_moved = tuple(on_chat_moved)

    async def tokens_for(self, commands: Iterable[str]) -> dict[str, str]:
        """A short opaque token for each command (reused while the command is in use)."""
        out: dict[str, str] = {}
        async with self.sessions.begin() as session:
            now = self.clock.now()
            for command in commands:
                out[command] = await button_actions.token_for(session, command, now)
        return out

    async def command_for(self, token: str) -> str | None:
        """The command a token stands for; None when it expired or never existed."""
        async with self.sessions() as session:
            return await button_actions.command_for(session, token)

    async def chat_moved(self, old: Target, new: Target) -> int:
        """A chat changed address: every feature that keeps it follows; the move is audited.

        Returns:
            How many records followed the move, over all features.
        """
        async with self.sessions.begin() as session:
            counts = [await hook(session, old, new) for hook in self.on_chat_moved]
            await audit.append(
                session,
                self.clock.now(),
                audit.Entry(
                    kind="system",
                    command=f"{old.platform} migrate",
                    platform=old.platform,
                    chat=str(new),
                    detail={"from": old.address, "to": new.address, "followed": sum(counts)},
                ),
            )
        log.info("chat %s is now %s (%s records followed)", old, new, sum(counts))
        return sum(counts)

    async def first_sighting(self, platform: str, signature: str) -> bool:
        """Record a signed callback that carries no message; False when it came before.

        (A callback with a message records its signature as the message is stored:
        ``Dispatcher.persist``.)
        """
        async with self.sessions.begin() as session:
            await attach_fast_path(session)
            return await sightings.first(session, platform, signature, self.clock.now())
