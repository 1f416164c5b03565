"""Which units a task asks: names, 全部乡镇 / 全部部门 / 全部, a configured group; unknown names
refused with what is known."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.errors import UserError
from models.submissions.collect import resolve_units
from tests.conftest import demo_app, make_config
from tests.support import RecordingAdapter


async def names(app: App, spec: str) -> list[str]:
    async with app.sessions() as session:
        return [o.name for o in await resolve_units(session, app.config, spec)]


async def test_kinds_names_and_groups(sqlite_url: str, clock: FakeClock) -> None:
    groups = {"submissions": {"unit_groups": {"防汛成员单位": ["县水利局", "城关镇"]}}}
    config = make_config(sqlite_url, **groups)
    async with demo_app(config, clock, {"console": RecordingAdapter("console")}) as app:
        assert await names(app, "全部乡镇") == ["城关镇", "河口乡"]
        assert len(await names(app, "全部")) == 8
        assert await names(app, "防汛成员单位、县水利局，县林业局") == [
            "县水利局",
            "城关镇",
            "县林业局",
        ]
        with pytest.raises(UserError, match=r"找不到单位「县气象局」.*分组：防汛成员单位"):
            await names(app, "县水利局、县气象局")
