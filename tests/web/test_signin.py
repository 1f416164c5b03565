"""Signing in to the dashboard: one-time links from a private chat, sessions, sign-out."""

from __future__ import annotations

from tests.web_support import Site, csrf_of


async def test_a_link_from_a_private_chat_signs_in_once(site: Site) -> None:
    async with site.client() as client:
        home = await site.sign_in(client, "张三")
        assert "您好，张三" in home
        assert "今日值班" in home
        page = await (await client.get("/web/duty")).text()
        assert "当前在岗" in page


async def test_the_duty_page_without_a_session_goes_to_the_sign_in_page(site: Site) -> None:
    async with site.client() as client:
        response = await client.get("/web/duty")
        assert response.url.path == "/web/login"
        assert "/web" in await response.text()


async def test_sign_out_ends_the_session(site: Site) -> None:
    async with site.client() as client:
        home = await site.sign_in(client, "张三")
        async with client.post("/web/logout", data={"csrf": csrf_of(home)}) as response:
            assert "您已退出登录" in await response.text()
        response = await client.get("/web/duty")
        assert response.url.path == "/web/login"
