"""The ``submissions`` section of config.yaml: how often 催报 repeats, the limits on what a unit
sends, and when a holiday roster task opens by itself."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config import FeatureSection, PositiveInt, Section
from bot.core.roles import Role


class RosterConfig(Section):
    """值班表报备 before each statutory holiday."""

    auto_open_days: Annotated[int, Field(ge=0)] = 10
    """Open the task this many days before the holiday starts (0 = only by hand)."""
    units: tuple[str, ...] = ("乡镇", "部门")
    """Who reports: unit kinds (乡镇/部门), 全部, or unit names."""
    max_rows: PositiveInt = 200


class SubmissionsConfig(Section):
    """信息报送 and 值班表报备 (issue 16)."""

    chase_rounds: Annotated[int, Field(ge=0)] = 2
    """Overdue 催报 rounds (spaced by rule ``submission.chase``); then the organiser is told."""
    max_text_chars: Annotated[int, Field(gt=0, le=3500)] = 3000
    max_file_kb: PositiveInt = 512
    dialog_minutes: PositiveInt = 30
    """How long a bare ``/submit 编号`` waits for the content."""
    unmasked_roles: tuple[Role, ...] = (Role.OFFICER,)
    """Who reads roster phones unmasked, in private chats only (docs/privacy.md)."""
    unit_groups: dict[str, tuple[str, ...]] = {}
    """Named lists of units a task may be sent to (防汛成员单位: [县水利局, 城关镇])."""
    roster: RosterConfig = RosterConfig()


SUBMISSIONS = FeatureSection("submissions", SubmissionsConfig)
