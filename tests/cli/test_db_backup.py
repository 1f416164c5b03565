"""`dutybot db backup`: an owner-only, consistent SQLite copy taken while the bot writes; a
pg_dump of PostgreSQL that pg_restore reads back; clear refusals."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.core.clock import FakeClock
from bot.core.errors import UserError
from bot.store import audit
from bot.store.backup import PG_DUMP_MISSING, backup, pg_dump_command
from tests.conftest import PG_SKIP, PG_URL, START, _pg_database, _pg_drop, demo_app, make_config

runner = CliRunner()


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files world-readable: the mode must be set explicitly."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def rows(path: Path, table: str = "audit_log") -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute(f"SELECT * FROM {table} ORDER BY id"))


async def until_written(count: Callable[[], int], at_least: int) -> None:
    for _ in range(1000):
        if count() >= at_least:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the writer stalled")


async def test_sqlite_copy_taken_while_the_bot_writes_is_a_consistent_snapshot(
    tmp_path: Path, open_umask: None
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'dutybot.db'}"
    clock = FakeClock(START)
    async with demo_app(make_config(url), clock, {}) as bot:
        written = 0
        stop = asyncio.Event()

        async def writer() -> None:
            nonlocal written
            while not stop.is_set():
                async with bot.sessions.begin() as session:
                    entry = audit.Entry(kind="system", command="write", detail={"n": written})
                    await audit.append(session, clock.now(), entry)
                written += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(writer())
        await until_written(lambda: written, 20)
        before = written
        target = tmp_path / "backups" / "copy.db"
        done = await asyncio.to_thread(backup, url, target)
        during = written
        await until_written(lambda: written, during + 20)  # and it goes on writing afterwards
        stop.set()
        await task
    source, copy = rows(tmp_path / "dutybot.db"), rows(target)
    assert done.kind == "sqlite" and done.size == target.stat().st_size
    assert len(copy) >= before  # everything committed before the backup is in it
    assert copy == source[: len(copy)] and len(copy) < len(source)  # a snapshot, a prefix
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        people = conn.execute("SELECT count(*) FROM users").fetchone()
    with sqlite3.connect(tmp_path / "dutybot.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == people
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_cli_backup_names_the_file_and_never_overwrites(
    env: dict[str, str], tmp_path: Path, open_umask: None
) -> None:
    target = tmp_path / "out" / "dutybot.db"
    result = runner.invoke(cli, ["db", "backup", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert "已备份到" in result.output and "完整性检查" in result.output
    assert rows(target, "users") == rows(tmp_path / "cli.db", "users")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    again = runner.invoke(cli, ["db", "backup", str(target)], env=env)
    assert again.exit_code == 1 and "已存在" in again.output and "不会覆盖" in again.output
    assert target.read_bytes() == before


def test_cli_backup_default_place_is_under_the_data_dir(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # data_dir "data" is relative to where dutybot runs
    result = runner.invoke(cli, ["db", "backup"], env=env)
    assert result.exit_code == 0, result.output
    (made,) = (tmp_path / "data" / "backups").iterdir()
    assert made.name == "dutybot-20261126-023000.db"  # the pinned clock, in UTC


def test_memory_database_and_missing_pg_dump_are_refused_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UserError, match="内存数据库"):
        backup("sqlite+aiosqlite:///:memory:", tmp_path / "x.db")
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without the PostgreSQL client
    with pytest.raises(UserError) as refused:
        backup("postgresql+asyncpg://dutybot:pw@db:5432/dutybot", tmp_path / "x.dump")
    assert refused.value.message == PG_DUMP_MISSING and "postgresql-client" in PG_DUMP_MISSING
    assert not (tmp_path / "x.dump").exists()


def test_pg_dump_gets_the_url_but_the_password_only_in_its_environment() -> None:
    args, env = pg_dump_command(
        "postgresql+asyncpg://dutybot:s3cr%40t@db.local:5433/duty?ssl=require", Path("/b/x.dump")
    )
    assert args == [
        "pg_dump",
        "--format=custom",
        "--no-password",
        "--file=/b/x.dump",
        "--host=db.local",
        "--port=5433",
        "--username=dutybot",
        "duty",
    ]
    assert env["PGPASSWORD"] == "s3cr@t" and env["PGSSLMODE"] == "require"
    assert not any("s3cr" in a for a in args)


@pytest.mark.postgres
async def test_postgresql_backup_is_a_dump_pg_restore_reads(
    tmp_path: Path, open_umask: None
) -> None:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore not installed (apt-get install postgresql-client)")
    url = await _pg_database()
    try:
        clock = FakeClock(START)
        async with demo_app(make_config(url), clock, {}):
            pass
        target = tmp_path / "pg.dump"
        done = await asyncio.to_thread(backup, url, target)
        assert done.kind == "pg_dump" and stat.S_IMODE(target.stat().st_mode) == 0o600
        lister = await asyncio.create_subprocess_exec(
            "pg_restore", "--list", str(target), stdout=asyncio.subprocess.PIPE
        )
        listing = (await lister.communicate())[0].decode()
        assert lister.returncode == 0
        assert "TABLE DATA public users" in listing and "TABLE DATA public audit_log" in listing
        wrong = url.replace("/dutybot_t_", "/no_such_db_")
        with pytest.raises(UserError, match="pg_dump 失败"):
            await asyncio.to_thread(backup, wrong, tmp_path / "bad.dump")
        assert not (tmp_path / "bad.dump").exists()
    finally:
        await _pg_drop(url)
