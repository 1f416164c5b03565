"""Signing in and out: a one-time link from a private chat, or a name and a password an admin
set; failed attempts are limited per address and per account (counted in the audit log, so
every instance sharing the database sees the same count)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import quote

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.roles import UserInfo
from bot.store.audit import AuditLog
from bot.web import credentials
from bot.web.guard import (
    COOKIE_PATH,
    LINK_FIELD,
    PRE_COOKIE,
    SESSION_COOKIE,
    People,
    Refusal,
    address_of,
    check_csrf,
    check_secrecy,
    every_value,
    record,
    see_other,
    visitor,
)
from bot.web.render import Renderer

SIGNIN = "web_signin"
WRONG_PASSWORD = (
    "姓名或密码不正确。请核对后重试；忘记密码请联系管理员重设，或在私聊中发送 /web 获取登录链接。"
)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path only (never another site)."""
    if target and target.startswith("/web") and not target.startswith("//"):
        return target
    return "/web/"


class SignIn:
    """The sign-in and sign-out routes."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: Config,
        clock: Clock,
        people: People,
        renderer: Renderer,
    ) -> None:
        self.sessions, self.config, self.clock = sessions, config, clock
        self.people, self.renderer = people, renderer
        self.web = config.web

    def cookie_flags(self) -> dict[str, object]:
        """HttpOnly, SameSite=Strict, Secure unless the local-development flag is set."""
        return {
            "path": COOKIE_PATH,
            "httponly": True,
            "samesite": "Strict",
            "secure": not self.web.insecure_cookies,
        }

    async def form(self, request: web.Request) -> web.StreamResponse:
        """GET /web/login: the link's confirmation button, or the password form."""
        now = self.clock.now()
        try:  # ``next`` is shown again in the form: a marking in it goes no further
            check_secrecy(every_value(request.query), self._channel)
        except Refusal as refused:
            return self.renderer.error(refused.status, refused.message)
        async with self.sessions.begin() as db:
            seen = await visitor(db, self.people, request, now, self._idle)
        link = request.query.get(LINK_FIELD, "")
        if seen is not None and not link:
            return see_other(safe_next(request.query.get("next")))
        pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
        response = self.renderer.html(
            "web/login.html",
            {
                "title": "登录",
                "link": link,
                "next": safe_next(request.query.get("next")),
                "pre": pre,
                "notice": request.query.get("bye") and "您已退出登录。",
                "minutes": self.web.link_minutes,
            },
        )
        response.set_cookie(PRE_COOKIE, pre, max_age=3600, **self.cookie_flags())  # type: ignore[arg-type]
        return response

    @property
    def _idle(self) -> timedelta:
        return timedelta(minutes=self.web.idle_minutes)

    async def submit(self, request: web.Request) -> web.StreamResponse:
        """POST /web/login: check, limit, start a session, set its cookie."""
        raw = await request.post()
        form = {k: str(v) for k, v in raw.items()}
        now = self.clock.now()
        try:
            async with self.sessions.begin() as db:
                check_csrf(form, request.cookies.get(PRE_COOKIE))
                fields = every_value(raw)
                fields.pop("password", None)  # never written anywhere, so never checked either
                check_secrecy(fields, self._channel)
                await self._limit(db, request, None)
                user, via = await self._who(db, request, form)
                token, _ = await credentials.open_session(
                    db,
                    user.id,
                    now,
                    timedelta(hours=self.web.session_hours),
                    address=address_of(request),
                    via=via,
                )
                await record(
                    db, now, request, command=SIGNIN, outcome="ok", user=user, detail={"via": via}
                )
        except Refusal as refused:
            async with self.sessions.begin() as db:
                await record(
                    db,
                    now,
                    request,
                    command=SIGNIN,
                    outcome=refused.outcome,
                    user=refused.user,
                    actor=refused.actor,
                    detail=refused.detail,
                )
            headers = (
                {"Retry-After": str(refused.detail["retry"])}
                if "retry" in refused.detail
                else None
            )
            return self.renderer.error(refused.status, refused.message, headers=headers)
        response = see_other(safe_next(form.get("next")))
        flags = self.cookie_flags()
        response.set_cookie(SESSION_COOKIE, token, max_age=self.web.session_hours * 3600, **flags)  # type: ignore[arg-type]
        response.del_cookie(PRE_COOKIE, path=COOKIE_PATH)
        return response

    @property
    def _channel(self) -> str:
        return self.config.inbox.classified_channel

    async def _who(
        self, db: AsyncSession, request: web.Request, form: dict[str, str]
    ) -> tuple[UserInfo, str]:
        now = self.clock.now()
        if form.get(LINK_FIELD):
            try:
                user_id = await credentials.redeem_link(db, form[LINK_FIELD], now)
            except UserError as exc:
                raise Refusal(400, str(exc), "rejected", {"via": "link"}) from None
            user = await self.people.active(db, user_id)
            if user is None:
                raise Refusal(403, "该账号已停用，无法登录。如有疑问请联系管理员。", "rejected")
            return user, "link"
        name, password = form.get("name", "").strip(), form.get("password", "")
        if not name or not password:
            raise Refusal(
                400, "请填写姓名和密码；或在与机器人的私聊中发送 /web 获取登录链接。", "rejected"
            )
        try:
            user = await self.people.find(db, name)
        except UserError:
            credentials.password_matches(credentials.stand_in(), password)  # the same time taken
            raise Refusal(
                400, WRONG_PASSWORD, "rejected", {"via": "password"}, actor=name[:40]
            ) from None
        await self._limit(db, request, user)
        stored = await credentials.password_of(db, user.id)
        if (
            not credentials.password_matches(stored or credentials.stand_in(), password)
            or not stored
        ):
            raise Refusal(400, WRONG_PASSWORD, "rejected", {"via": "password"}, user=user)
        return user, "password"

    async def _limit(self, db: AsyncSession, request: web.Request, user: UserInfo | None) -> None:
        """Refuse (429) an address, or an account, with too many failed sign-ins in the window."""
        since = self.clock.now() - timedelta(minutes=self.web.failure_window_minutes)
        query = select(func.count()).where(
            AuditLog.command == SIGNIN, AuditLog.outcome == "rejected", AuditLog.ts >= since
        )
        if user is None:
            query = query.where(AuditLog.chat == f"web:{address_of(request)}")
        else:
            query = query.where(AuditLog.actor_user_id == user.id)
        most = self.web.max_failures if user else self.web.address_max_failures
        if int(await db.scalar(query) or 0) < most:
            return
        minutes = self.web.failure_window_minutes
        whose = "此地址" if user is None else "该账号"
        raise Refusal(
            429,
            f"{whose}登录失败次数过多，已暂停登录，请 {minutes} 分钟后再试；"
            "或在与机器人的私聊中发送 /web 获取登录链接。",
            "throttled",
            {"retry": minutes * 60},
            user=user,
        )

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        """POST /web/logout (with the session's CSRF token): the session ends."""
        form = {k: str(v) for k, v in (await request.post()).items()}
        now = self.clock.now()
        async with self.sessions.begin() as db:
            seen = await visitor(db, self.people, request, now, self._idle)
            if seen is not None:
                try:
                    check_csrf(form, seen.csrf)
                except Refusal as refused:
                    return self.renderer.error(refused.status, refused.message)
                await credentials.close_session(db, request.cookies.get(SESSION_COOKIE, ""))
                await record(db, now, request, command="web_signout", outcome="ok", user=seen.user)
        response = see_other("/web/login?bye=1")
        response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        return response


def base_url(config: Config) -> str:
    """The dashboard's address as people open it: ``web.base_url``, else the http section's."""
    return config.web.base_url or f"http://{config.http.host}:{config.http.port}"


def link_url(config: Config, token: str) -> str:
    """The sign-in link a chat sends."""
    return f"{base_url(config)}/web/login?{LINK_FIELD}={token}"


def login_path(target: str) -> str:
    """The sign-in page that comes back to ``target``."""
    return "/web/login?next=" + quote(target, safe="/")
