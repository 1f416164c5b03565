"""Triage rules: categories from the committed lexicon, casualty cues with Chinese numerals."""

from __future__ import annotations

import pytest

from bot.app import load_config
from bot.config import DEFAULT_CONFIG
from models.duty.settings import DUTY
from models.duty.triage import Triager, at_least, casualties, chinese_number


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(DUTY.of(load_config(DEFAULT_CONFIG, env={})).triage)


@pytest.mark.parametrize(
    ("text", "number"), [("12", 12), ("十二", 12), ("两百零三", 203), ("十", 10), ("三十五", 35)]
)
def test_chinese_numbers(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_casualty_forms() -> None:
    assert casualties("致1死2伤") == {"deaths": 1, "injured": 2}
    assert casualties("造成三人死亡、十余人受伤") == {"deaths": 3, "injured": 10}
    assert casualties("被困5人，失联两人") == {"trapped": 5}
    assert casualties("伤情稳定") == {}


@pytest.mark.parametrize(
    ("text", "category", "severity"),
    [
        ("河口乡李家村发生山体滑坡，3人被困", "地质灾害", "较大"),
        ("G318国道一辆货车侧翻，致1死2伤", "道路交通", "一般"),
        ("城关镇某厂房发生爆炸，造成十二人死亡", "安全生产", "重大"),
        ("李家村养殖户报告病死鸡二十余只，疑似禽流感", "禽流感/动物疫情", None),
        ("暴雨导致水库水位超警，下游河道漫堤", "防汛", None),
        ("后山林区发现烟点，过火面积约两亩", "森林火灾", None),
        ("某小学食堂疑似食物中毒，30余名学生腹泻呕吐", "公共卫生", None),
        ("百余名工人在县政府门口聚集讨薪", "社会安全", None),
        ("市领导下周来县调研", "其他", None),
    ],
)
def test_categories_and_severity(
    triager: Triager, text: str, category: str, severity: str | None
) -> None:
    result = triager.classify(text)
    assert (result.category, result.severity) == (category, severity)
    assert result.as_dict()["category"] == category


def test_levels_order() -> None:
    assert at_least("重大", "较大") and not at_least("一般", "较大") and not at_least(None, "一般")


def test_labelled_set_stays_above_ninety_percent(triager: Triager) -> None:
    from bench.triage import load

    pairs = load()
    assert len(pairs) >= 200
    right = sum(triager.classify(text).category == category for category, text in pairs)
    assert right / len(pairs) >= 0.9
