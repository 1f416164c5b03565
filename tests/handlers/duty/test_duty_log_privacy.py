"""What an officer types into /log reaches the audit log masked (the log itself keeps it)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.store.audit import AuditLog
from tests.duty_support import say
from tests.support import RecordingAdapter

ID = "11010519491231002X"


async def test_a_log_with_an_id_number_and_a_phone_is_audited_masked(
    app: App, console: RecordingAdapter
) -> None:
    text = f"村民张某报告房屋开裂，身份证{ID}，回电139 1234 5678"
    await say(app, f"记录 来电 {text} 电话=13912345678")
    await say(app, "9:10")
    assert "请补充地点" in console.texts("张三")[-1]
    async with app.sessions() as session:
        rows = list(await session.scalars(select(AuditLog)))
    logged = "\n".join(f"{r.command} {r.detail}" for r in rows)
    assert "log" in logged and "110***********002X" in logged
    assert ID not in logged and "1234 5678" not in logged and "12345678" not in logged


async def test_the_day_log_is_masked_in_a_group_and_whole_in_private(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "记录 来电 村民报告房屋开裂 电话=13912345678 姓名=王小明")
    await say(app, "取消")
    await say(app, "值班日志", chat="值班室工作群", group=True)
    group = console.texts("group:值班室工作群")[-1]
    assert "电话：139****5678" in group and "王**" in group
    assert "13912345678" not in group and "王小明" not in group
    await say(app, "值班日志")
    private = console.texts("张三")[-1]
    assert "电话：13912345678" in private and "姓名：王小明" in private
