"""审计校验码: what someone with write access to the database can do to the audit log, and how
the anchors outside the database still show it — tail cut with the head moved back, head rows
deleted, a row edited and the chain recomputed."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.store import audit, audit_anchor
from bot.store.audit_verify import VerifyResult, verify
from tests.conftest import START
from tests.store.test_audit import _chain, drop_guards

LATER = START + timedelta(days=1)


async def _anchor(sessions: Any, path: Path) -> audit_anchor.Anchor:
    async with sessions() as session:
        taken = await audit_anchor.take(session, START + timedelta(hours=1))
    audit_anchor.append(path, taken)
    return taken


async def _check(sessions: Any, path: Path | None, now: Any = LATER) -> VerifyResult:
    anchors = audit_anchor.read(path)[0] if path is not None else []
    async with sessions() as session:
        return await verify(session, anchors, now)


async def _tamper(engine: Any, sessions: Any, *statements: str) -> None:
    async with sessions.begin() as session:
        for statement in (*drop_guards(engine.dialect.name), *statements):
            await session.execute(text(statement))


async def _rechain(sessions: Any, start: int, key: bytes | None, outcome: str) -> None:
    """Edit row ``start`` and recompute every later hash and the head, as a forger would."""
    async with sessions.begin() as session:
        rows = list(await session.scalars(select(audit.AuditLog).order_by(audit.AuditLog.seq)))
        prev = audit.GENESIS
        for row in rows:
            if row.seq == start:
                row.outcome = outcome
            if row.seq >= start:
                row.prev_hash = prev
                row.hash = audit.row_hash(
                    prev, {k: getattr(row, k) for k in audit.HASHED_FIELDS}, key
                )
            prev = row.hash
        head = await session.get(audit.AuditHead, 1)
        assert head is not None
        head.last_hash = prev


@pytest.fixture
def anchors(tmp_path: Path) -> Iterator[Path]:
    old = os.umask(0o022)  # the usual umask: files would be created world-readable
    yield tmp_path / "state" / "audit-anchors.log"
    os.umask(old)


async def test_anchor_file_is_owner_only_and_reads_back(db_url: str, anchors: Path) -> None:
    engine, sessions = await _chain(db_url)
    try:
        taken = await _anchor(sessions, anchors)
        assert (taken.seq, taken.first_seq) == (5, 1)
        assert len(taken.code) == 24 and taken.code.count("-") == 4
        assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
        assert stat.S_IMODE(anchors.parent.stat().st_mode) == 0o700
        assert audit_anchor.read(anchors) == ([replace(taken, line=2)], [])
        result = await _check(sessions, anchors)
        assert result.ok and result.anchors == 1
    finally:
        await engine.dispose()


async def test_tail_deleted_and_head_moved_back_is_found_only_by_the_anchor(
    db_url: str, anchors: Path
) -> None:
    engine, sessions = await _chain(db_url)
    try:
        await _anchor(sessions, anchors)
        async with sessions() as session:
            third = await session.scalar(
                select(audit.AuditLog.hash).where(audit.AuditLog.seq == 3)
            )
        await _tamper(
            engine,
            sessions,
            "DELETE FROM audit_log WHERE seq > 3",
            f"UPDATE audit_head SET last_seq = 3, last_hash = '{third}'",
        )
        assert (await _check(sessions, None)).ok  # the database alone looks whole
        result = await _check(sessions, anchors)
        assert not result.ok and result.first_bad_seq == 4
        assert "缺少第 4–5 条" in result.reason and "链尾被改回" in result.reason
    finally:
        await engine.dispose()


async def test_deleted_head_rows_younger_than_six_months_are_named(
    db_url: str, anchors: Path
) -> None:
    engine, sessions = await _chain(db_url)
    try:
        await _anchor(sessions, anchors)
        await _tamper(engine, sessions, "DELETE FROM audit_log WHERE seq <= 2")
        result = await _check(sessions, anchors)
        assert result.first_bad_seq == 1
        assert "第 1–2 条被删除" in result.reason and "未满保存期" in result.reason
        # the same rows, once six calendar months old, may be gone
        result = await _check(sessions, anchors, START + timedelta(days=185))
        assert result.ok and "已 184 天没有新的" in result.notes[0]
    finally:
        await engine.dispose()


async def test_an_edit_rechained_without_the_key_is_named(db_url: str, anchors: Path) -> None:
    engine, sessions = await _chain(db_url)
    try:
        await _tamper(engine, sessions)
        await _rechain(sessions, 3, None, "forged")
        result = await _check(sessions, None)
        assert result.first_bad_seq == 3 and "不是用审计密钥" in result.reason
        await _rechain(sessions, 3, b"x" * 32, "forged")  # a guessed key
        result = await _check(sessions, None)
        assert result.first_bad_seq == 3 and "内容与哈希不符" in result.reason
    finally:
        await engine.dispose()


async def test_a_whole_chain_rewritten_as_plain_sha_fails_the_anchor(
    db_url: str, anchors: Path
) -> None:
    engine, sessions = await _chain(db_url)
    try:
        await _anchor(sessions, anchors)
        await _tamper(engine, sessions)
        await _rechain(sessions, 1, None, "forged")  # every row now looks "before the key"
        assert (await _check(sessions, None)).ok
        result = await _check(sessions, anchors)
        assert result.first_bad_seq == 5 and "审计校验码" in result.reason
    finally:
        await engine.dispose()


async def test_an_edited_anchor_line_is_named(db_url: str, anchors: Path) -> None:
    engine, sessions = await _chain(db_url)
    try:
        taken = await _anchor(sessions, anchors)
        anchors.write_text(
            anchors.read_text(encoding="utf-8").replace(f"\t{taken.seq}\t", "\t3\t", 1),
            encoding="utf-8",
        )
        result = await _check(sessions, anchors)
        assert not result.ok and "锚点文件第 2 行" in result.problems[0][1]
    finally:
        await engine.dispose()


async def test_no_key_no_code(db_url: str) -> None:
    engine, sessions = await _chain(db_url, key=None)
    try:
        async with sessions() as session:
            with pytest.raises(ValueError, match="审计密钥"):
                await audit_anchor.take(session, START)
    finally:
        await engine.dispose()
