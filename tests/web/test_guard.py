"""What every page passes: roles as in chat, unit scope by URL, CSRF on every form, the secrecy
guard on every field, audit rows of views and refusals, and the security headers."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.audit import AuditLog
from tests.web_support import Site, csrf_of


async def _rows(site: Site, command: str) -> list[AuditLog]:
    async with site.app.sessions() as db:
        query = select(AuditLog).where(AuditLog.kind == "web", AuditLog.command == command)
        return list(await db.scalars(query.order_by(AuditLog.seq)))


async def test_a_role_the_page_does_not_admit_is_refused_with_the_reason(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "郑华")  # 查看者
        response = await client.get("/web/audit")
        assert response.status == 403
        text = await response.text()
        assert "「审计日志」仅限管理员查看，您的角色是查看者" in text
        assert 'href="/web/audit"' not in text  # nor is it in the viewer's menu
    assert [r.outcome for r in await _rows(site, "/web/audit")] == ["denied"]


async def test_a_liaison_cannot_open_another_units_page_by_url(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "孙伟")  # 县水利局 联络员
        own = await client.get("/web/duty/units/县水利局")
        assert own.status == 200
        other = await client.get("/web/duty/units/城关镇")
        assert other.status == 403
        assert "城关镇的查岗记录属于城关镇，不在您的查看范围（县水利局）内" in await other.text()
        listing = await (await client.get("/web/duty/units")).text()
        assert "城关镇" not in listing
    rows = await _rows(site, "/web/duty/units/{unit}")
    assert [r.outcome for r in rows] == ["out_of_scope"]
    assert rows[0].detail["url"] == "/web/duty/units/城关镇"


async def test_an_officer_opens_every_units_page(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        assert (await client.get("/web/duty/units/城关镇")).status == 200


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(site: Site) -> None:
    async with site.client() as client:
        home = await site.sign_in(client, "刘洋")
        for form in ({}, {"csrf": "forged"}, {"csrf": csrf_of(home) + "x"}):
            response = await client.post("/web/audit/verify", data=form)
            assert response.status == 403
            assert "安全校验未通过" in await response.text()
            assert "审计日志完整" not in await response.text()
        signed_out = await client.post("/web/logout", data={})
        assert signed_out.status == 403
        assert (await client.get("/web/duty")).url.path == "/web/duty"  # still signed in
    outcomes = [r.outcome for r in await _rows(site, "/web/audit/verify")]
    assert outcomes == ["csrf", "csrf", "csrf"]


async def test_the_sign_in_form_needs_its_own_token(site: Site) -> None:
    link = await site.link("张三")
    token = link.split("t=")[1]
    async with site.client() as client:
        response = await client.post("/web/login", data={"t": token})
        assert response.status == 403
    async with site.client() as client:  # the link was not used up by the refused attempt
        await client.get(link)
        page = await (await client.get(link)).text()
        form = {"csrf": csrf_of(page), "t": token}
        assert (await client.post("/web/login", data=form)).status == 200


async def test_a_marking_in_any_field_is_refused_without_quoting_it(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        response = await client.get("/web/duty/log", params={"day": "机密★10年"})
        assert response.status == 400
        text = await response.text()
        assert "含密级标识" in text and "（day）" in text
        assert "★10年" not in text
    rows = await _rows(site, "/web/duty/log")
    assert [r.outcome for r in rows] == ["secrecy"]
    assert "★" not in str(rows[0].detail)


async def test_a_marking_in_a_repeated_field_is_refused(site: Site) -> None:
    async with site.client() as client:
        home = await site.sign_in(client, "刘洋")
        query = [("kind", "web"), ("kind", "【机密】")]
        assert (await client.get("/web/audit", params=query)).status == 400
        form = [("csrf", csrf_of(home)), ("note", "无"), ("note", "秘密★1年")]
        assert (await client.post("/web/audit/verify", data=form)).status == 400


async def test_a_marking_in_the_sign_in_form_is_refused(site: Site) -> None:
    async with site.client() as client:
        page = await (await client.get("/web/login")).text()
        form = {"csrf": csrf_of(page), "name": "【绝密】张三", "password": "x"}
        response = await client.post("/web/login", data=form)
        assert response.status == 400 and "含密级标识" in await response.text()
        shown = await client.get("/web/login", params={"next": "/web/绝密★长期"})
        assert shown.status == 400 and "绝密★长期" not in await shown.text()


async def test_every_view_of_personal_data_is_audited_masked(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "李明")
        await client.get("/web/duty")
        await client.get("/web/duty/log", params={"day": "2026-11-26", "q": "13912345678"})
        await client.get("/web/duty/roster")  # names of the roster only: not a personal page
    (duty,) = await _rows(site, "/web/duty")
    assert (duty.actor, duty.platform, duty.outcome) == ("李明", "web", "ok")
    assert duty.chat == "web:127.0.0.1"
    (log,) = await _rows(site, "/web/duty/log")
    assert log.detail["query"] == {"day": "2026-11-26", "q": "139****5678"}
    assert await _rows(site, "/web/duty/roster") == []
    signins = await _rows(site, "web_signin")
    assert [r.outcome for r in signins] == ["ok"]
    assert "query" not in signins[0].detail  # the link's token is never written


async def test_pages_carry_the_security_headers(site: Site) -> None:
    async with site.client() as client:
        response = await client.get("/web/login")
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert (await client.get("/web/static/style.css")).status == 200


async def test_an_unknown_page_is_a_chinese_404(site: Site) -> None:
    async with site.client() as client:
        response = await client.get("/web/nothing/here")
        assert response.status == 404
        assert "没有这个页面" in await response.text()


async def test_a_marking_in_the_path_is_refused_and_not_written(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        response = await client.get("/web/duty/units/【机密】城关镇")
        assert response.status == 400 and "含密级标识" in await response.text()
    (row,) = await _rows(site, "/web/duty/units/{unit}")
    assert row.outcome == "secrecy" and "机密" not in str(row.detail)
