"""The free-text mask: ID numbers, mobiles, landlines and names go, everything else stays; and
who may read personal data unmasked (never a group)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.messages import ChatKind
from bot.core.privacy import _CHECK, _WEIGHTS, id_valid, mask_json, mask_text, unmasked_for
from bot.core.roles import Role


def _with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]


def test_the_issue_text_is_masked() -> None:
    text = "我叫钱七，身份证410101198001011234，电话13600001234"
    out = mask_text(text)
    assert out == "我叫钱*，身份证410***********1234，电话136****1234"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("电话 139 1234 5678", "1234 5"),
        ("电话139-1234-5678。", "139-1234"),
        ("+8613912345678", "13912345678"),
        ("座机0371-1234567", "123456"),
        ("座机(0371)12345678", "12345678"),
        ("座机（0371）1234-5678", "1234-56"),
        ("座机0371 12345678", "12345678"),
        ("座机037112345678", "12345678"),
        ("身份证号11010519491231002X", "19491231"),
        ("身份证号 1101 0519 4912 3100 2X", "4912 31"),
        ("我叫钱七身份证号码", "钱七"),
        ("姓名：王在明，", "王在明"),
        ("联系人 欧阳娜娜 男", "欧阳娜娜"),
        ("本人张三，家住城关镇", "张三"),
        ("来电人李四反映", "李四"),
    ],
)
def test_each_form_is_masked(text: str, gone: str) -> None:
    assert gone not in mask_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "本人对处理结果不满意",
        "本人要求尽快修复路灯",
        "本人和妻子多次反映，本人曾多次来电",
        "本人房屋开裂，本人申请补助，本人于去年搬入",
        "我叫了救护车，联系人员已到场，姓名不详",
        "工单 12345-20231108-000123 已办结",
        "降雨量120.5mm，2023年11月8日14:30，共 1234567 元",
        "拨打12345或110",
        "123456789012345678 不是身份证号",
    ],
)
def test_ordinary_text_stays(text: str) -> None:
    assert mask_text(text) == text


def test_known_names_are_masked_anywhere() -> None:
    assert mask_text("王小明反映路灯不亮，王小明多次来电", ["王小明", "", "李"]) == (
        "王**反映路灯不亮，王**多次来电"
    )


def test_audit_details_are_masked_inside() -> None:
    detail = {"args": "回复 13912345678", "n": 3, "items": ["本人张三"]}
    assert mask_json(detail) == {"args": "回复 139****5678", "n": 3, "items": ["本人张*"]}


@given(st.from_regex(r"\A\d{17}\Z"))
def test_every_checked_id_number_is_masked(first17: str) -> None:
    number = _with_check(first17)
    assert id_valid(number)
    for spaced in (number, f"{number[:6]} {number[6:14]} {number[14:]}"):
        out = mask_text(f"身份证{spaced}。")
        assert number not in out.replace(" ", "") and number[-4:] in out


NO_DIGITS = st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=8)


@given(st.from_regex(r"\A1[3-9]\d{9}\Z"), st.sampled_from(["", " ", "-"]), NO_DIGITS)
def test_every_mobile_is_masked(number: str, sep: str, around: str) -> None:
    written = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    out = mask_text(f"{around}：{written}。")
    assert out == f"{around}：{number[:3]}****{number[7:]}。"


@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=40))
def test_text_without_digits_or_name_words_is_unchanged(text: str) -> None:
    if not any(word in text for word in ("我叫", "本人", "姓名", "联系人", "来电人", "信访人")):
        assert mask_text(text) == text


@given(st.text(max_size=60))
def test_masking_twice_changes_nothing_more(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


def test_a_group_never_sees_personal_data_and_a_private_chat_by_role() -> None:
    allowed = (Role.SUPERVISOR,)
    supervisor = frozenset({Role.SUPERVISOR})
    assert not unmasked_for(ChatKind.GROUP, supervisor, allowed)
    assert unmasked_for(ChatKind.PRIVATE, supervisor, allowed)
    assert not unmasked_for(ChatKind.PRIVATE, frozenset({Role.OFFICER}), allowed)
