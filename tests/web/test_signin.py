"""Signing in to the dashboard: one-time links from a private chat, passwords, limits, sessions
that end (sign-out, idle, expiry, revocation) and the cookie's flags."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select, update

from bot.cli.users_cmd import revoke_person
from bot.core.clock import FakeClock
from bot.store.audit import AuditLog
from bot.web import credentials
from bot.web.tables import WebLink, WebSession
from models.directory.users import User
from tests.support import RecordingAdapter
from tests.web_support import Site, csrf_of, web_site


async def _confirm(client: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    page = await (await client.get(link)).text()
    fields = dict(re.findall(r'name="(csrf|t|next)" value="([^"]*)"', page))
    return await client.post("/web/login", data=fields)


async def _password(
    client: aiohttp.ClientSession, name: str, secret: str
) -> aiohttp.ClientResponse:
    page = await (await client.get("/web/login")).text()
    form = {"csrf": csrf_of(page), "name": name, "password": secret, "next": "/web/"}
    return await client.post("/web/login", data=form)


async def _signed_in(client: aiohttp.ClientSession) -> bool:
    response = await client.get("/web/duty")
    return response.url.path == "/web/duty"


async def test_a_link_from_a_private_chat_signs_in_once(site: Site) -> None:
    link = await site.link("张三")
    async with site.client() as first, site.client() as second:
        assert (await _confirm(first, link)).status == 200
        assert "当前在岗" in await (await first.get("/web/duty")).text()
        again = await _confirm(second, link)
        assert again.status == 400
        assert "已使用" in await again.text() and "/web" in await again.text()
        assert not await _signed_in(second)


async def test_the_links_token_is_never_audited(site: Site) -> None:
    token = (await site.link("张三")).split("t=")[1]
    async with site.app.sessions() as db:
        rows = [str(r.detail) for r in await db.scalars(select(AuditLog))]
    assert any("/web/login?…" in row for row in rows)  # the delivery, its query left out
    assert not any(token in row for row in rows)


async def test_an_expired_link_is_refused(site: Site) -> None:
    link = await site.link("张三")
    site.clock.advance(minutes=10, seconds=1)
    async with site.client() as client:
        response = await _confirm(client, link)
        assert response.status == 400
        assert "登录链接已过期" in await response.text()


async def test_asking_again_retires_the_unused_link(site: Site) -> None:
    old = await site.link("张三")
    new = await site.link("张三")
    async with site.client() as client:
        assert (await _confirm(client, old)).status == 400
        assert (await _confirm(client, new)).status == 200


async def test_opening_a_link_alone_does_not_use_it(site: Site) -> None:
    link = await site.link("张三")
    async with site.client() as preview:  # a chat app's link preview fetches the page
        await preview.get(link)
    async with site.client() as client:
        assert (await _confirm(client, link)).status == 200


async def test_a_group_gets_no_link(site: Site) -> None:
    answer = await site.say("张三", "/web", group="值班室工作群")
    assert "只在私聊中发送" in answer and "http" not in answer
    async with site.app.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(WebLink)) == 0


async def test_the_session_cookie_is_httponly_strict_and_secure(site: Site) -> None:
    async with site.client() as client:
        page = await (await client.get(await site.link("张三"))).text()
        fields = dict(re.findall(r'name="(csrf|t|next)" value="([^"]*)"', page))
        response = await client.post("/web/login", data=fields, allow_redirects=False)
        assert response.status == 303
        cookie = response.cookies["dutybot_session"]
        assert cookie["httponly"] and cookie["secure"]
        assert cookie["samesite"] == "Strict" and cookie["path"] == "/web"
        async with site.app.sessions() as db:  # only the token's hash is kept
            stored = await db.scalar(select(WebSession.token_hash))
        assert stored == credentials.digest(cookie.value) != cookie.value


async def test_an_idle_session_ends(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        site.clock.advance(minutes=29)
        assert await _signed_in(client)
        site.clock.advance(minutes=30)
        assert not await _signed_in(client)


async def test_a_session_ends_after_its_hours_however_busy(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        for _ in range(24):  # a view every 29 minutes for 11 h 36 min
            site.clock.advance(minutes=29)
            assert await _signed_in(client)
        site.clock.advance(minutes=25)
        assert not await _signed_in(client)


async def test_a_revoked_person_loses_the_session_at_once(site: Site) -> None:
    async with site.client() as client, site.client() as other:
        await site.sign_in(client, "张三")
        await site.sign_in(other, "赵丽")
        async with site.app.sessions.begin() as db:
            lines = await revoke_person(db, site.app.config, site.clock.now(), "张三")
        assert "结束网页登录会话 1 个" in lines
        assert not await _signed_in(client)
        assert await _signed_in(other)


async def test_a_person_deactivated_any_other_way_is_signed_out_too(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        async with site.app.sessions.begin() as db:
            await db.execute(update(User).where(User.name == "张三").values(active=False))
        assert not await _signed_in(client)


async def test_a_password_an_admin_set_signs_in(site: Site) -> None:
    async with site.app.sessions.begin() as db:
        user = await db.scalar(select(User).where(User.name == "李明"))
        assert user is not None
        await credentials.set_password(db, user.id, "hedi-xuncha-2026", site.clock.now())
    async with site.client() as client:
        wrong = await _password(client, "李明", "hedi-xuncha-2025")
        assert wrong.status == 400 and "姓名或密码不正确" in await wrong.text()
        nobody = await _password(client, "李明明", "hedi-xuncha-2026")
        assert "姓名或密码不正确" in await nobody.text()  # the same words: no name is revealed
        assert (await _password(client, "李明", "hedi-xuncha-2026")).status == 200
        assert await _signed_in(client)


async def test_failed_passwords_lock_the_account_for_the_window(site: Site) -> None:
    async with site.app.sessions.begin() as db:
        user = await db.scalar(select(User).where(User.name == "李明"))
        assert user is not None
        await credentials.set_password(db, user.id, "hedi-xuncha-2026", site.clock.now())
    async with site.client() as client:
        for _ in range(5):
            assert (await _password(client, "李明", "guess-guess")).status == 400
        locked = await _password(client, "李明", "hedi-xuncha-2026")
        assert locked.status == 429 and "该账号登录失败次数过多" in await locked.text()
        assert locked.headers["Retry-After"] == "900"
        site.clock.advance(minutes=15, seconds=1)
        assert (await _password(client, "李明", "hedi-xuncha-2026")).status == 200


async def test_failed_links_lock_the_address(site: Site) -> None:
    async with site.client() as client:
        page = await (await client.get("/web/login?t=nothing")).text()
        for _ in range(20):
            form = {"csrf": csrf_of(page), "t": "guessedtoken"}
            assert (await client.post("/web/login", data=form)).status == 400
        refused = await _confirm(client, await site.link("张三"))
        assert refused.status == 429 and "此地址登录失败次数过多" in await refused.text()


async def test_sign_out_ends_the_session(site: Site) -> None:
    async with site.client() as client:
        home = await site.sign_in(client, "张三")
        async with client.post("/web/logout", data={"csrf": csrf_of(home)}) as response:
            assert "您已退出登录" in await response.text()
        assert not await _signed_in(client)
        async with site.app.sessions() as db:
            assert await db.scalar(select(func.count()).select_from(WebSession)) == 0


async def test_a_page_without_a_session_goes_to_sign_in_and_back(site: Site) -> None:
    async with site.client() as client:
        response = await client.get("/web/duty/roster?month=2026-12")
        assert response.url.path == "/web/login"
        page = await response.text()
        assert 'name="next" value="/web/duty/roster?month=2026-12"' in page


async def test_expired_links_and_sessions_are_cleared(site: Site) -> None:
    await site.link("张三")
    async with site.client() as client:
        await site.sign_in(client, "赵丽")
    site.clock.advance(hours=13)
    await site.link("李明")  # a new link clears expired ones …
    async with site.client() as client:
        await site.sign_in(client, "李明")  # … and a new session expired sessions
    async with site.app.sessions() as db:
        links = await db.scalar(select(func.count()).select_from(WebLink))
        sessions = await db.scalar(select(func.count()).select_from(WebSession))
    assert (links, sessions) == (1, 1)  # 李明's own, used or not


async def test_housekeeping_clears_ended_sessions_and_expired_links(site: Site) -> None:
    await site.link("张三")
    async with site.client() as client:
        await site.sign_in(client, "赵丽")
        site.clock.advance(hours=18, minutes=31)  # 03:31 the next day: never presented again
        assert await site.app.ticker.run_cron("housekeeping")
    async with site.app.sessions() as db:
        links = await db.scalar(select(func.count()).select_from(WebLink))
        sessions = await db.scalar(select(func.count()).select_from(WebSession))
        (row,) = await db.scalars(select(AuditLog).where(AuditLog.command == "housekeeping"))
    assert (links, sessions) == (0, 0)
    assert row.detail["web_sign_ins"] == 3  # 张三's unused link, 赵丽's used one and session


@pytest.fixture
async def plain_site(
    sqlite_url: str, clock: FakeClock, console: RecordingAdapter
) -> AsyncIterator[Site]:
    async with web_site(sqlite_url, clock, console, web={"insecure_cookies": True}) as running:
        yield running


async def test_the_development_flag_drops_only_the_secure_flag(plain_site: Site) -> None:
    jar = aiohttp.CookieJar(unsafe=True)  # plain http: a Secure cookie would not be sent back
    async with aiohttp.ClientSession(plain_site.url, cookie_jar=jar) as client:
        page = await (await client.get(await plain_site.link("张三"))).text()
        fields = dict(re.findall(r'name="(csrf|t|next)" value="([^"]*)"', page))
        response = await client.post("/web/login", data=fields, allow_redirects=False)
        cookie = response.cookies["dutybot_session"]
        assert not cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
        assert await _signed_in(client)
