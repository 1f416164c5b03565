"""Sign-in secrets: one-time links, session tokens and admin-set passwords, stored hashed.

A link or session token is 32 random bytes (URL-safe); the database keeps its SHA-256, so a copy
of the database opens no session. Passwords are hashed with scrypt (hashlib, RFC 7914) and a
per-password salt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import UserError
from bot.web.tables import WebLink, WebPassword, WebSession

# scrypt cost: 2^15 × 8 × 128 B = 32 MiB and about 0.1 s per check on one core, so guessing
# is slow while a sign-in stays quick (OWASP's minimum is 2^17 with r=8 at 128 MiB; the office
# machine is small, and sign-ins are rate-limited besides).
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD = 10


class SignInRefused(UserError):
    """A link, password or session that does not sign anyone in; the message says what to do."""


def digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_link(session: AsyncSession, user_id: int, now: datetime, ttl: timedelta) -> str:
    """A fresh one-time link token for ``user_id``; their earlier unused links stop working,
    and everyone's expired ones are cleared."""
    await session.execute(
        delete(WebLink).where(
            (WebLink.user_id == user_id) & WebLink.used_at.is_(None) | (WebLink.expires_at <= now)
        )
    )
    # Letters only: a chat shows the link whole, and no run of digits in it can look like a
    # phone or ID number to the masking of outbound text. 40 letters carry 228 bits.
    token = "".join(secrets.choice(string.ascii_letters) for _ in range(40))
    session.add(
        WebLink(token_hash=digest(token), user_id=user_id, created_at=now, expires_at=now + ttl)
    )
    await session.flush()
    return token


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> int:
    """Use a link token once; returns whose it is.

    Raises:
        SignInRefused: unknown, already used or expired.
    """
    row = await session.scalar(select(WebLink).where(WebLink.token_hash == digest(token)))
    again = "请在与机器人的私聊中重新发送 /web（网页登录）获取新链接。"
    if row is None or row.used_at is not None:
        raise SignInRefused("登录链接无效或已使用（每个链接只能用一次）。" + again)
    if row.expires_at <= now:
        raise SignInRefused("登录链接已过期。" + again)
    # Two tabs racing with one link: only the first update finds it unused.
    used = await session.execute(
        update(WebLink).where(WebLink.id == row.id, WebLink.used_at.is_(None)).values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise SignInRefused("登录链接无效或已使用（每个链接只能用一次）。" + again)
    return row.user_id


async def open_session(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    lifetime: timedelta,
    *,
    address: str,
    via: str,
) -> tuple[str, str]:
    """Start a session; returns the cookie's token and the session's CSRF token. Sessions past
    their end are cleared on the way (one idle too long is cleared when next presented)."""
    await session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=digest(token),
            user_id=user_id,
            csrf=csrf,
            address=address[:64],
            via=via,
            created_at=now,
            seen_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return token, csrf


async def current_session(
    session: AsyncSession, token: str, now: datetime, idle: timedelta
) -> WebSession | None:
    """The live session of a cookie token, marked as seen now; None when ended or idle too long
    (an ended one is deleted)."""
    row = await session.scalar(select(WebSession).where(WebSession.token_hash == digest(token)))
    if row is None:
        return None
    if row.expires_at <= now or row.seen_at + idle <= now:
        await session.delete(row)
        return None
    row.seen_at = now
    return row


async def purge(session: AsyncSession, now: datetime, idle: timedelta) -> int:
    """Clear expired links and ended sessions (nightly housekeeping); returns how many rows."""
    links = await session.execute(delete(WebLink).where(WebLink.expires_at <= now))
    ended = await session.execute(
        delete(WebSession).where(
            (WebSession.expires_at <= now) | (WebSession.seen_at <= now - idle)
        )
    )
    return int(links.rowcount) + int(ended.rowcount)  # type: ignore[attr-defined]


async def close_session(session: AsyncSession, token: str) -> None:
    """Sign out: the cookie's session ends."""
    await session.execute(delete(WebSession).where(WebSession.token_hash == digest(token)))


async def close_sessions_of(session: AsyncSession, user_id: int) -> int:
    """End every session of a person (revoked, or a new password); returns how many."""
    result = await session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for a password."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM)
    parts = (base64.b64encode(salt).decode(), base64.b64encode(key).decode())
    return f"scrypt${_N}${_R}${_P}${parts[0]}${parts[1]}"


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time compare)."""
    try:
        name, n, r, p, salt, key = stored.split("$")
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except ValueError:
        return False
    return name == "scrypt" and hmac.compare_digest(got, expected)


@cache
def stand_in() -> str:
    """A hash checked when the name is unknown or has no password, so a wrong name takes as long
    as a wrong password and the answer's timing does not tell which names exist."""
    return hash_password(secrets.token_urlsafe(16))


def check_strength(password: str) -> None:
    """Refuse a password too short to set.

    Raises:
        UserError: fewer than :data:`MIN_PASSWORD` characters, or only one kind of character.
    """
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位，请加长后重试。")
    if password.isdigit() or password.isalpha():
        raise UserError("密码不能只有数字或只有字母，请混合使用字母、数字或符号。")


async def set_password(session: AsyncSession, user_id: int, password: str, now: datetime) -> None:
    """Set (or replace) a person's password; their open sessions end."""
    check_strength(password)
    row = await session.get(WebPassword, user_id)
    if row is None:
        session.add(WebPassword(user_id=user_id, hash=hash_password(password), set_at=now))
    else:
        row.hash, row.set_at = hash_password(password), now
    await close_sessions_of(session, user_id)
    await session.flush()


async def password_of(session: AsyncSession, user_id: int) -> str | None:
    """The stored hash of a person's password, if one was set."""
    row = await session.get(WebPassword, user_id)
    return row.hash if row is not None else None
