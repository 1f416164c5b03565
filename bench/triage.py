"""Triage of duty-log lines: category accuracy on a labelled set and lines per second, against a
baseline of plain substring matching (the first category with any keyword in the text)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.app import load_config
from bot.config import DEFAULT_CONFIG
from models.duty.settings import DUTY, TriageConfig
from models.duty.triage import OTHER, Triager

DATA = Path(__file__).parent / "triage_labelled.tsv"


def load(path: Path = DATA) -> list[tuple[str, str]]:
    """(category, text) pairs; lines starting with # are comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            category, _, text = line.partition("\t")
            pairs.append((category, text))
    return pairs


def substring_baseline(cfg: TriageConfig) -> Callable[[str], str]:
    """The obvious first attempt: no segmentation, first category with a keyword in the text."""

    def classify(text: str) -> str:
        for category, words in cfg.categories.items():
            if any(w in text for w in words):
                return category
        return OTHER

    return classify


def _measure(
    classify: Callable[[str], str], pairs: list[tuple[str, str]], rounds: int
) -> dict[str, Any]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for category, text in pairs:
        total[category] += 1
        got = classify(text)
        if got == category:
            right[category] += 1
        else:
            misses.append(f"{category}→{got}：{text}")
    start = time.perf_counter()
    for _ in range(rounds):
        for _, text in pairs:
            classify(text)
    elapsed = time.perf_counter() - start
    return {
        "accuracy": round(sum(right.values()) / len(pairs), 4),
        "per_category": {c: round(right[c] / total[c], 3) for c in sorted(total)},
        "lines_per_second": round(rounds * len(pairs) / elapsed),
        "misses": misses,
    }


def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench triage [ROUNDS]``: accuracy per category and speed, rules vs baseline."""
    rounds = int(argv[0]) if argv else 20
    cfg = DUTY.of(load_config(DEFAULT_CONFIG, env={})).triage
    pairs = load()
    triager = Triager(cfg)
    rules = _measure(lambda t: triager.classify(t).category, pairs, rounds)
    baseline = _measure(substring_baseline(cfg), pairs, rounds)
    print(f"标注集 {len(pairs)} 条，{len({c for c, _ in pairs})} 个类别，每种方法计时 {rounds} 轮")
    for name, result in (("jieba+词表", rules), ("子串基线", baseline)):
        print(f"{name}: 准确率 {result['accuracy']:.1%}，{result['lines_per_second']} 行/秒")
        for category, share in result["per_category"].items():
            print(f"  {category}: {share:.0%}")
    for miss in rules["misses"]:
        print(f"  误判 {miss}")
    return {
        "lines": len(pairs),
        "accuracy": rules["accuracy"],
        "per_category": rules["per_category"],
        "lines_per_second": rules["lines_per_second"],
        "baseline_accuracy": baseline["accuracy"],
        "baseline_lines_per_second": baseline["lines_per_second"],
        "misses": len(rules["misses"]),
    }
