"""值班表报备 on a fake clock: the next statutory holiday (元旦 2027, 推定), a deadline from
``submission.roster_due``, one township missing it and chased, the merged table with phones
masked by who can read the chat (the daily job that opens it: tests/schedules/submissions)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import add_user
from tests.handlers.submissions.test_submissions import chased, entries
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter, incoming

ROWS = (
    "2027-01-01 白班 李镇长 吴磊、王五 13800000009",
    "2027-01-02 全天 李镇长 赵六 0571-87654321",
)


async def _hekou_liaison(app: App, clock: FakeClock) -> None:
    async with app.sessions.begin() as session:
        user = await add_user(
            session, name="马亮", org="河口乡", roles={Role.LIAISON}, now=clock.now()
        )
        await binding.bind_account(session, user, "console", "马亮", clock.now())


async def test_one_township_misses_the_roster_deadline(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _hekou_liaison(app, clock)
    opened = await say(app, console, "张三", "值班表报备 城关镇、河口乡")
    assert "值班表报备 #1「2027年元旦假期值班表报备」" in opened
    # submission.roster_due = 5 自然日 before Fri 2027-01-01 is Sun 12-27: back to Fri 12-25
    assert "截止：2026-12-25（星期五）24:00 前" in opened and "推定" in opened
    assert "2027-01-01 至 2027-01-03" in console.texts("马亮")[-1]
    bad = await say(app, console, "吴磊", "/submit 1\n2027-01-01 白班 李镇长 吴磊 1380000")
    assert "第1行：「值班电话」列" in bad and await entries(app) == 0
    outside = await say(app, console, "吴磊", "/submit 1\n2027-01-05 白班 李镇长 吴磊 13800000009")
    assert "不在假期内" in outside and await entries(app) == 0
    # a bare /submit asks for the lines; a wrong one is refused and the question stays open
    assert "请发送城关镇" in await say(app, console, "吴磊", "/submit 1")
    assert "「日期」列" in await say(
        app, console, "吴磊", "2027-13-01 白班 李镇长 吴磊 13800000009"
    )
    good = await say(app, console, "吴磊", "\n".join(ROWS))
    assert "值班安排 2 条" in good and await entries(app) == 1
    assert "已更新" in await say(app, console, "吴磊", "/submit 1\n" + "\n".join(ROWS))
    assert chased(await at(app, clock, console, 2026, 12, 24, 8, 59)) == set()
    assert chased(await at(app, clock, console, 2026, 12, 24, 9, 0)) == {"马亮"}
    assert chased(await at(app, clock, console, 2026, 12, 28, 9, 0)) == {"马亮"}
    assert chased(await at(app, clock, console, 2026, 12, 29, 9, 0)) == {"马亮"}
    late = await at(app, clock, console, 2026, 12, 30, 9, 0)
    assert "仍未报送：河口乡" in late["张三"][0]

    private = await say(app, console, "张三", "报送 汇总 1")
    assert "城关镇 2027-01-01 白班 李镇长 吴磊、王五 13800000009" in private
    assert "逾期未报或迟报：河口乡" in private
    reply = [r for a, r in console.sent if a == "张三"][-1]
    assert reply.attachment is not None and reply.attachment.name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(reply.attachment.data)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == ["单位", "日期", "班次", "带班领导", "值班人员", "值班电话"]
    assert cells[1][5] == "13800000009" and cells[2][5] == "0571-87654321"
    # the same officer asking in a group: everyone there reads it, so phones are masked
    await app.dispatcher.receive(
        incoming("报送 汇总 1", sender="张三", group=True, chat="值班室工作群")
    )
    await app.sender.drain()
    group = console.texts("group:值班室工作群")[-1]
    assert "138****0009" in group and "13800000009" not in group
    # a supervisor in private is not among submissions.unmasked_roles
    assert "138****0009" in await say(app, console, "陈静", "报送 汇总 1")
