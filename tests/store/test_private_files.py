"""Owner-only files whatever the umask: the SQLite database with its -wal/-shm, the audit key."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.private_files import exposed, sqlite_files
from bot.store.audit_key import ENV, OLD_ENV, load_key
from bot.store.engine import make_engine


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # files would be created -rw-r--r--
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_sqlite_database_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "data" / "dutybot.db"
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        files = sqlite_files(database)
        assert all(p.exists() for p in files)
        assert [_mode(p) for p in files] == [0o600] * 3
        assert _mode(database.parent) == 0o700
        assert exposed([database.parent, *files]) == []
    finally:
        await engine.dispose()


async def test_an_existing_readable_database_is_narrowed(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    database.touch()
    os.chmod(database, 0o644)
    assert exposed([database]) == [(database, f"chmod 600 {database}")]
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await engine.dispose()
    assert _mode(database) == 0o600


def test_key_comes_from_the_environment_or_a_generated_owner_only_file(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "audit.key"
    with pytest.raises(ValueError, match="未设置 DUTYBOT_AUDIT_KEY"):
        load_key(key_file, {}, create=False)
    first = load_key(key_file, {})
    assert _mode(key_file) == 0o600 and len(first.key) == 64 and not first.from_env
    assert load_key(key_file, {}) == first  # the same key on every start
    from_env = load_key(key_file, {ENV: "e" * 40})
    assert from_env.from_env and from_env.key == b"e" * 40
    with pytest.raises(ValueError, match="太短"):
        load_key(key_file, {ENV: "short"})
    rotated = load_key(key_file, {ENV: "e" * 40, OLD_ENV: f"{'a' * 32}, {'b' * 32}"})
    assert rotated.old == (b"a" * 32, b"b" * 32)


async def test_an_existing_shared_directory_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp: narrowing it would break every other program
    engine = make_engine(f"sqlite+aiosqlite:///{shared / 'bot.db'}")
    await engine.dispose()
    assert _mode(shared) == 0o1777 and _mode(shared / "bot.db") == 0o600
    assert exposed([shared]) == [(shared, f"chmod 700 {shared}")]
