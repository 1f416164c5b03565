"""The rule table (config key ``rules``): every time limit the bot computes, with its source.

The committed config.yaml holds the defaults; a county's config overrides a rule, or only some
fields of it (``hotline.handle: {amount: 3}``), and keeps the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from bot.config.base import load_yaml

COMMITTED = Path(__file__).resolve().parents[2] / "config.yaml"
TimeUnit = Literal["分钟", "小时", "自然日", "工作日", "月"]
Domain = Literal["信访", "建议提案", "12345", "督办", "信息报送", "公车", "会务", "公文"]
DOMAINS: tuple[str, ...] = get_args(Domain)
DAY_UNITS: tuple[str, ...] = ("自然日", "工作日", "月")


class TimeRule(BaseModel):
    """One time limit, with the document and clause it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    domain: Domain
    amount: Annotated[int, Field(gt=0)]
    unit: TimeUnit
    # 次日起算: the start day is not counted (民法典 §201); 当日: it is day one ("含本数").
    start: Literal["当日", "次日"] = "次日"
    # 民法典 §203: a day deadline ending on a day off moves to the next working day.
    roll_to_workday: bool = True
    extension_max: Annotated[int, Field(gt=0)] | None = None
    source: str
    clause: str = ""
    # A provincial/municipal/county value kept as the default, not national law.
    local: bool = False

    @property
    def limit(self) -> str:
        """``60自然日，次日起算，末日逢休息日顺延，可延期至多 30自然日``."""
        text = f"{self.amount}{self.unit}"
        if self.unit in DAY_UNITS:
            text += f"，{self.start}起算"
        if self.roll_to_workday and self.unit in ("自然日", "月"):
            text += "，末日逢休息日顺延"
        if self.extension_max:
            text += f"，可延期至多 {self.extension_max}{self.unit}"
        return text

    @property
    def basis(self) -> str:
        """The source and clause, flagged when it is only a local default."""
        flag = "【地方默认，请按本县规定核定】" if self.local else ""
        return f"{self.source} {self.clause}".strip() + flag


def _committed() -> dict[str, Any]:
    try:
        raw = load_yaml(COMMITTED.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    rules = raw.get("rules") if isinstance(raw, dict) else None
    return dict(rules) if isinstance(rules, dict) else {}


class RuleTable(RootModel[dict[str, TimeRule]]):
    """Every time limit by id (``petition.forward`` …), committed defaults under the given ones."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _with_defaults(cls, data: Any) -> Any:
        given = data.root if isinstance(data, RuleTable) else dict(data or {})
        merged = _committed()
        for rule_id, fields in given.items():
            base = merged.get(rule_id)
            if isinstance(base, dict) and isinstance(fields, dict):
                fields = {**base, **fields}
            merged[rule_id] = fields
        return merged

    @classmethod
    def committed(cls) -> RuleTable:
        """The committed table alone."""
        return cls.model_validate({})

    def __getitem__(self, rule_id: str) -> TimeRule:
        """The rule; a KeyError names the missing id (the code and the table disagree)."""
        try:
            return self.root[rule_id]
        except KeyError:
            raise KeyError(
                f"rules.{rule_id}：规则表中没有这条时限，请在 config.yaml 补上"
            ) from None

    def items(self) -> list[tuple[str, TimeRule]]:
        """(id, rule) in table order."""
        return list(self.root.items())
