"""Reply → Telegram text: escaping that Telegram's parser accepts, mentions, splitting, buttons.

Text is escaped by the driver's library, so everything that depends on escaping runs with
both libraries' helpers.
"""

from __future__ import annotations

import pytest

from bot.adapters.telegram.api import Escaping
from bot.adapters.telegram.driver_aiogram import AIOGRAM_ESCAPING
from bot.adapters.telegram.driver_ptb import PTB_ESCAPING
from bot.adapters.telegram.render import (
    MAX_TEXT,
    direct_callback,
    markdown_plain,
    markdown_to_md2,
    render,
    split_text,
    utf16_len,
)
from bot.core.messages import Button, Mention, Reply, TextFormat
from bot.testing.telegram.fake_bot_api import ApiReply
from bot.testing.telegram.markup import html_visible, md2_visible

TRICKY = "值班 <急> & 「防汛」 a_b *c* [d](e) 1.5-2 #3 !(x) `y` \\ ~z~ ||w||"


@pytest.fixture(params=["ptb", "aiogram"])
def escape(request: pytest.FixtureRequest) -> Escaping:
    """The escaping helpers of each driver's library."""
    return PTB_ESCAPING if request.param == "ptb" else AIOGRAM_ESCAPING


def test_plain_text_is_escaped_for_html_and_shows_unchanged(escape: Escaping) -> None:
    (out,) = render(Reply(TRICKY), {}, escape)
    assert out.parse_mode == "HTML"
    assert html_visible(out.text) == TRICKY


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("**紧急** 通知", "紧急 通知"),
        ("# 汛情通报\n水位 *上涨* 0.5 米", "汛情通报\n水位 上涨 0.5 米"),
        ("查看 [预案](https://example.gov.cn/a_(b))", "查看 预案"),
        ("代码 `x_y*z` 与\n```\nline <1>\n```", "代码 x_y*z 与\nline <1>"),
        ("- 第一项\n* 第二项\n1. 第三项", "- 第一项\n* 第二项\n1. 第三项"),
        ("未闭合 **粗体 与 _斜体", "未闭合 **粗体 与 _斜体"),
        (TRICKY, "值班 <急> & 「防汛」 a_b c d 1.5-2 #3 !(x) y \\ ~z~ ||w||"),
    ],
)
def test_markdown_becomes_markdown_v2_that_telegram_parses(
    source: str, shown: str, escape: Escaping
) -> None:
    visible = md2_visible(markdown_to_md2(source, escape))  # raises like Telegram on a bad escape
    assert visible == shown
    # The plain fallback keeps the same words (links keep their address).
    plain = markdown_plain(source).replace(" (https://example.gov.cn/a_(b))", "")
    assert plain.replace(" (e)", "") == shown


def test_unescaped_markdown_v2_is_refused_by_the_local_server() -> None:
    with pytest.raises(ApiReply, match="reserved"):
        md2_visible("1.5")
    with pytest.raises(ApiReply, match="parse entities"):
        html_visible("a < b")


def test_mentions_by_user_id_in_both_formats(escape: Escaping) -> None:
    mentions = (Mention("123456", "张三"), Mention("wecom-id", "李<明>"))
    (html_out,) = render(Reply("请确认", mentions=mentions), {}, escape)
    assert '<a href="tg://user?id=123456">张三</a>' in html_out.text
    assert html_visible(html_out.text) == "张三 @李<明>\n请确认"
    (md_out,) = render(Reply("请确认", format=TextFormat.MARKDOWN, mentions=mentions), {}, escape)
    assert "[张三](tg://user?id=123456)" in md_out.text
    assert md2_visible(md_out.text) == "张三 @李<明>\n请确认"


def test_long_text_is_split_under_the_limit_with_nothing_lost(escape: Escaping) -> None:
    lines = [f"第{i}行：" + "汛情" * 60 for i in range(100)]
    text = "\n".join(lines)
    buttons = ((Button("确认", "/ack 1"),),)
    out = render(
        Reply(text, buttons=buttons, mentions=(Mention("1", "张三"),)),
        {"/ack 1": "/ack 1"},
        escape,
    )
    assert len(out) > 1
    assert all(utf16_len(html_visible(o.text)) <= MAX_TEXT for o in out)
    assert [o.keyboard for o in out[:-1]] == [()] * (len(out) - 1)
    assert out[-1].keyboard == ((("确认", "/ack 1"),),)
    shown = "\n".join(html_visible(o.text) for o in out)
    assert shown == "张三\n" + text  # the mention first, then every line exactly once


def test_a_single_huge_line_is_cut_and_emoji_count_double() -> None:
    text = "😀" * 3000  # 6,000 UTF-16 units
    pieces = split_text(text, MAX_TEXT)
    assert "".join(pieces) == text
    assert all(utf16_len(p) <= MAX_TEXT for p in pieces)


def test_callback_data_limit_is_in_bytes() -> None:
    assert direct_callback("/ack 12")
    assert direct_callback("确认" * 10)  # 60 bytes
    assert not direct_callback("确认" * 11)  # 66 bytes
    assert not direct_callback("~looks like a token")
