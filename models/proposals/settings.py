"""The ``proposals`` section of config.yaml: how the 建议提案 KPIs count."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from bot.config import FeatureSection, Section

# Ways of contacting the deputy or member that /proposal_met records.
MODES = ("面商", "电话", "座谈", "走访")


class ProposalsConfig(Section):
    """建议提案 KPIs."""

    # 满意率 leaves out items whose rating never came back (重庆 §29).
    exclude_unrated: bool = True
    # Ratings counted as satisfied; 基本满意 counts in most places.
    satisfied: tuple[str, ...] = ("满意", "基本满意")
    # 按期办复率 over all items assigned, or only over those whose reply date has come.
    completion_base: Literal["assigned", "due"] = "assigned"
    # Contacts that count for 见面率 (met in person) and for 沟通率 (any direct contact).
    meet_modes: tuple[str, ...] = ("面商", "座谈", "走访")
    contact_modes: tuple[str, ...] = MODES

    @field_validator("meet_modes", "contact_modes")
    @classmethod
    def _known_modes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [m for m in value if m not in MODES]
        if unknown or not value:
            raise ValueError(f"联系方式应从 {'、'.join(MODES)} 中选，且不能为空：{unknown}")
        return value


PROPOSALS = FeatureSection("proposals", ProposalsConfig)
