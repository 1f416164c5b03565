"""Every dashboard page renders for the roles it admits, and shows what chat shows."""

from __future__ import annotations

import re

import pytest

from bot.store import audit_anchor
from tests.web_support import Site, csrf_of

PAGES = (
    "/web/",
    "/web/duty",
    "/web/duty/roster",
    "/web/duty/roster?month=2026-10",
    "/web/duty/log",
    "/web/duty/incidents",
    "/web/duty/units",
    "/web/duty/units/县政府办公室",
    "/web/audit",
)


@pytest.mark.parametrize("path", PAGES)
async def test_an_admin_opens_every_page(site: Site, path: str) -> None:
    async with site.client() as client:
        await site.sign_in(client, "刘洋")
        response = await client.get(path)
        assert response.status == 200, await response.text()
        assert "DutyBot 值班助手" in await response.text()


async def test_today_shows_the_officer_on_duty_with_the_check_in_state(site: Site) -> None:
    await site.say("张三", "接班")
    async with site.client() as client:
        await site.sign_in(client, "李明")
        page = await (await client.get("/web/duty")).text()
    current = page.split("当前在岗")[1].split("今日稍后")[0]
    assert "带班领导" in current
    assert re.search(r"张三 13800000004\s*<span class=\"tag yes\">已接班", current), current


async def test_phones_are_masked_for_a_reader_who_would_see_them_masked(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "郑华")  # 查看者
        page = await (await client.get("/web/duty")).text()
    assert "138****0004" in page
    assert "13800000004" not in page


async def test_the_roster_marks_holidays_and_adjusted_workdays(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        page = await (await client.get("/web/duty/roster?month=2026-10")).text()
        september = await (await client.get("/web/duty/roster?month=2026-09")).text()
    national_day = page.split('data-day="2026-10-01"')[1].split("</td>")[0]
    assert "国庆节" in national_day and "休" in national_day
    adjusted = september.split('data-day="2026-09-20"')[1].split("</td>")[0]
    assert "调休上班" in adjusted  # 2026's 国庆 调休: Sunday 20 September is worked


async def test_the_roster_shows_this_months_shifts(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        page = await (await client.get("/web/duty/roster")).text()
    today = page.split('data-day="2026-11-26"')[1].split("</td>")[0]
    assert "张三" in today


async def test_a_bad_month_is_a_chinese_message(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        response = await client.get("/web/duty/roster?month=十一月")
        assert response.status == 400
        assert "2026-11 这样的年-月" in await response.text()


async def test_the_duty_log_and_the_incident_timeline(site: Site) -> None:
    call = "记录 来电 城关镇报告河水上涨 单位=城关镇 来电人=王小明 电话=13912345678"
    await site.say("张三", call)
    await site.say("张三", "突发 新建 较大 防汛 城关镇河堤出现管涌")
    await site.say("张三", "突发 上报 1 已电话、书面报告县委县政府")
    await site.say("张三", "突发 续报 1 管涌已封堵")
    async with site.client() as client:
        await site.sign_in(client, "李明")
        log = await (await client.get("/web/duty/log")).text()
        incidents = await (await client.get("/web/duty/incidents")).text()
    assert "城关镇报告河水上涨" in log and "13912345678" in log  # a private reader, unmasked
    timeline = incidents.split("城关镇河堤出现管涌")[1]
    assert timeline.index("接报") < timeline.index("初报") < timeline.index("续报一")
    assert "管涌已封堵" in timeline


async def test_the_audit_viewer_verifies_the_chain(site: Site) -> None:
    async with site.client() as client:
        home = await site.sign_in(client, "刘洋")
        page = await (await client.get("/web/audit?kind=web")).text()
        assert "web_signin" in page and "锚点文件中还没有审计校验码" in page
        async with client.post("/web/audit/verify", data={"csrf": csrf_of(home)}) as response:
            verdict = await response.text()
    assert "审计日志完整" in verdict, verdict


async def test_the_audit_viewer_holds_the_chain_against_the_anchor_file(site: Site) -> None:
    async with site.app.sessions() as db:
        anchor = await audit_anchor.take(db, site.clock.now())
    audit_anchor.append(site.app.config.audit.anchor_path(), anchor)
    async with site.client() as client:
        home = await site.sign_in(client, "刘洋")
        page = await (await client.get("/web/audit")).text()
        assert "锚点文件中有审计校验码 1 个，最近一个生成于 2026-11-26 09:00" in page
        async with client.post("/web/audit/verify", data={"csrf": csrf_of(home)}) as response:
            assert "对照审计校验码 1 个" in await response.text()
