"""The ``documents`` section of config.yaml: which 密级 a registration may carry, dialog time."""

from __future__ import annotations

from pydantic import PositiveInt, field_validator

from bot.config import FeatureSection, Section
from bot.core import secrecy


class DocumentsConfig(Section):
    """办文 settings (the time limits are the rule table's ``document.*``)."""

    # 密级 values a registration may name; anything else (绝密, 机密, 秘密 …) is refused.
    secrecy_allowed: tuple[str, ...] = ("非密",)
    dialog_minutes: PositiveInt = 30

    @field_validator("secrecy_allowed")
    @classmethod
    def _not_classified(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        levels = ("绝密", "机密", "秘密")
        bad = [v for v in value if any(level in secrecy.normalise(v) for level in levels)]
        if bad or not value:
            raise ValueError(f"secrecy_allowed 不能为空，也不能含国家秘密密级：{bad}")
        return value


DOCUMENTS = FeatureSection("documents", DocumentsConfig)
