"""`dutybot triage`: classify duty-log lines from stdin, one JSON object per line, to check the
lexicon and thresholds in config.yaml on real text."""

from __future__ import annotations

import json
import sys

from bot.cli.common import config
from models.duty_triage import Triager


def triage() -> None:
    """从标准输入逐行研判分类与级别，每行输出一个 JSON (classify stdin lines)."""
    triager = Triager(config().duty.triage)
    for line in sys.stdin:
        text = line.strip()
        if text:
            print(json.dumps(triager.classify(text).as_dict(), ensure_ascii=False), flush=True)
