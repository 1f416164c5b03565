"""The ``bulletin`` section of config.yaml: who issues 值班信息/要情快报 and the 值班日报, and
whether the 值班日报 is pushed at each shift's end.

The shift times themselves are ``duty.shifts`` (each roster slot keeps its start and end); the
numbering is per masthead and year (``bot/store/numbers.py``; docs/rules.md
§值班信息 and 值班日报).
"""

from __future__ import annotations

from typing import Literal

from bot.config import FeatureSection, Section

#: The two mastheads a duty bulletin may carry; each has its own 期号 per year.
MASTHEADS = ("值班信息", "要情快报")
Masthead = Literal["值班信息", "要情快报"]


class BulletinConfig(Section):
    """报送单位 and the 值班日报's push."""

    issuer: str = "县人民政府办公室"
    """报送单位, on the number line and under the text of every bulletin and 值班日报."""
    daily_report: bool = True
    """Push the 值班日报 to the leaders when each roster slot ends."""
    daily_masthead: str = "值班日报"


BULLETIN = FeatureSection("bulletin", BulletinConfig)
