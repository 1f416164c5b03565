"""The audit HMAC key: from DUTYBOT_AUDIT_KEY, else a 0600 key file; never in the database.

A county sets DUTYBOT_AUDIT_KEY from its secret store (systemd credential, vault) on the bot's
host only, so whoever can write the database cannot recompute a chain that checks out. The
embedded demo generates a key file next to its data the first time it needs one; `dutybot
doctor` says so, because a key on the same disk as the database protects much less.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.private_files import FILE_MODE, private_dir, private_file
from bot.store.engine import make_sessionmaker

ENV = "DUTYBOT_AUDIT_KEY"
# After a rotation: the keys used before, oldest first, comma-separated.
OLD_ENV = "DUTYBOT_AUDIT_KEY_PREVIOUS"
MIN_LENGTH = 32
_FIX = "可用 openssl rand -hex 32 生成"


@dataclass(frozen=True, slots=True)
class AuditKey:
    """The key, where it came from (``ENV`` or the key file's path), and the keys before it."""

    key: bytes
    source: str
    old: tuple[bytes, ...] = ()

    @property
    def from_env(self) -> bool:
        """True when the key came from the environment, as it should in production."""
        return self.source == ENV


def _checked(value: str, where: str) -> bytes:
    if len(value) < MIN_LENGTH:
        raise ValueError(f"{where}中的审计密钥太短：至少 {MIN_LENGTH} 个字符，{_FIX}")
    return value.encode()


def _generate(path: Path) -> None:
    """Write a fresh key to ``path`` unless another process just did (O_EXCL decides)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    private_file(path)


def load_key(
    key_file: Path, env: Mapping[str, str] | None = None, create: bool = True
) -> AuditKey:
    """The key from ``env`` (default: the process's), else from ``key_file``.

    Args:
        key_file: Where the embedded set-up keeps its key.
        env: The environment to read ``DUTYBOT_AUDIT_KEY`` from.
        create: Generate ``key_file`` (0600) when neither exists.

    Raises:
        ValueError: the key is too short, or missing and ``create`` is False (Chinese, with
            the fix).
    """
    env = os.environ if env is None else env
    old = tuple(
        _checked(part.strip(), f"环境变量 {OLD_ENV} ")
        for part in env.get(OLD_ENV, "").split(",")
        if part.strip()
    )
    value = env.get(ENV, "").strip()
    if value:
        return AuditKey(_checked(value, f"环境变量 {ENV} "), ENV, old)
    if not key_file.exists():
        if not create:
            raise ValueError(f"未设置 {ENV}，也没有密钥文件 {key_file}：{_FIX}并设置 {ENV}")
        _generate(key_file)
    text = key_file.read_text(encoding="ascii").strip()
    return AuditKey(_checked(text, f"密钥文件 {key_file} "), str(key_file), old)


def keyed_sessions(
    engine: AsyncEngine, data_dir: Path, key_file: Path
) -> async_sessionmaker[AsyncSession]:
    """Sessions carrying the audit key (DUTYBOT_AUDIT_KEY, else ``key_file``; never the DB)."""
    private_dir(data_dir)
    key = load_key(key_file)
    return make_sessionmaker(engine, key.key, key.old)
