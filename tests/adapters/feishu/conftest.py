"""The local open.feishu.cn fake and a DutyBot wired to it through the real Feishu adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.feishu import create_adapter
from bot.core.clock import FakeClock
from bot.testing.feishu import ENV, FakeFeishu
from tests.adapters.rig import Rig, make_rig


@pytest.fixture
async def feishu(clock: FakeClock) -> AsyncIterator[FakeFeishu]:
    async with FakeFeishu(clock) as fake:
        yield fake


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, feishu: FakeFeishu) -> AsyncIterator[Rig]:
    section = {"api_base": feishu.url, "robots": {"防汛群": "FLOOD"}, "timeout_seconds": 0.5}
    async with await make_rig(
        db_url, clock, "feishu", section, create_adapter, ENV, "ou_zhangsan"
    ) as made:
        yield made
