"""`audit verify`: walk the keyed chain, then hold it against the anchors kept outside the DB.

Inside the database, a row whose HMAC does not check out was edited; a row that only checks out
as plain SHA-256 after keyed rows was recomputed by someone without the key. Against the anchor
file, a head row the database no longer has means the tail was cut (even with the head moved
back), a different hash at an anchored number means rows were edited and re-chained, and rows
missing at the start that an anchor shows were younger than the retention period were deleted.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.audit import GENESIS, HASHED_FIELDS, AuditHead, iter_rows, row_hash, session_keys
from bot.store.audit_anchor import Anchor, code_of

MIN_MONTHS = 6
# The anchor job runs daily; older than this, it has stopped.
STALE = timedelta(days=2)


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` less whole calendar months; the 31st becomes the month's last day."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _rows(first: int, last: int) -> str:
    """``第 3 条`` or ``第 3–5 条``."""
    return f"第 {first} 条" if first == last else f"第 {first}–{last} 条"


@dataclass
class VerifyResult:
    """What the walk found: each problem names rows and dates, in Chinese."""

    checked: int = 0
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    legacy: int = 0
    anchors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is missing, edited or recomputed."""
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        """The lowest row number a problem names."""
        return min((s for s, _ in self.problems if s is not None), default=None)

    @property
    def reason(self) -> str:
        """The problem about the lowest row (or the first one, when none names a row)."""
        first = self.first_bad_seq
        return next((t for s, t in self.problems if s == first), "")


@dataclass
class _Walk:
    """The rows as they were seen: first and last number, hashes of anchored rows."""

    first: int | None = None
    last: int = 0
    last_hash: str = GENESIS
    hashes: dict[int, str] = field(default_factory=dict)


def _rank(prev_hash: str, fields: dict[str, object], digest: str, keys: list[bytes]) -> int | None:
    """Which key made ``digest``: its index (old → new), -1 for plain SHA-256, None for none."""
    for index in range(len(keys) - 1, -1, -1):
        if row_hash(prev_hash, fields, keys[index]) == digest:
            return index
    return -1 if row_hash(prev_hash, fields) == digest else None


async def _walk(session: AsyncSession, result: VerifyResult, wanted: set[int]) -> _Walk:
    keys = session_keys(session)
    seen = _Walk()
    since: dict[int, int] = {}  # key index → the first row made with it
    top, recomputed = -1, False
    async for row in iter_rows(session):
        fields = {k: getattr(row, k) for k in HASHED_FIELDS}
        if seen.first is None:
            seen.first = row.seq
        elif row.seq != seen.last + 1:
            result.problems.append(
                (seen.last + 1, f"缺少{_rows(seen.last + 1, row.seq - 1)}（已被删除）")
            )
        elif row.prev_hash != seen.last_hash:
            result.problems.append((row.seq, f"第 {row.seq} 条与上一条的链接不符（前一条被改动）"))
        # Each row is checked against its own stored link, so one edit names one row. Keys only
        # ever move forward along the chain: an older key (or none) after a newer one is a forger
        # holding an old or no key.
        rank = _rank(row.prev_hash, fields, row.hash, keys)
        if rank is None:
            result.problems.append((row.seq, f"第 {row.seq} 条内容与哈希不符（该条被改动）"))
        elif rank < top:
            if not recomputed:
                made = "不是用审计密钥" if rank < 0 else "是用已停用的旧密钥"
                result.problems.append(
                    (
                        row.seq,
                        f"第 {row.seq} 条起的哈希{made}算出的（第 {since[top]} 条起已用"
                        f"{'密钥' if top == 0 else '新密钥'}）：这些记录被改动后重新计算了哈希链",
                    )
                )
            recomputed = True
        else:
            if rank > top:
                since[rank], top = row.seq, rank
            recomputed = False
            result.legacy += rank < 0
        seen.last, seen.last_hash = row.seq, row.hash
        if row.seq in wanted:
            seen.hashes[row.seq] = row.hash
        result.checked += 1
    return seen


def _check_head(result: VerifyResult, seen: _Walk, head: AuditHead | None) -> None:
    if head is None or head.last_seq == seen.last:
        if head is not None and seen.last and head.last_hash != seen.last_hash:
            result.problems.append((seen.last, f"链尾哈希与第 {seen.last} 条不符（链尾被改动）"))
        return
    if head.last_seq > seen.last:
        result.problems.append(
            (
                seen.last + 1,
                f"链尾应为第 {head.last_seq} 条，{_rows(seen.last + 1, head.last_seq)}被删除",
            )
        )
    else:
        result.problems.append(
            (head.last_seq, f"链尾记为第 {head.last_seq} 条，库中却到第 {seen.last} 条")
        )


def _check_anchors(
    result: VerifyResult,
    seen: _Walk,
    anchors: Sequence[Anchor],
    keys: list[bytes],
    cutoff: datetime,
) -> None:
    for anchor in anchors:
        day = anchor.at.date().isoformat()
        if not keys:
            result.notes.append("没有审计密钥，锚点的校验码未核对")
        elif all(code_of(key, anchor) != anchor.code for key in keys):
            result.problems.append(
                (
                    None,
                    f"锚点文件第 {anchor.line} 行（{day}）的校验码不符：该行被改动，或密钥已更换",
                )
            )
            continue
        result.anchors += 1
        if anchor.seq in seen.hashes and seen.hashes[anchor.seq] != anchor.hash:
            result.problems.append(
                (
                    anchor.seq,
                    f"第 {anchor.seq} 条与 {day} 的审计校验码 {anchor.code} 不符："
                    "该条或此前的记录被改动后重新计算了哈希链",
                )
            )
    top = max(anchors, key=lambda a: a.seq, default=None)
    if top is not None and top.seq > seen.last:
        result.problems.append(
            (
                seen.last + 1,
                f"缺少{_rows(seen.last + 1, top.seq)}：{top.at.date().isoformat()} 的审计校验码"
                f"记录链尾为第 {top.seq} 条，而库中只到第 {seen.last} 条（末尾记录被删除，"
                "链尾被改回）",
            )
        )
    if seen.first is None or seen.first <= 1:
        return
    gone = seen.first - 1
    # Rows the anchors saw (each anchor's head and oldest row) among the missing ones: the
    # last missing row is at least as young as the newest of them.
    known = [(a.seq, a.ts, a) for a in anchors] + [(a.first_seq, a.first_ts, a) for a in anchors]
    seen_rows = [(seq, ts, a) for seq, ts, a in known if 1 <= seq <= gone and ts is not None]
    floor = max(seen_rows, key=lambda k: k[0], default=None)
    if floor is not None and floor[1] is not None and floor[1] > cutoff:
        seq, ts, anchor = floor
        result.problems.append(
            (
                1,
                f"{_rows(1, gone)}被删除：{anchor.at.date().isoformat()} 的审计校验码记录了第 "
                f"{seq} 条（{ts.date().isoformat()}），至今未满保存期",
            )
        )
    elif floor is None:
        result.notes.append(f"{_rows(1, gone)}不在库中（按保存期清理？没有更早的锚点可核对）")


async def verify(
    session: AsyncSession,
    anchors: Sequence[Anchor] = (),
    now: datetime | None = None,
    keep_months: int = MIN_MONTHS,
) -> VerifyResult:
    """Walk the whole chain and hold it against ``anchors``; name every row missing or edited.

    Args:
        session: Carries the audit key (``session.info``); without one only unkeyed rows verify.
        anchors: From the anchor file (bot/store/audit_anchor.py).
        now: For the retention judgement of rows missing at the start.
        keep_months: The retention period; rows younger than it may not be missing.
    """
    result = VerifyResult()
    seen = await _walk(session, result, {a.seq for a in anchors})
    _check_head(result, seen, await session.get(AuditHead, 1))
    if anchors:
        latest = max(a.at for a in anchors)
        moment = now or latest
        if moment - latest > STALE:
            result.notes.append(
                f"最近一次审计校验码生成于 {latest.date().isoformat()}，已 "
                f"{(moment - latest).days} 天没有新的：请确认 dutybot run 在运行、锚点文件可写"
            )
        cutoff = months_before(moment, max(keep_months, MIN_MONTHS))
        _check_anchors(result, seen, anchors, session_keys(session), cutoff)
    elif seen.first is not None and seen.first > 1:
        result.notes.append(f"{_rows(1, seen.first - 1)}不在库中（按保存期清理？没有锚点可核对）")
    return result
