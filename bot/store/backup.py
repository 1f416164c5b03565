"""Backups while the bot runs: SQLite's online backup API, or pg_dump for PostgreSQL.

Both write an owner-only file (it holds names, phones and the audit trail). SQLite copies every
page in one step of ``Connection.backup``, which reads one consistent snapshot under WAL while
the bot keeps writing; the copy is checked with ``PRAGMA integrity_check`` before it is reported.
PostgreSQL is dumped by its own tool in the custom format (``pg_restore`` reads it); the
password travels in the environment, never on the command line where ``ps`` shows it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.core.errors import UserError
from bot.core.private_files import private_dir, touch_private

PG_DUMP_MISSING = (
    "未找到 pg_dump，无法备份 PostgreSQL 数据库。请安装与服务器主版本相同的 PostgreSQL 客户端"
    "（Debian/Ubuntu：apt-get install postgresql-client），或在数据库服务器上运行 pg_dump -Fc。"
)


@dataclass(frozen=True, slots=True)
class Backup:
    """What was written."""

    path: Path
    size: int
    kind: str  # "sqlite" or "pg_dump"


def default_name(url: str, stamp: str) -> str:
    """The file name of a backup taken at ``stamp`` (e.g. 20261126-103000)."""
    suffix = "db" if make_url(url).get_backend_name() == "sqlite" else "dump"
    return f"dutybot-{stamp}.{suffix}"


def _target(path: Path) -> Path:
    if path.exists():
        raise UserError(f"备份文件 {path} 已存在，不会覆盖。请换一个文件名，或先移走旧文件。")
    private_dir(path.parent)
    return touch_private(path)  # owner-only before a single byte is written


def backup(url: str, target: Path) -> Backup:
    """Copy the database at ``url`` to ``target`` (a new file, 0600).

    Raises:
        UserError: in-memory database, ``target`` exists, pg_dump missing or failing, or the
            copy does not pass its integrity check (the partial file is removed).
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = str(parsed.database or "")
        if database in ("", ":memory:"):
            raise UserError("内存数据库（:memory:）无法备份，请改用文件数据库。")
        if not Path(database).exists():
            raise UserError(f"数据库文件 {database} 不存在，请检查 database.url。")
        kind, copy = "sqlite", _sqlite
    elif backend == "postgresql":
        if shutil.which("pg_dump") is None:
            raise UserError(PG_DUMP_MISSING)
        kind, copy = "pg_dump", _pg_dump
    else:
        raise UserError(f"不支持备份 {backend} 数据库（仅 SQLite 与 PostgreSQL）。")
    _target(target)
    try:
        copy(url, target)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return Backup(target, target.stat().st_size, kind)


def _sqlite(url: str, target: Path) -> None:
    source = sqlite3.connect(str(make_url(url).database), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one snapshot, writers carry on (WAL)
        # The copy is a file on its own: no -wal beside it to lose when it is moved.
        copy.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
        source.close()
    if verdict != "ok":
        raise UserError(f"备份副本未通过完整性检查（{verdict}），已删除。请重试。")


def pg_dump_command(url: str, target: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump command line and the environment that carries the URL's password."""
    parsed = make_url(url)
    args = ["pg_dump", "--format=custom", "--no-password", f"--file={target}"]
    if parsed.host:
        args.append(f"--host={parsed.host}")
    if parsed.port:
        args.append(f"--port={parsed.port}")
    if parsed.username:
        args.append(f"--username={parsed.username}")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    ssl = parsed.query.get("sslmode") or parsed.query.get("ssl")
    if isinstance(ssl, str):
        env["PGSSLMODE"] = ssl
    args.append(str(parsed.database or "postgres"))
    return args, env


def _pg_dump(url: str, target: Path) -> None:
    args, env = pg_dump_command(url, target)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["无输出"])[-1]
        raise UserError(
            f"pg_dump 失败（退出码 {done.returncode}）：{reason}。"
            "请检查 database.url 的主机、端口、用户与密码，以及 pg_dump 与服务器的主版本是否一致。"
        )
