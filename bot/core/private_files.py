"""Owner-only files and directories (0600/0700) whatever the umask, and a check for exposed ones.

The database, its WAL, the log, exports and sent files hold names, phone numbers and the audit
trail: no other account on the machine may read them. Modes are set explicitly (os.open with
a mode is still narrowed by the umask, never widened, and SQLite creates -wal/-shm itself).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; an existing directory is left alone.

    An existing one may be shared (``/tmp``, a home directory): narrowing it could break other
    programs, so `dutybot doctor` names it with the fix instead.
    """
    if not path.exists():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return path


def private_file(path: Path) -> Path:
    """Make an existing file of ours owner-only (no-op when it is missing); returns it."""
    with contextlib.suppress(FileNotFoundError, PermissionError):  # doctor reports the latter
        os.chmod(path, FILE_MODE)
    return path


def touch_private(path: Path) -> Path:
    """Create ``path`` empty and owner-only if missing, before anyone writes into it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, FILE_MODE))
    return private_file(path)


def sqlite_files(database: Path) -> tuple[Path, ...]:
    """The database file and the write-ahead log files SQLite keeps next to it."""
    return (database, Path(f"{database}-wal"), Path(f"{database}-shm"))


def exposed(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Each existing path that another account can read or write, with the chmod that fixes it."""
    found: list[tuple[Path, str]] = []
    for path in dict.fromkeys(paths):
        if not path.exists():
            continue
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            want = DIR_MODE if path.is_dir() else FILE_MODE
            found.append((path, f"chmod {want:o} {path}"))
    return found
