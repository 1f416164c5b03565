"""Triage of free-text duty-log entries: a category from a keyword lexicon over jieba words, and
a suggested severity from casualty cues (死亡/受伤/被困/失联 with numbers, Chinese numerals too)
and a direct loss (损失 1200 万元), graded by the thresholds in config; sources in
docs/rules.md §Incident reports."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.core import segment
from models.duty.settings import TriageConfig

SEVERITIES = ("一般", "较大", "重大", "特别重大")
OTHER = "其他"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(\d+|[零〇一二两三四五六七八九十百千]+)\s*(?:余|多)?"
_CUES = {
    "deaths": "死亡|遇难|身亡|丧生|死",
    "injured": "受伤|重伤|轻伤|伤",
    "trapped": "被困|失联|失踪|被埋",
}
_CUE_OF = {word: bucket for bucket, words in _CUES.items() for word in words.split("|")}
_ALL = "|".join(sorted(_CUE_OF, key=len, reverse=True))
_AFTER = re.compile(rf"({_ALL})\s*{_NUM}\s*(?:人|名)")
_BEFORE = re.compile(rf"{_NUM}\s*(?:人|名)\s*(?:已|当场|不同程度)?\s*({_ALL})")
_PAIR = re.compile(rf"{_NUM}\s*死\s*{_NUM}\s*伤")
_LOSS = re.compile(r"损失\s*(?:约|达|超过?|近|逾)?\s*(\d+(?:\.\d+)?)\s*(万|亿)")
BUCKETS = ("deaths", "injured", "trapped", "loss_wan")


def chinese_number(text: str) -> int:
    """``12`` / ``十二`` / ``两百零三`` → int; unreadable text gives 0."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return 0
    return total + current


def casualties(text: str) -> dict[str, int]:
    """The largest count mentioned per bucket (deaths, injured, trapped; loss_wan in 万元)."""
    found: Counter[str] = Counter()

    def note(bucket: str, number: str) -> None:
        found[bucket] = max(found[bucket], chinese_number(number))

    for m in _AFTER.finditer(text):
        note(_CUE_OF[m.group(1)], m.group(2))
    for m in _BEFORE.finditer(text):
        note(_CUE_OF[m.group(2)], m.group(1))
    for m in _PAIR.finditer(text):
        note("deaths", m.group(1))
        note("injured", m.group(2))
    for m in _LOSS.finditer(text):
        wan = float(m.group(1)) * (10000 if m.group(2) == "亿" else 1)
        found["loss_wan"] = max(found["loss_wan"], int(wan))
    return {k: v for k, v in found.items() if v > 0}


@dataclass(frozen=True, slots=True)
class Triage:
    """What the rules make of one text."""

    category: str
    severity: str | None
    keywords: tuple[str, ...]
    casualties: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """For ``dutybot triage`` JSON lines."""
        return {
            "category": self.category,
            "severity": self.severity,
            "keywords": list(self.keywords),
        }


def at_least(severity: str | None, level: str) -> bool:
    """True when ``severity`` is ``level`` or graver."""
    return severity is not None and SEVERITIES.index(severity) >= SEVERITIES.index(level)


class Triager:
    """Classifies texts with one config's lexicon and thresholds."""

    def __init__(self, cfg: TriageConfig) -> None:
        self.cfg = cfg
        self.lexicon = {w: cat for cat, words in cfg.categories.items() for w in words}
        segment.add_words(self.lexicon)

    def severity(self, counts: dict[str, int]) -> str | None:
        """The gravest level any count reaches."""
        graded = None
        for level in SEVERITIES:
            limits = self.cfg.severity.get(level)
            if limits is None:
                continue
            floors = [(k, getattr(limits, k)) for k in BUCKETS]
            if any(floor is not None and counts.get(k, 0) >= floor for k, floor in floors):
                graded = level
        return graded

    def classify(self, text: str) -> Triage:
        """Category by keyword weight (longer keywords weigh more), severity by casualties."""
        score: dict[str, float] = {}
        first: dict[str, int] = {}
        hits: list[str] = []
        for word, start, _ in segment.spans(text):
            category = self.lexicon.get(word)
            if category is None:
                continue
            score[category] = score.get(category, 0) + len(word)
            first.setdefault(category, start)
            if word not in hits:
                hits.append(word)
        # jieba sometimes joins a keyword with its neighbours (大到暴雨): a keyword found only
        # inside another word still counts, at half weight.
        for word, category in self.lexicon.items():
            position = text.find(word)
            if position >= 0 and not any(word in hit for hit in hits):
                score[category] = score.get(category, 0) + len(word) / 2
                first.setdefault(category, position)
                hits.append(word)
        counts = casualties(text)
        if not score:
            return Triage(OTHER, self.severity(counts), (), counts)
        best = max(score, key=lambda c: (score[c], -first[c]))
        return Triage(best, self.severity(counts), tuple(hits), counts)
