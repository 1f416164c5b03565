"""DingTalk's OpenAPI misbehaving in every way the outbox must survive
(tests/adapters/fault_mix.py): each row delivered or failed and told to the admins. DingTalk
has no duplicate check, so an answer that came too late leaves two copies — the at-least-once
promise of ordinary rows (docs/architecture.md), never zero."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.testing.dingtalk import FakeDingTalk
from bot.testing.fakes import Fault
from tests.adapters.fault_mix import Case, cases, check_case
from tests.adapters.rig import Rig

FLOOD = Fault(status=403, body={"code": "Forbidden.AccessDenied.QpsLimitForApi", "message": "qps"})


@pytest.mark.parametrize("case", cases(FLOOD, late_copies=2), ids=lambda c: c.name)
async def test_each_row_is_delivered_or_reported(
    rig: Rig, ding: FakeDingTalk, clock: FakeClock, case: Case
) -> None:
    await check_case(rig, ding, clock, ("dingtalk", "zhangsan", "liuyang"), case)
