"""The console's ``:file PATH 说明``: a local roster file sent with ``/submit 1`` as its caption
reaches the feature like a file from a chat app; a missing path is said and nothing is sent."""

from __future__ import annotations

import io
from pathlib import Path

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App
from bot.cli.console import chat
from tests.core.test_inbound_files import xlsx
from tests.handlers.submissions.test_roster_by_file import GOOD
from tests.handlers.submissions.test_submissions import entries
from tests.support import RecordingAdapter


async def test_file_command_submits_a_roster(
    app: App, console: RecordingAdapter, tmp_path: Path
) -> None:
    roster = tmp_path / "城关镇 值班表.xlsx"
    roster.write_bytes(xlsx(GOOD))
    out = io.StringIO()
    script = "\n".join(
        [
            ":as 张三",
            "值班表报备 城关镇、河口乡",
            ":as 吴磊",
            f":file {tmp_path / 'missing.xlsx'} /submit 1",
            f':file "{roster}" /submit 1',
        ]
    )
    await chat(app, ConsoleAdapter(out=out), stdin=io.StringIO(script + "\n"))
    assert "无法读取文件" in out.getvalue()
    assert "值班安排 2 条" in console.texts("吴磊")[-1] and await entries(app) == 1
