"""Screenshots of the 督办, 12345, broadcast and 查岗 pages for docs/screenshots/ (linked from
the README), taken like the runtime's (tests/web/test_screenshots.py). Opt-in, as it rewrites
committed files:

    DUTYBOT_SCREENSHOTS=1 python -m pytest tests/web/test_screenshots_features.py
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from tests.web.test_broadcast_pages import send_broadcast
from tests.web.test_screenshots import DESKTOP, OUT, PHONE
from tests.web_support import Site, signed_in

if TYPE_CHECKING:
    from playwright.async_api import Browser

# file name → (who, path)
SHOTS = {
    "supervision": ("陈静", "/web/supervision"),
    "supervision-overdue": ("陈静", "/web/supervision?due=overdue"),
    "supervision-item": ("陈静", "/web/supervision/1"),
    "reports": ("陈静", "/web/reports?period=month"),
    "tickets": ("张三", "/web/tickets?q=路灯"),
    "tickets-kpi": ("李明", "/web/tickets/kpi?from=2026-10-27&to=2026-11-26"),
    "broadcasts": ("李明", "/web/broadcasts"),
    "broadcast-board": ("李明", "/web/broadcasts/1"),
    "rollcall": ("李明", "/web/rollcall"),
    "refused-other-item": ("孙伟", "/web/supervision/2"),
}
PHONE_SHOTS = {"supervision-phone": "/web/supervision", "board-phone": "/web/broadcasts/1"}

pytestmark = pytest.mark.skipif(
    not os.environ.get("DUTYBOT_SCREENSHOTS"), reason="set DUTYBOT_SCREENSHOTS=1 to retake"
)


async def _activity(site: Site) -> None:
    """A broadcast half acknowledged and a roll call answered, so the pages show something."""
    code = await send_broadcast(site)
    await site.say("孙伟", f"收到 {code}")
    await site.say("李明", "查岗")
    site.clock.advance(minutes=2, seconds=5)
    await site.say("张三", "到")


async def test_screenshots_of_the_feature_pages(browser: Browser, county: Site) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    await _activity(county)
    pages = {}
    for name, (who, path) in SHOTS.items():
        if who not in pages:
            pages[who] = await signed_in(browser, county, who, **DESKTOP)
        page = pages[who]
        await page.goto(county.url + path)
        await page.screenshot(path=OUT / f"{name}.png", full_page=True)
    phone = await signed_in(browser, county, "李明", **PHONE)
    for name, path in PHONE_SHOTS.items():
        await phone.goto(county.url + path)
        await phone.screenshot(path=OUT / f"{name}.png", full_page=True)
    taken = {p.stem for p in OUT.glob("*.png")}
    assert {*SHOTS, *PHONE_SHOTS} <= taken
