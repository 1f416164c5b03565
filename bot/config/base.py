"""Configuration building blocks shared by every section: strict sections and common types."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
#: The suffix of a DUTYBOT_… environment variable that holds a secret named in config.
EnvSuffix = Annotated[str, Field(pattern=r"^[A-Z0-9_]{1,40}$")]


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and the expected form."""


class Section(BaseModel):
    """Base for every section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_yaml(text: str) -> Any:
    """Parse YAML safely, by libyaml's C loader when PyYAML has it (10× the pure-Python one).

    Raises:
        yaml.YAMLError: ``text`` is not YAML.
    """
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
