"""WeCom's API misbehaving in every way the outbox must survive (tests/adapters/fault_mix.py):
each row delivered once — a late answer too, thanks to the duplicate check on the retry — or
failed and told to the admins."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.testing.fakes import Fault
from bot.testing.wecom import FakeWeCom
from tests.adapters.fault_mix import Case, cases, check_case
from tests.adapters.rig import Rig

FLOOD = Fault(body={"errcode": 45009, "errmsg": "api freq out of limit"})


@pytest.mark.parametrize("case", cases(FLOOD, late_copies=1), ids=lambda c: c.name)
async def test_each_row_is_delivered_once_or_reported(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock, case: Case
) -> None:
    await check_case(rig, wecom, clock, ("wecom", "zhangsan", "liuyang"), case)
