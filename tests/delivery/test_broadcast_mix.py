"""Smoke test of ``python -m bench broadcast --mix`` at small scale: one red broadcast through
the real Telegram, WeCom and DingTalk adapters to fakes that enforce the published limits —
every recipient gets exactly one copy and no fake answers a limit error (behaviour, not time)."""

from __future__ import annotations

from bench._broadcast_mix import Limit, minimum, mix


def test_the_physical_minimum_follows_the_published_limits() -> None:
    assert minimum([1] * 31, Limit(30, 1), Limit(1, 1)) == 1.0  # 31 messages at 30/s
    assert minimum([1] * 70, None, Limit(20, 60)) == 0.0  # one message per robot: no wait
    assert minimum([41], None, Limit(20, 60)) == 120.0  # a robot's 41st: two minutes on
    assert minimum([2] * 100, Limit(2000, 60), Limit(30, 60)) == 199 * 0.03


async def test_one_copy_each_and_no_limit_errors_on_four_kinds_of_recipient() -> None:
    split = {"telegram": 12, "wecom_users": 6, "wecom_robots": 25, "dingtalk_robots": 25}
    result = await mix(split, within=60)
    assert set(result) == {"telegram", "wecom_app", "wecom_robots", "dingtalk_robots"}
    for name, figures in result.items():
        assert figures["copies"] == {1: figures["recipients"]}, name
        assert figures["limit_errors"] == 0, name
    assert result["wecom_app"]["messages"] == 12  # the text and its button card each
    assert result["telegram"]["messages"] == 12
