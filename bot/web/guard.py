"""What every request passes: who is signed in, the CSRF token of a form, the secrecy guard on
every field, and the audit row of what was seen or refused."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiohttp import web
from multidict import MultiMapping
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import secrecy
from bot.core.privacy import mask_json
from bot.core.roles import UserInfo
from bot.store import audit
from bot.web.credentials import current_session

SESSION_COOKIE = "dutybot_session"
PRE_COOKIE = "dutybot_pre"  # the sign-in form's CSRF token, before there is a session
CSRF_FIELD = "csrf"
COOKIE_PATH = "/web"
LINK_FIELD = "t"  # a sign-in link's token: /web/login?t=…
WITHHELD = "（含密级标识，未记录）"
# Every page: no caching of personal data, no framing, nothing from elsewhere (the browser loads
# only this server's files), no referrer (a sign-in link's token must not travel on).
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class People(Protocol):
    """The directory as the dashboard needs it (``WebPeople`` in models/directory/binding.py)."""

    async def active(self, session: AsyncSession, user_id: int) -> UserInfo | None:
        """The active person with this id; None when unknown or revoked."""

    async def find(self, session: AsyncSession, ref: str) -> UserInfo:
        """The active person ``编号``, ``姓名`` or ``姓名@单位`` names.

        Raises:
            UserError: nobody, or more than one person, fits.
        """


@dataclass
class Refusal(Exception):
    """A request refused: the page shows ``message``; the audit row says ``outcome``."""

    status: int
    message: str
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)
    user: UserInfo | None = None
    actor: str = ""


@dataclass(frozen=True, slots=True)
class Visitor:
    """A signed-in person and their session's CSRF token (plain values: they outlive the
    transaction that read them, also one rolled back)."""

    user: UserInfo
    csrf: str


async def visitor(
    db: AsyncSession, people: People, request: web.Request, now: datetime, idle: timedelta
) -> Visitor | None:
    """The signed-in person of this request's cookie; a revoked person's session ends here."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    row = await current_session(db, token, now, idle)
    if row is None:
        return None
    user = await people.active(db, row.user_id)
    if user is None:  # revoked (or deleted) since signing in: the session ends at once
        await db.delete(row)
        return None
    return Visitor(user, row.csrf)


def same_token(given: str | None, expected: str | None) -> bool:
    """Constant-time equality of two tokens; a missing one never matches."""
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


CSRF_REFUSED = (
    "安全校验未通过：表单缺少或带有无效的校验码（可能页面已过期，或请求来自其他网站）。"
    "本次提交未生效。请返回上一页、刷新后重新提交。"
)


def check_csrf(form: Mapping[str, str], expected: str | None) -> None:
    """Refuse a POST whose form does not carry the session's token (403).

    Raises:
        Refusal: missing or wrong token.
    """
    if not same_token(form.get(CSRF_FIELD), expected):
        raise Refusal(403, CSRF_REFUSED, "csrf")


def every_value(fields: MultiMapping[Any]) -> dict[str, object]:
    """Each field's values, a list when repeated (``?unit=a&unit=b``), so the secrecy guard sees
    every value a page could read with ``getall``, not only the first."""
    values: dict[str, object] = {}
    for key in dict.fromkeys(fields.keys()):
        every = [str(v) for v in fields.getall(key)]
        values[key] = every[0] if len(every) == 1 else every
    return values


def check_secrecy(fields: Mapping[str, object], channel: str) -> None:
    """Refuse a request any field of which carries a 密级 marking (400), naming the field only.

    Raises:
        Refusal: a field carries a marking.
    """
    found = secrecy.find_in({k: v for k, v in fields.items() if k != CSRF_FIELD})
    if found is None:
        return
    path, finding = found
    raise Refusal(
        400,
        f"您填写的内容（{path}）含密级标识（{finding.reason}）。按「涉密不上网、上网不涉密」的"
        "规定，本系统不处理、不保存这次提交，也未记录其内容。"
        f"涉密事项请通过机要渠道（{channel}）办理；如属误判，请改写相关字样后重新提交。",
        "secrecy",
        dict(finding.detail),
    )


def see_other(location: str) -> web.Response:
    """A 303 to ``location`` (after a form, and to the sign-in page)."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def address_of(request: web.Request) -> str:
    """The remote address sign-in limits and audit rows name (the proxy's, behind one)."""
    return request.remote or "unknown"


async def record(
    db: AsyncSession,
    now: datetime,
    request: web.Request,
    *,
    command: str,
    outcome: str,
    user: UserInfo | None = None,
    actor: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append the audit row of a page view, a form, a sign-in or a refusal (personal data in
    the URL and detail masked, as in chat; a sign-in link's token is never kept)."""
    query: dict[str, str] = {k: v for k, v in request.query.items() if k != LINK_FIELD}
    url = request.path
    # A refused marking is never written, not even into the row that records the refusal.
    if secrecy.find_in(query) is not None:
        query = {"": WITHHELD}
    if secrecy.find_any(*url.split("/")) is not None:  # segment by segment, as routes read it
        url = WITHHELD
    await audit.append(
        db,
        now,
        audit.Entry(
            kind="web",
            command=command,
            outcome=outcome,
            actor_user_id=user.id if user else None,
            actor=user.name if user else actor,
            roles=",".join(sorted(user.roles)) if user else "",
            platform="web",
            chat=f"web:{address_of(request)}",
            detail=mask_json(
                {"url": url, **({"query": query} if query else {}), **(detail or {})}
            ),
        ),
    )
