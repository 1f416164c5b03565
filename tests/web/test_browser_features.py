"""督办, 12345, broadcasts and 查岗 charts in a real browser (headless Debian chromium through
Playwright, tests/web_support.py): filtering overdue items, an acknowledgement appearing on an
open board without reload, a liaison refused another unit's item by URL, a phone's screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.test_broadcast_pages import send_broadcast
from tests.web_support import Site, signed_in

if TYPE_CHECKING:
    from playwright.async_api import Browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_filter_overdue_supervision_items(browser: Browser, county: Site) -> None:
    page = await signed_in(browser, county, "陈静")
    await page.click("nav.menu >> text=督办台账")
    await page.wait_for_url("**/web/supervision")
    assert await page.locator("li.item").count() == 5
    await page.select_option("select[name=due]", "overdue")
    await page.click("#filter")
    await page.wait_for_url("**/web/supervision?*due=overdue*")
    titles = await page.locator("li.item strong").all_inner_texts()
    assert sorted(titles) == ["#1 清理河道淤积", "#2 林区防火隔离带建设"]
    assert await page.locator("li.item.red").count() == 2
    await page.click("text=#1 清理河道淤积")
    assert "办理记录" in await page.inner_text("main")


async def test_an_acknowledgement_appears_on_the_board_without_reload(
    browser: Browser, county: Site
) -> None:
    from playwright.async_api import expect  # the browser fixture skipped without a browser

    code = await send_broadcast(county)
    page = await signed_in(browser, county, "李明")
    await page.goto(county.url + "/web/broadcasts/1")
    await page.evaluate("window.notReloaded = true")
    assert await page.inner_text("#acked-count") == "0"
    assert "孙伟（县水利局）" in await page.inner_text("#waiting")
    await county.say("孙伟", f"收到 {code}")
    await expect(page.locator("#acked-count")).to_have_text("1", timeout=15_000)
    assert "孙伟（县水利局）" in await page.inner_text("#acked")
    assert "孙伟" not in await page.inner_text("#waiting")
    assert await page.evaluate("window.notReloaded === true")


async def test_a_liaison_cannot_open_another_units_item_by_url(
    browser: Browser, county: Site
) -> None:
    page = await signed_in(browser, county, "孙伟")  # 县水利局
    await page.goto(county.url + "/web/supervision")
    assert "林区防火隔离带建设" not in await page.inner_text("main")
    response = await page.goto(county.url + "/web/supervision/2")  # 县林业局's
    assert response is not None and response.status == 403
    assert "不在您的查看范围（县水利局）内" in await page.inner_text("main")
    response = await page.goto(county.url + "/web/supervision/1")
    assert response is not None and response.status == 200


async def test_the_feature_pages_fit_a_phone_screen(browser: Browser, county: Site) -> None:
    await send_broadcast(county)
    page = await signed_in(browser, county, "李明", **PHONE)
    for path in (
        "/web/supervision",
        "/web/supervision/1",
        "/web/reports",
        "/web/tickets",
        "/web/tickets/kpi",
        "/web/broadcasts/1",
        "/web/rollcall",
    ):
        await page.goto(county.url + path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
    await page.goto(county.url + "/web/tickets/kpi")
    chart = page.locator("img.chart")
    await chart.wait_for()
    assert await chart.evaluate("img => img.complete && img.naturalWidth") == 1080
    box = await chart.bounding_box()
    assert box is not None and box["width"] <= 390
