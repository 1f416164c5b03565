"""The ``supervision_docs`` section of config.yaml: the 文号 prefix (机关代字) and the issuing
unit of the formal 督查 documents, 督查通知单 and 《督查通报》.

Both documents share one 文号 sequence per year, as documents under one 机关代字 do
(``bot/store/numbers.py``; docs/rules.md §督查通知单 and 督查通报).
"""

from __future__ import annotations

from pydantic import field_validator

from bot.config import FeatureSection, Section


class SupervisionDocsConfig(Section):
    """How 督查 documents are numbered and signed."""

    prefix: str = "县政府办督"
    """机关代字 before 〔year〕: 县政府办督〔2027〕3号."""
    issuer: str = "县人民政府办公室"
    """发文机关署名 under the text."""
    report_masthead: str = "县人民政府办公室督查通报"
    notice_masthead: str = "县人民政府办公室督查通知单"
    contact: str = ""
    """联系人及电话 printed at the foot of a 督查通知单 (empty: left out)."""

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not value.strip() or any(c in value for c in "〔〕[]"):
            raise ValueError("文号前缀只写机关代字，例如 县政府办督（年份和序号由系统生成）")
        return value.strip()

    def number(self, year: int, seq: int) -> str:
        """``县政府办督〔2027〕3号``."""
        return f"{self.prefix}〔{year}〕{seq}号"


SUPERVISION_DOCS = FeatureSection("supervision_docs", SupervisionDocsConfig)
