"""The ``tickets`` section of config.yaml: 12345 API clients, deadline rules, duplicates, search
words and where chat steps are posted back."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config import EnvSuffix, FeatureSection, PositiveInt, Section, WebhookTarget
from bot.core.roles import Role


class TicketsConfig(Section):
    """12345 工单: API clients, deadline rules by category, pushes, duplicates, search words.

    ``api_clients`` maps a client name to an environment suffix: its API key is read from
    ``DUTYBOT_API_KEY_<SUFFIX>``, never from this file.
    """

    api_clients: dict[str, EnvSuffix] = {}
    default_rule: str = "hotline.handle"
    category_rules: dict[str, str] = {
        "咨询": "hotline.consult",
        "求助": "hotline.help",
        "建议": "hotline.help",
        "投诉": "hotline.complaint",
        "举报": "hotline.complaint",
    }
    urgent_rule: str | None = "hotline.life_safety"
    supervise_after_overdue: Annotated[int, Field(ge=0)] = 2
    # The escalation also opens a 督办 item (source 12345) due after ``supervise_rule``.
    supervise_item: bool = True
    supervise_rule: str = "hotline.supervise"
    duplicate_days: PositiveInt = 30
    duplicate_similarity: Annotated[float, Field(gt=0, le=1)] = 0.5
    satisfied: tuple[str, ...] = ("满意", "基本满意")
    dictionary: tuple[str, ...] = ("路灯", "不亮", "井盖", "噪音", "扰民", "积水", "12345热线")
    webhook: WebhookTarget = WebhookTarget()
    # Roles that read callers' names, phones and the 诉求 unmasked, in a private chat only.
    unmasked_roles: tuple[Role, ...] = ()


TICKETS = FeatureSection("tickets", TicketsConfig)
