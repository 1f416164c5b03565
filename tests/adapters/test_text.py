"""Byte-limit splitting and button hints shared by the webhook platforms."""

from __future__ import annotations

from bot.adapters.common.text import button_hint, split_bytes, with_hints
from bot.core.messages import Button, Reply


def test_short_text_is_one_piece() -> None:
    assert split_bytes("值班正常", 2048) == ["值班正常"]


def test_pieces_break_at_line_ends_and_keep_every_line() -> None:
    lines = [f"第{i}条：水位正常" for i in range(50)]
    pieces = split_bytes("\n".join(lines), 100)
    assert all(len(p.encode()) <= 100 for p in pieces)
    assert "\n".join(pieces).splitlines() == lines


def test_a_line_longer_than_the_limit_is_cut_between_characters() -> None:
    text = "汛" * 100  # 300 bytes, one line
    pieces = split_bytes(text, 64)
    assert all(len(p.encode()) <= 64 for p in pieces)
    assert "".join(pieces) == text  # no character split into invalid bytes


def test_button_hints() -> None:
    reply = Reply("请确认", buttons=((Button("收到", "收到 12"), Button("忙", "稍后 12")),))
    assert button_hint(reply) == "[收到] 回复「收到 12」  [忙] 回复「稍后 12」"
    assert with_hints(reply) == "请确认\n\n[收到] 回复「收到 12」  [忙] 回复「稍后 12」"
    assert with_hints(Reply("无按钮")) == "无按钮"
