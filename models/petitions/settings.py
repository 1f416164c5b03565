"""The ``petitions`` section of config.yaml: who sees petitioners unmasked, when the §34 clock
starts and who may approve its extension."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from bot.config import FeatureSection, Section
from bot.core.roles import Role


class PetitionsConfig(Section):
    """信访: masking, the 办结 clock's start, who extends it (docs/rules.md §信访 petitions)."""

    # Roles that see petitioners' names and phones unmasked (others: 王** 139****5678).
    unmasked_roles: tuple[Role, ...] = (Role.SUPERVISOR,)
    # §34 counts 60 日 from 受理: at 转办 (forward, the earlier and stricter start) or when the
    # handling unit records its 受理 (accept, /petition_accept).
    conclude_from: Literal["forward", "accept"] = "forward"
    # §34: an extension needs the approval of the handling body's head. Roles that hold it …
    extension_roles: tuple[Role, ...] = (Role.SUPERVISOR, Role.LEADER)
    # … and people of a handling unit who hold it for their own unit's items ("县水利局/孙伟":
    # the unit's head, or a liaison the head has 授权).
    extension_holders: tuple[str, ...] = ()

    @field_validator("extension_holders")
    @classmethod
    def _unit_and_name(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for holder in value:
            unit, sep, name = holder.partition("/")
            if not (sep and unit.strip() and name.strip()):
                raise ValueError(f"「{holder}」应写作 单位/姓名，例如 县水利局/孙伟")
        return tuple(h.replace(" ", "") for h in value)


PETITIONS = FeatureSection("petitions", PetitionsConfig)
