"""The ``tickets`` section of config.yaml: 12345 API clients, deadline rules, duplicates, search
words and where chat steps are posted back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from bot.config import EnvSuffix, FeatureSection, PositiveInt, Section, WebhookTarget
from bot.core.roles import Role

Operation = Literal["read", "create", "update", "visit", "close"]
OPERATIONS: tuple[Operation, ...] = ("read", "create", "update", "visit", "close")
# The operations' names in a refusal.
OPERATION_NAMES: dict[str, str] = {
    "read": "查询",
    "create": "新建",
    "update": "修改",
    "visit": "回访",
    "close": "办结",
}


class ApiClient(Section):
    """One client of the ticket API: where its key is, which tickets and operations it may use.

    ``scope: own`` (the default) limits the client to the tickets it created; ``all`` lets it
    read and write every ticket (the 12345 platform itself, when it also owns imported ones).
    """

    key: EnvSuffix
    scope: Literal["own", "all"] = "own"
    operations: frozenset[Operation] = frozenset(OPERATIONS)


class ApiLockout(Section):
    """Failed keys per remote address: after ``failures`` within ``window_seconds`` the address
    is answered 429 until the oldest of them is out of the window."""

    failures: PositiveInt = 10
    window_seconds: PositiveInt = 300


class TicketsConfig(Section):
    """12345 工单: API clients, deadline rules by category, pushes, duplicates, search words.

    ``api_clients`` maps a client name to :class:`ApiClient` (or, the short form, just its
    environment suffix): its API key is read from ``DUTYBOT_API_KEY_<SUFFIX>``, never from
    this file.
    """

    api_clients: dict[str, ApiClient] = {}
    api_lockout: ApiLockout = ApiLockout()
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

    @field_validator("api_clients", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        """``{hotline: HOTLINE}`` is ``{hotline: {key: HOTLINE}}``."""
        if isinstance(value, dict):
            return {k: {"key": v} if isinstance(v, str) else v for k, v in value.items()}
        return value


TICKETS = FeatureSection("tickets", TicketsConfig)
