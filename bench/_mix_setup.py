"""The set-up of ``python -m bench broadcast --mix``: config with the published limits, the
environment with every robot's secrets, and the channel's people and robots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.adapters.telegram import TOKEN_ENV
from bot.app import App, parse_config
from bot.cli.demo import seed
from bot.core.messages import ChatKind, IncomingMessage, Target
from bot.core.roles import Role
from bot.testing import dingtalk as fake_dingtalk
from bot.testing import wecom as fake_wecom
from bot.testing.dingtalk import FakeDingTalk
from bot.testing.telegram.local_bot import TELEGRAM_LIMITS, TOKEN
from models.directory import binding, groups
from models.directory.users import add_user

FIRST_CHAT = 10_000
# Published limits (docs/platforms.md §Telegram limits, §WeCom limits, §DingTalk limits).
WECOM_APP = {"overall_per_second": 2000 / 60, "per_chat_per_second": 0.5}  # 30/min per member


def said(text: str, n: int) -> IncomingMessage:
    return IncomingMessage(
        platform="console",
        chat_id="李明",
        chat_kind=ChatKind.PRIVATE,
        sender_id="李明",
        text=text,
        message_id=f"mix{n}",
    )


def config(db: Path, tg: str, wc: str, dt: str, split: dict[str, int], driver: str) -> Any:
    wecom_robots = {f"w{i}": f"W{i}" for i in range(split["wecom_robots"])}
    dingtalk_robots = {f"d{i}": f"D{i}" for i in range(split["dingtalk_robots"])}
    data = {
        "database": {"url": f"sqlite+aiosqlite:///{db}"},
        "data_dir": str(db.parent),
        "audit": {"anchor_file": str(db.parent / "anchors.log")},
        "http": {"enabled": True},
        "channels": ["全体", "演练"],
        "broadcast": {"channels": {"演练": {"orgs": ["演练单位"]}}},
        "platforms": {
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "driver": driver,
                "base_url": tg,
                "register_commands": False,
                "rate_limit": TELEGRAM_LIMITS,
            },
            "wecom": {
                "enabled": True,
                "allow_plain_http": True,  # the local fakes
                "api_base": wc,
                "agent_id": 1000002,
                "robots": wecom_robots,
                "rate_limit": WECOM_APP,
            },
            "dingtalk": {
                "enabled": True,
                "allow_plain_http": True,
                "api_base": dt,
                "oapi_base": dt,
                "robots": dingtalk_robots,
                "rate_limit": None,  # the app robot carries nothing here
            },
        },
    }
    return parse_config(data, env={})


def env(split: dict[str, int], ding: FakeDingTalk) -> dict[str, str]:
    env = {**fake_wecom.ENV, **fake_dingtalk.ENV, TOKEN_ENV: TOKEN}
    for i in range(split["wecom_robots"]):
        env[f"DUTYBOT_WECOM_ROBOT_W{i}"] = f"robot-key-w{i}"
    for i in range(split["dingtalk_robots"]):
        token, secret = f"robot-token-d{i}", f"SEC-d{i}"
        env[f"DUTYBOT_DINGTALK_ROBOT_D{i}_TOKEN"], env[f"DUTYBOT_DINGTALK_ROBOT_D{i}_SECRET"] = (
            token,
            secret,
        )
        ding.add_robot(f"d{i}", token, secret)
    return env


async def audience(app: App, split: dict[str, int]) -> None:
    """The demo county, the channel's people (bound on Telegram or WeCom) and its robots."""
    now = app.clock.now()
    async with app.sessions.begin() as session:
        await seed(session, now, timedelta(hours=1))
        people = [("telegram", str(FIRST_CHAT + i)) for i in range(split["telegram"])]
        people += [("wecom", f"u{i}") for i in range(split["wecom_users"])]
        for i, (platform, address) in enumerate(people):
            user = await add_user(
                session,
                name=f"员{i}",
                org="演练单位",
                roles={Role.LIAISON},
                now=now,
                new_unit=True,
            )
            await binding.bind_account(session, user, platform, address, now)
        robots = [("wecom", f"w{i}") for i in range(split["wecom_robots"])]
        robots += [("dingtalk", f"d{i}") for i in range(split["dingtalk_robots"])]
        for platform, name in robots:
            await groups.register(
                session,
                target=Target(platform, f"robot:{name}"),
                title=f"{platform}-{name}群",
                channels=["演练"],
                now=now,
            )
