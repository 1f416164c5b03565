"""The local qyapi fake and a DutyBot wired to it through the real WeCom adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.wecom import create_adapter
from bot.core.clock import FakeClock
from bot.testing.wecom import ENV, FakeWeCom
from tests.adapters.rig import Rig, make_rig


@pytest.fixture
async def wecom(clock: FakeClock) -> AsyncIterator[FakeWeCom]:
    async with FakeWeCom(clock) as fake:
        yield fake


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, wecom: FakeWeCom) -> AsyncIterator[Rig]:
    section = {
        "api_base": wecom.url,
        "agent_id": 1000002,
        "robots": {"防汛群": "FLOOD"},
        "timeout_seconds": 0.5,
    }
    async with await make_rig(
        db_url, clock, "wecom", section, create_adapter, ENV, "zhangsan"
    ) as made:
        yield made
