"""Ticket file rows of any content: the validated tickets, or one UserError naming each bad row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import UserError
from models.tickets.file_import import parse_rows
from models.tickets.ingest import parse

HEADER = ["工单编号", "类别", "诉求内容", "受理时间", "联系电话"]
CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["12345-20261120-000001", "投诉", "路灯不亮", "2026-11-20 08:30"]),
    st.sampled_from(["13912345678", "1380000abc", "0571-87654321", "=1+1", "\x00"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=6))
def test_rows_are_all_taken_or_each_bad_one_is_named(rows: list[list[str]]) -> None:
    try:
        items = parse_rows([HEADER, *rows])
    except UserError as exc:
        assert exc.message.startswith("导入失败，未导入任何工单：\n第")
        return
    assert len(items) == sum(1 for row in rows if any(cell.strip() for cell in row))
    for _, item in items:
        assert item.caller_phone == "" or item.caller_phone.replace("-", "").isdigit()


def test_control_characters_leave_a_ticket_as_at_the_chat_edge() -> None:
    item = parse(
        {
            "number": "12345-20261120-000001",
            "category": "投诉",
            "content": "路灯\x00不亮\x1b",
            "received_at": "2026-11-20T08:30:00",
            "co_units": ["城关\x00镇"],
            "caller_phone": "139 1234 5678",
        }
    )
    assert (item.content, item.co_units, item.caller_phone) == (
        "路灯不亮",
        ["城关镇"],
        "13912345678",
    )
