"""What the local Bot API server answers with: error replies, flood limits, injected faults."""

from __future__ import annotations

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
    kind: str  # "429", "500", "timeout"
    chat_id: int | None = None
