"""What comes back from a phone: an SMS reply or a key pressed on a call, as neutral events, and
their handling — each once, audited, a classified reply refused — by the features that listen.

The SMS and voice adapters (bot/adapters/sms/callbacks.py) translate a provider's push into a
:class:`PhoneReply` or :class:`KeyPress`; :meth:`PhoneInbound.receive` records its key once
(a re-pushed batch changes nothing), runs the secrecy guard on a reply's text, and hands the
event to the listeners the composition root wires in (the broadcast feature acknowledges with
it). The audit keeps the masked number and what was done, never the reply's text.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core import secrecy
from bot.core.clock import Clock
from bot.core.privacy import mask_phone
from bot.store import audit, sightings
from bot.store.sql import attach_fast_path

log = logging.getLogger("dutybot.phone")

#: The longest reply text kept for matching (an SMS reply is at most a few hundred characters).
MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class PhoneReply:
    """Someone answered an SMS.

    Attributes:
        platform: ``sms``.
        provider: Who reported it (``aliyun`` / ``tencent``).
        phone: The sender's number in the plain form of :func:`bot.core.phones.normalize`.
        text: What they wrote.
        at: When the provider says it was sent (UTC).
        key: The provider's unique id of the push item (what a re-push repeats).
    """

    platform: str
    provider: str
    phone: str
    text: str
    at: datetime
    key: str


@dataclass(frozen=True, slots=True)
class KeyPress:
    """Someone pressed keys during a voice notification call.

    Attributes:
        call_id: The id the provider returned for the call (the outbox row's external id).
        keys: The digits pressed.
        phone: The number called, plain form ("" when the provider does not say).
    """

    platform: str
    provider: str
    call_id: str
    keys: str
    phone: str
    at: datetime
    key: str


PhoneEvent = PhoneReply | KeyPress


@dataclass
class Handled:
    """What a listener did with an event: the audit's outcome and detail."""

    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)
    user_id: int | None = None


#: (session, now, config, event) → what was done, or None when the event is not for it.
PhoneListener = Callable[[AsyncSession, datetime, Config, PhoneEvent], Awaitable[Handled | None]]


class PhoneInbound:
    """Handles phone events exactly once each, in one transaction with their audit row."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: Config,
        listeners: Sequence[PhoneListener] = (),
        notify: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.config = config
        self.listeners = tuple(listeners)
        self.notify = notify

    async def receive(self, event: PhoneEvent) -> str:
        """Handle ``event``; returns the outcome (``replayed`` when it was handled before).

        Raises:
            Exception: whatever the database raised (the push is then answered with an error,
                so the provider pushes it again).
        """
        text = event.text[:MAX_TEXT] if isinstance(event, PhoneReply) else ""
        event = _cut(event, text)
        marked = secrecy.find(text)
        digest = hashlib.sha256(f"{event.provider}\n{event.key}".encode()).hexdigest()
        async with self.sessions.begin() as session:
            await attach_fast_path(session)
            now = self.clock.now()
            if not await sightings.first(session, event.platform, digest, now):
                return "replayed"
            if marked is not None:
                handled = Handled("classified", dict(marked.detail))
            else:
                handled = await self._dispatch(session, now, event) or Handled("ignored")
            await audit.append(session, now, _entry(event, handled, len(text)))
        log.info("%s %s: %s", event.platform, type(event).__name__, handled.outcome)
        self.notify()
        return handled.outcome

    async def _dispatch(
        self, session: AsyncSession, now: datetime, event: PhoneEvent
    ) -> Handled | None:
        for listener in self.listeners:
            if (handled := await listener(session, now, self.config, event)) is not None:
                return handled
        return None


def _cut(event: PhoneEvent, text: str) -> PhoneEvent:
    if isinstance(event, PhoneReply) and text != event.text:
        return PhoneReply(event.platform, event.provider, event.phone, text, event.at, event.key)
    return event


def _entry(event: PhoneEvent, handled: Handled, chars: int) -> audit.Entry:
    """The audit row: masked number, provider, what was done — never the reply's text."""
    kind = "sms_reply" if isinstance(event, PhoneReply) else "voice_keypress"
    detail: dict[str, Any] = {"provider": event.provider, **handled.detail}
    if isinstance(event, PhoneReply):
        detail["chars"] = chars
    else:
        detail.update(call=event.call_id[:64], keys=event.keys[:8])
    return audit.Entry(
        kind="phone_inbound",
        command=kind,
        outcome=handled.outcome,
        actor_user_id=handled.user_id,
        actor=mask_phone(event.phone) if event.phone else event.provider,
        platform=event.platform,
        chat=f"{event.platform}:{mask_phone(event.phone)}" if event.phone else "",
        detail=detail,
    )
