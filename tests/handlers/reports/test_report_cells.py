"""The 督查通报 workbook never carries a live formula: a 督办 title written like one stays text."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.app import App
from bot.core.clock import FakeClock
from tests.handlers.reports.test_reports import _last_file
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter

TITLE = '=HYPERLINK("http://evil.example","点我确认")'


async def test_a_title_like_a_formula_is_text_in_the_workbook(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, console, "陈静", f"督办 立项 县林业局 2026-12-02 {TITLE}")
    await say(app, console, "周敏", "/task_sign 1")
    await at(app, clock, console, 2026, 12, 14, 10, 0)
    await say(app, console, "陈静", "/report xlsx week")
    book = load_workbook(io.BytesIO(_last_file(console, "陈静").data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    titles = [row[1] for row in book["超期事项"].iter_rows(values_only=True)]
    assert "'" + TITLE in titles
