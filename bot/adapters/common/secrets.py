"""Reading an adapter's credentials from the environment, with the fix in the error message."""

from __future__ import annotations

import os

from bot.config import ConfigError


class Secrets:
    """Environment lookups for one platform (``DUTYBOT_<PLATFORM>_…``)."""

    def __init__(self, platform: str, env: dict[str, str] | None = None) -> None:
        self.platform = platform
        self.prefix = f"DUTYBOT_{platform.upper()}_"
        self.env = dict(os.environ) if env is None else env

    def require(self, name: str, what: str) -> str:
        """The value of ``DUTYBOT_<PLATFORM>_<name>``; a ConfigError naming it when unset."""
        var = self.prefix + name
        value = self.env.get(var, "").strip()
        if not value:
            raise ConfigError(
                f"platforms.{self.platform}.enabled 为 true，但缺少环境变量 {var}（{what}）。"
                f"请 export {var}=… 后重试，或运行 dutybot doctor 检查"
            )
        return value

    def robots(self, robots: dict[str, str], parts: dict[str, str]) -> dict[str, dict[str, str]]:
        """Each named robot's secrets: ``{name: {part: DUTYBOT_<P>_ROBOT_<SUFFIX><part>}}``.

        ``parts`` maps a variable ending (``""``, ``"_SECRET"`` …) to what it is, for messages.
        """
        return {
            name: {
                end: self.require(f"ROBOT_{suffix}{end}", f"机器人「{name}」的{what}")
                for end, what in parts.items()
            }
            for name, suffix in robots.items()
        }
