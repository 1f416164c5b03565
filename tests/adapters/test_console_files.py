"""The console writes the files it is sent into its files directory and prints where they are."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter, files_dir
from bot.core.errors import DeliveryError
from bot.core.messages import Attachment, Reply
from tests.conftest import make_config

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


async def test_files_are_written_without_overwriting_and_the_path_is_printed(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    console = ConsoleAdapter(out, files=tmp_path / "files")
    chart = Attachment("督查通报.png", "image/png", data=PNG)
    await console.send("陈静", Reply("督查通报（图表）", attachment=chart))
    await console.send("陈静", Reply("", attachment=chart))
    table = Attachment("../../通报.xlsx", "application/vnd.ms-excel", data=b"PK")
    await console.send("group:值班室工作群", Reply("表格", attachment=table))
    first, second = tmp_path / "files" / "督查通报.png", tmp_path / "files" / "督查通报-2.png"
    assert first.read_bytes() == PNG and second.read_bytes() == PNG
    assert (tmp_path / "files" / "通报.xlsx").read_bytes() == b"PK"  # no escaping the folder
    printed = out.getvalue()
    assert "DutyBot → 陈静：\n  督查通报（图表）\n  📎 图片「督查通报.png」（2.0 KB）" in printed
    assert f"已保存到 {first}" in printed and f"已保存到 {second}" in printed
    assert "📎 文件「../../通报.xlsx」（0.0 KB）已保存到" in printed


async def test_an_unwritable_folder_is_a_permanent_failure_naming_the_setting(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    console = ConsoleAdapter(io.StringIO(), files=blocker / "files")
    with pytest.raises(DeliveryError) as caught:
        await console.send("张三", Reply("图", attachment=Attachment("a.png", "image/png", PNG)))
    assert caught.value.permanent and "platforms.console.files_dir" in str(caught.value)


def test_files_go_under_the_data_dir_unless_configured(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    assert files_dir(make_config(url, data_dir=str(tmp_path))) == tmp_path / "files"
    chosen = make_config(url, platforms={"console": {"files_dir": str(tmp_path / "out")}})
    assert files_dir(chosen) == tmp_path / "out"


async def test_sent_files_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        console = ConsoleAdapter(io.StringIO(), files=tmp_path / "data" / "files")
        await console.send(
            "陈静", Reply("", attachment=Attachment("名单.csv", "text/csv", data=b"x"))
        )
    finally:
        os.umask(old)
    folder = tmp_path / "data" / "files"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "名单.csv").stat().st_mode) == 0o600
