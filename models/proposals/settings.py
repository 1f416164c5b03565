"""The ``proposals`` section of config.yaml: how the 建议提案 KPIs count."""

from __future__ import annotations

from typing import Literal

from bot.config import FeatureSection, Section


class ProposalsConfig(Section):
    """建议提案 KPIs."""

    # 满意率 leaves out items whose rating never came back (重庆 §29).
    exclude_unrated: bool = True
    # Ratings counted as satisfied; 基本满意 counts in most places.
    satisfied: tuple[str, ...] = ("满意", "基本满意")
    # 办结率 over all items assigned, or only over those whose reply date has come.
    completion_base: Literal["assigned", "due"] = "assigned"


PROPOSALS = FeatureSection("proposals", ProposalsConfig)
