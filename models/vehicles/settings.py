"""The ``vehicles`` section of config.yaml: request bounds and who reads drivers' phones."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config import FeatureSection, Section
from bot.core.roles import Role


class VehiclesConfig(Section):
    """公车调派 (docs/rules.md §公车调派 vehicles). The reminder lead time is the rule
    ``vehicle.remind`` of the rule table, not a setting here."""

    # More passengers than any vehicle of a county fleet carries is a typo (a 中型客车 has 19).
    max_passengers: Annotated[int, Field(gt=0, le=99)] = 50
    # A booking longer than this is refused: a trip of a week is planned with the office.
    max_days: Annotated[int, Field(gt=0, le=31)] = 7
    # Roles that read drivers' phones unmasked in a private chat (bot/core/privacy.py).
    unmasked_roles: tuple[Role, ...] = (Role.DISPATCHER, Role.ADMIN)
    # A 拒绝 without a reason asks for it; the question lapses after this long.
    dialog_minutes: Annotated[int, Field(gt=0)] = 15


VEHICLES = FeatureSection("vehicles", VehiclesConfig)
