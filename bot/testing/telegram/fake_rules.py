"""What the local Bot API server answers with: error replies, flood limits, injected faults."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any


class ApiReply(Exception):
    """An error answer: HTTP status and Bot API body."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            self.body["parameters"] = parameters
        self.status = code


@dataclass
class Limits:
    """Telegram's flood limits as enforced here (``slack`` absorbs network jitter)."""

    per_second: int = 30
    chat_burst: int = 3  # per chat per second: Telegram tolerates short bursts
    group_per_minute: int = 20
    slack: float = 0.95
    retry_after: int = 1


@dataclass
class Fault:
    """One injected failure for the next matching call."""

    method: str
    # "429", "500", "timeout" (no answer), "late" (carried out, answered too late), "drop" (the
    # connection is closed without an answer, the call not carried out)
    kind: str
    chat_id: int | None = None


class Dropped(Exception):
    """The server hangs up on the call (a "drop" fault)."""


class FaultInjection:
    """Failures the server injects into the next matching calls (``fail``)."""

    faults: deque[Fault]
    limits: Limits
    throttled: int
    timeout_delay: float

    def fail(self, method: str, kind: str, *, times: int = 1, chat_id: int | None = None) -> None:
        """The next ``times`` calls of ``method`` (to ``chat_id``) fail with ``kind``."""
        self.faults.extend(Fault(method, kind, chat_id) for _ in range(times))

    async def _inject(self, method: str, params: dict[str, Any]) -> bool:
        """Raise the next matching fault; True for "late" (the call is carried out first)."""
        for fault in self.faults:
            if fault.method == method and fault.chat_id in (None, params.get("chat_id")):
                self.faults.remove(fault)
                break
        else:
            return False
        if fault.kind == "late":
            return True
        if fault.kind == "drop":
            raise Dropped(method)
        if fault.kind == "429":
            self.throttled += 1
            retry = self.limits.retry_after
            raise ApiReply(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        if fault.kind == "timeout":
            await asyncio.sleep(self.timeout_delay)  # the client gave up long before
            raise ApiReply(504, "Gateway Timeout")
        raise ApiReply(int(fault.kind), "Internal Server Error")
