"""The ``meetings`` section of config.yaml: meeting kinds, who attends for a unit, how often
non-responders are chased and how soon the organiser's live 回执 is edited. Lead times are rules
(``meeting.*`` in the rule table), not settings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from bot.config import FeatureSection, PositiveInt, Section
from bot.core.roles import Role


class MeetingsConfig(Section):
    """办会 (issue 16)."""

    #: Kind → other spellings people type (常务会 for 常务会议); the first key is the default.
    kinds: dict[str, tuple[str, ...]] = {
        "常务会议": ("常务会",),
        "全体会议": ("全体会",),
        "专题会议": ("专题会",),
        "县长办公会议": ("县长办公会",),
        "协调会": ("协调会议",),
    }
    #: A unit named as an attendee means its people holding the first of these roles that
    #: anyone in the unit holds (its leaders; a unit without one sends its liaisons).
    unit_roles: tuple[str, ...] = ("leader", "liaison")
    #: Reminders to non-responders, ``meeting.rsvp_chase`` apart, before ``meeting.rsvp_close``.
    max_chases: Annotated[int, Field(ge=0, le=10)] = 2
    summary_delay_seconds: PositiveInt = 15
    #: /meetings lists meetings starting within this many days.
    upcoming_days: PositiveInt = 30

    @field_validator("unit_roles")
    @classmethod
    def _known_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("unit_roles 至少写一个角色")
        return tuple(Role.parse(r).value for r in value)

    @field_validator("kinds")
    @classmethod
    def _some_kinds(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not value:
            raise ValueError("kinds 至少写一种会议类别")
        return value

    def kind(self, typed: str) -> str | None:
        """The kind ``typed`` names (its name or another spelling), or None."""
        for name, spellings in self.kinds.items():
            if typed == name or typed in spellings:
                return name
        return None


MEETINGS = FeatureSection("meetings", MeetingsConfig)
