"""The local DingTalk fake and a DutyBot wired to it through the real DingTalk adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.dingtalk import create_adapter
from bot.core.clock import FakeClock
from bot.testing.dingtalk import ENV, FakeDingTalk
from tests.adapters.rig import Rig, make_rig


@pytest.fixture
async def ding(clock: FakeClock) -> AsyncIterator[FakeDingTalk]:
    async with FakeDingTalk(clock) as fake:
        yield fake


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, ding: FakeDingTalk) -> AsyncIterator[Rig]:
    section = {
        "api_base": ding.url,
        "oapi_base": ding.url,
        "session_webhook_origins": [ding.url],  # the fake's sessionWebhooks
        "robots": {"防汛群": "FLOOD"},
        "timeout_seconds": 0.5,
    }
    async with await make_rig(
        db_url, clock, "dingtalk", section, create_adapter, ENV, "zhangsan"
    ) as made:
        yield made
