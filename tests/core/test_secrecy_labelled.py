"""The secrecy guard on the labelled set (tests/core/secrecy_labelled.tsv): every marked line is
refused and stored nowhere, through chat and through a file import, and at most 2 % of the
ordinary lines are refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core import secrecy, spreadsheets
from bot.core.errors import UserError
from bot.store.audit import AuditLog
from models.duty.log import DutyLog
from tests.secrecy_support import MAX_REFUSED, labelled, marked_cells, stored_texts
from tests.support import RecordingAdapter, incoming

LINES = labelled()
MARKED = [line for line in LINES if line.marked]
ORDINARY = [line for line in LINES if not line.marked]
EVASIONS = {"space", "punct", "field", "trad", "zw", "star", "term", "bracket", "heading", "mixed"}


def test_the_set_is_large_enough_and_covers_the_evasions() -> None:
    assert len(LINES) >= 200 and len(MARKED) >= 100 and len(ORDINARY) >= 100
    assert {line.kind for line in MARKED} >= EVASIONS
    assert sum(line.kind in ("zw", "trad", "mixed") for line in MARKED) >= 30
    # every ordinary line holds 密 (秘密, 机密, 保密, 密切 …) or a star in another sense
    assert all(set(secrecy.normalise(line.text)) & set("密" + secrecy.STARS) for line in ORDINARY)


def test_every_marked_line_is_found_and_few_ordinary_ones() -> None:
    missed = [line for line in MARKED if secrecy.find(line.text) is None]
    refused = [line for line in ORDINARY if secrecy.find(line.text) is not None]
    assert missed == []
    assert len(refused) <= MAX_REFUSED * len(ORDINARY), refused


async def test_no_marked_line_is_stored_through_chat(app: App, console: RecordingAdapter) -> None:
    # Each line as a duty-log entry: stored in duty_logs when taken, refused when marked.
    for n, line in enumerate(LINES):
        await app.dispatcher.receive(incoming(f"记录 其他 {line.text}", message_id=f"line{n}"))
    await app.sender.drain()
    async with app.sessions() as session:
        logs = list(await session.scalars(select(DutyLog.summary)))
        refused = list(
            await session.scalars(select(AuditLog.detail).where(AuditLog.outcome == "classified"))
        )
    assert len(refused) == len(LINES) - len(logs)
    assert len(refused) - len(MARKED) <= MAX_REFUSED * len(ORDINARY)
    assert all(set(detail) == {"form"} for detail in refused)  # the form, never the text
    stored = await stored_texts(app)
    assert marked_cells(stored) == []
    assert not any(line.text in text for line in MARKED for text in stored)
    answers = console.texts("张三")
    assert sum("机要渠道" in text for text in answers) == len(refused)


def test_a_file_with_marked_cells_is_refused_whole_each_cell_counted(tmp_path: Path) -> None:
    path = tmp_path / "排班表.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["日期", "班次", "值班员", "电话"])
        for n, line in enumerate(LINES):
            writer.writerow([f"2027-03-{n % 28 + 1:02d}", "全天", "张三", line.text])
    with pytest.raises(UserError) as refused:
        spreadsheets.read_rows(path)
    message = refused.value.message
    first = 2 + LINES.index(MARKED[0])
    assert f"第{first}行：「电话」列含密级标识" in message
    counted = int(message.rsplit("共 ", 1)[1].split(" 处")[0])
    assert len(MARKED) <= counted <= len(MARKED) + MAX_REFUSED * len(ORDINARY)
