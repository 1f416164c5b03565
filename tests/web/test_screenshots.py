"""Screenshots of every dashboard page for docs/screenshots/ (linked from the README), taken in
headless chromium on the demo county. Opt-in, as it rewrites committed files:

    DUTYBOT_SCREENSHOTS=1 python -m pytest tests/web/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web_support import Site, open_link

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2}
# file name → (who, path); every page of docs/web.md §Pages
SHOTS = {
    "today": ("李明", "/web/duty"),
    "roster": ("张三", "/web/duty/roster"),
    "roster-holidays": ("张三", "/web/duty/roster?month=2026-10"),
    "log": ("李明", "/web/duty/log"),
    "incidents": ("李明", "/web/duty/incidents"),
    "units": ("张三", "/web/duty/units"),
    "unit": ("孙伟", "/web/duty/units/县水利局"),
    "audit": ("刘洋", "/web/audit"),
    "refused-other-unit": ("孙伟", "/web/duty/units/城关镇"),
}
PHONE_SHOTS = {"today-phone": "/web/duty", "roster-phone": "/web/duty/roster"}

pytestmark = pytest.mark.skipif(
    not os.environ.get("DUTYBOT_SCREENSHOTS"), reason="set DUTYBOT_SCREENSHOTS=1 to retake"
)


async def _activity(site: Site) -> None:
    """A morning's work so the pages have something to show."""
    await site.say("张三", "接班")
    await site.say(
        "张三", "记录 来电 城关镇报告东风渠水位上涨 单位=城关镇 来电人=王小明 电话=13912345678"
    )
    await site.say("张三", "突发 新建 较大 防汛 城关镇东风渠河堤出现管涌 接报=8:40")
    await site.say("张三", "突发 上报 1 已电话、书面报告县委县政府值班室")
    await site.say("张三", "突发 续报 1 管涌已封堵，转移群众 35 人，无人员伤亡")
    await site.say("张三", "县级查岗 县水利局 城关镇")
    site.clock.advance(minutes=3)
    await site.say("孙伟", "在岗")


async def _page(browser: Browser, site: Site, who: str, **context: object) -> Page:
    page = await (await browser.new_context(**context)).new_page()  # type: ignore[arg-type]
    await open_link(page, await site.link(who))
    await page.wait_for_url("**/web/")
    return page


async def test_screenshots_of_every_page(browser: Browser, live_site: Site) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    await _activity(live_site)
    login = await (await browser.new_context(**DESKTOP)).new_page()  # type: ignore[arg-type]
    await login.goto(live_site.url + "/web/login")
    await login.screenshot(path=OUT / "login.png", full_page=True)
    pages: dict[str, Page] = {}
    for name, (who, path) in SHOTS.items():
        if who not in pages:
            pages[who] = await _page(browser, live_site, who, **DESKTOP)
            if who == "刘洋":
                await pages[who].screenshot(path=OUT / "home.png", full_page=True)
        page = pages[who]
        await page.goto(live_site.url + path)
        if name == "audit":
            await page.click("#verify")
        await page.screenshot(path=OUT / f"{name}.png", full_page=True)
    phone = await _page(browser, live_site, "李明", **PHONE)
    for name, path in PHONE_SHOTS.items():
        await phone.goto(live_site.url + path)
        await phone.screenshot(path=OUT / f"{name}.png", full_page=True)
    taken = {p.stem for p in OUT.glob("*.png")}  # other features' shots may be there too
    assert taken >= {*SHOTS, *PHONE_SHOTS, "login", "home"}
