"""The ``petitions`` section of config.yaml: who sees petitioners unmasked."""

from __future__ import annotations

from bot.config import FeatureSection, Section
from bot.core.roles import Role


class PetitionsConfig(Section):
    """信访: roles that see petitioners' names and phones unmasked (others: 王** 139****5678)."""

    unmasked_roles: tuple[Role, ...] = (Role.SUPERVISOR,)


PETITIONS = FeatureSection("petitions", PetitionsConfig)
