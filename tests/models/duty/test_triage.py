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
    assert casualties("直接经济损失约1200万元") == {"loss_wan": 1200}
    assert casualties("损失达1.5亿元，2人受伤") == {"loss_wan": 15000, "injured": 2}


@pytest.mark.parametrize(
    ("text", "category", "severity"),
    [
        # trapped people are no outcome yet: 一般 at least, never graded like deaths
        ("河口乡李家村发生山体滑坡，3人被困", "地质灾害", "一般"),
        # 生产安全事故 §3 / 火灾 grading: deaths 1–2 一般, 3–9 较大
        ("城关镇某小区发生火灾，3人被困，1人死亡", "城乡火灾", "一般"),
        ("城关镇某小区发生火灾，造成2人死亡", "城乡火灾", "一般"),
        ("居民楼着火，3人死亡", "城乡火灾", "较大"),
        ("村民自建房失火，9人死亡", "城乡火灾", "较大"),
        ("商场火灾造成10人死亡", "城乡火灾", "重大"),
        ("仓库火灾，9人受伤", "城乡火灾", "一般"),
        ("仓库火灾，10人受伤", "城乡火灾", "较大"),
        ("厂房起火，直接经济损失约1200万元", "安全生产", "较大"),
        ("某化工厂爆炸，死亡29人", "安全生产", "重大"),
        ("某化工厂爆炸，死亡30人", "安全生产", "特别重大"),
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
