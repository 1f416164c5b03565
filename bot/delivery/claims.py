"""Which lane classes the sender claims rows for, and how many: each class its own batch.

A class (a platform's app, its webhook robots: bot/delivery/limits.py) is claimed on its own, so
one class's backlog never fills the batch another is waiting for. It is topped up once half its
batch is out — not after every settled row: a claim per class per row would cost more than the
sends — and a class whose last claim found nothing is not asked again until something is queued
(:meth:`ClassClaims.refresh`) or a poll interval has passed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import OutboxConfig
from bot.delivery.limits import class_filter
from bot.store import outbox


class ClassClaims:
    """Rows held per lane class, and the classes found empty."""

    def __init__(self, names: list[str], config: OutboxConfig) -> None:
        self.names = names
        self.config = config
        self.held: dict[str, int] = defaultdict(int)  # class → rows claimed, not yet settled
        self._dry: dict[str, datetime] = {}  # class → when its last claim found nothing

    def refresh(self) -> None:
        """Something may have been queued: ask every class again."""
        self._dry.clear()

    def rooms(self, now: datetime) -> dict[str, int]:
        """How many rows each class due a claim may take now."""
        poll = timedelta(seconds=self.config.poll_seconds)
        batch = self.config.batch_size
        return {
            name: batch - self.held[name]
            for name in self.names
            if self.held[name] <= batch // 2 and now - self._dry.get(name, now - poll) >= poll
        }

    async def claim(
        self,
        session: AsyncSession,
        now: datetime,
        rooms: dict[str, int],
        busy: list[str],
        owner: str | None,
    ) -> list[outbox.Claimed]:
        """Claim up to each class's room, leaving out ``busy`` chats (they have a lane)."""
        rows: list[outbox.Claimed] = []
        for name, room in rooms.items():
            prefix, not_prefix = class_filter(name, self.names)
            found = await outbox.claim(
                session,
                now,
                lease=timedelta(seconds=self.config.lease_seconds),
                limit=room,
                platforms=[name.partition(":")[0]],
                skip_targets=busy,
                owner=owner,
                prefix=prefix,
                not_prefix=not_prefix,
            )
            if found:
                self._dry.pop(name, None)
            else:
                self._dry[name] = now
            rows += found
        return rows
