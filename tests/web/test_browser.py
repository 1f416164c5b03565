"""The dashboard in a real browser: headless Debian chromium driven by Playwright, against the
real App on 127.0.0.1 — sign in with a link from the console chat, the roster on a desktop and on
a phone, refusals by URL and without a CSRF token, used and expired links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web_support import Site, open_link

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def _signed_in(browser: Browser, site: Site, who: str, **context: object) -> Page:
    page = await (await browser.new_context(**context)).new_page()  # type: ignore[arg-type]
    await open_link(page, await site.link(who))
    await page.wait_for_url("**/web/")
    return page


async def test_sign_in_with_a_chat_link_and_open_the_roster(
    browser: Browser, live_site: Site
) -> None:
    page = await _signed_in(browser, live_site, "张三")
    assert "您好，张三" in await page.inner_text("main")
    await page.click("nav.menu >> text=排班日历")
    await page.wait_for_url("**/web/duty/roster")
    assert "2026 年 11 月" in await page.inner_text(".pager")
    assert "张三" in await page.inner_text('td[data-day="2026-11-26"]')
    await page.click("#following")
    assert "2026 年 12 月" in await page.inner_text(".pager")
    cookies = await page.context.cookies()
    (session,) = [c for c in cookies if c["name"] == "dutybot_session"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"


async def test_the_pages_fit_a_phone_screen(browser: Browser, live_site: Site) -> None:
    page = await _signed_in(browser, live_site, "李明", **PHONE)
    for path in ("/web/duty", "/web/duty/log", "/web/duty/roster"):
        await page.goto(live_site.url + path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
    # the calendar's seven columns stay on screen; officers' names give way to the leader's
    cell = await page.query_selector('td[data-day="2026-11-26"]')
    assert cell is not None and (await cell.bounding_box() or {"x": 999})["x"] < 390
    assert await page.is_hidden('td[data-day="2026-11-26"] .who-cell')


async def test_a_liaison_cannot_open_another_units_page_by_url(
    browser: Browser, live_site: Site
) -> None:
    page = await _signed_in(browser, live_site, "孙伟")
    response = await page.goto(live_site.url + "/web/duty/units/城关镇")
    assert response is not None and response.status == 403
    assert "不在您的查看范围（县水利局）内" in await page.inner_text("main")
    response = await page.goto(live_site.url + "/web/duty/units/县水利局")
    assert response is not None and response.status == 200


async def test_a_form_without_its_csrf_token_is_refused(browser: Browser, live_site: Site) -> None:
    page = await _signed_in(browser, live_site, "刘洋")
    await page.goto(live_site.url + "/web/audit")
    await page.evaluate("document.querySelector('form.panel input[name=csrf]').remove()")
    await page.click("#verify")
    assert "安全校验未通过" in await page.inner_text("main")
    await page.goto(live_site.url + "/web/audit")  # the token in place: it goes through
    await page.click("#verify")
    assert "审计日志完整" in await page.inner_text("#verdict")


async def test_used_and_expired_links_are_refused(browser: Browser, live_site: Site) -> None:
    link = await live_site.link("张三")
    first = await (await browser.new_context()).new_page()
    await open_link(first, link)
    await first.wait_for_url("**/web/")
    again = await (await browser.new_context()).new_page()
    await open_link(again, link)
    assert "已使用" in await again.inner_text("main")
    late = await live_site.link("张三")
    live_site.clock.advance(minutes=11)
    await open_link(again, late)
    assert "登录链接已过期" in await again.inner_text("main")
    response = await again.goto(live_site.url + "/web/duty")
    assert response is not None and again.url.startswith(live_site.url + "/web/login")


async def test_a_check_in_appears_on_todays_page_without_reload(
    browser: Browser, live_site: Site
) -> None:
    page = await _signed_in(browser, live_site, "李明")
    await page.goto(live_site.url + "/web/duty")
    officer = page.locator("#now li", has_text="张三")
    assert "未接班" in await officer.inner_text()
    await page.evaluate("window.marker = 'same page'")
    await live_site.say("张三", "接班")
    await page.locator("#now li", has_text="已接班").wait_for(timeout=15_000)
    assert await page.evaluate("window.marker") == "same page"
