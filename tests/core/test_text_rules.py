"""Time expressions and roles (the secrecy guard: test_secrecy.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.clock import LocalTime
from bot.core.roles import Role, labels
from bot.core.when import split_when

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
TZ = LocalTime("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "local", "rest"),
    [
        ("30分钟 回电", "2026-11-26 09:30", "回电"),
        ("2h 开会", "2026-11-26 11:00", "开会"),
        ("14:30 防汛会商", "2026-11-26 14:30", "防汛会商"),
        ("8:00 交班", "2026-11-27 08:00", "交班"),
        ("明天 8:30 接班", "2026-11-27 08:30", "接班"),
        ("2026-12-01 09:00 报送", "2026-12-01 09:00", "报送"),
        ("15点 报告", "2026-11-26 15:00", "报告"),
    ],
)
def test_when(text: str, local: str, rest: str) -> None:
    when, remainder = split_when(text, NOW, TZ)
    assert (TZ.fmt(when), remainder) == (local, rest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("明年 开会", "时间可写作"),
        ("25:00 x", "不是有效时刻"),
        ("昨天 8:00 x", "已经过去"),
        ("明天 开会", "请在日期后写上时刻"),
        ("0分钟 x", "应大于 0"),
    ],
)
def test_bad_when(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_when(text, NOW, TZ)


def test_roles_parse_english_and_chinese() -> None:
    assert Role.parse("带班领导") is Role.LEADER
    assert Role.parse("Officer") is Role.OFFICER
    with pytest.raises(ValueError, match="未知角色"):
        Role.parse("boss")
    assert labels([Role.VIEWER, Role.ADMIN]) == "管理员、查看者"
