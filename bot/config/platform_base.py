"""What every platform's section has: whether it is on, and its send rate limits."""

from __future__ import annotations

from bot.config.base import PositiveFloat, Section


class RateLimit(Section):
    overall_per_second: PositiveFloat = 30
    per_chat_per_second: PositiveFloat = 1
    per_group_per_minute: PositiveFloat = 20


class PlatformConfig(Section):
    enabled: bool = False
    rate_limit: RateLimit | None = RateLimit()
