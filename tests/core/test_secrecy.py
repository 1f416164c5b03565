"""Secrecy guard: the marking forms, normalisation, redaction of outbound payloads, and that the
bot's own words about secrecy pass the guard."""

from __future__ import annotations

import json

import pytest

from bot.core import redaction, secrecy
from bot.core.secrecy import Form
from models.tickets.ingest import CLASSIFIED


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("机密★5年", Form.STARRED),
        ("机 密★ 关于防汛物资储备的报告", Form.STARRED),
        ("秘密☆1年", Form.STARRED),
        ("机密*10年", Form.STARRED),
        ("密级：机 密", Form.FIELD),
        ("密級：機密", Form.FIELD),
        ("保密等级为秘密", Form.FIELD),
        ("★10年 会议纪要", Form.TERM),
        ("★十年", Form.TERM),
        ("★长期", Form.TERM),
        ("【机密】关于", Form.BRACKETED),
        ("（秘密）", Form.BRACKETED),
        ("秘密 级材料", Form.HEADING),
        ("机密\n关于防汛", Form.HEADING),
        ("会议纪要 绝密", Form.HEADING),
        ("**机密**", Form.HEADING),
        ("㊙ 会议纪要", Form.HEADING),
        ("今天防汛会商，★★★重要", None),
        ("5★好评", None),
        ("★10年来，我县防汛工作取得显著成效", None),
        ("非密 公开信息", None),
        ("这是一份绝密文件", None),  # a level word in a sentence, not a marking
        ("关于机密文件管理培训的通知", None),
        ("请注意防火秘密通道", None),
        ("开展保守国家秘密法宣传周活动", None),
        ("国家秘密的密级分为绝密、机密、秘密三级", None),
        ("密级：绝密、机密、秘密", None),
        ("“机密”和“秘密”有什么区别", None),
    ],
)
def test_forms(text: str, form: Form | None) -> None:
    found = secrecy.find(text)
    assert (found.form if found else None) is form


@pytest.mark.parametrize(
    "hidden",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\ufe0f", "\U000e0041"],
)
def test_invisible_characters_inside_the_level_word_are_ignored(hidden: str) -> None:
    assert secrecy.find(f"机{hidden}密★1年 关于防汛的请示") is not None
    assert secrecy.normalise(f"机{hidden}密") == "机密"


def test_traditional_circled_and_variant_forms_are_folded() -> None:
    assert (
        secrecy.normalise("絕密 機密 祕密 密級 長期 五個月") == "绝密 机密 秘密 密级 长期 五个月"
    )
    assert secrecy.normalise("㊙★1年") == "秘密★1年"
    assert secrecy.normalise("㊙密") == "秘密"
    assert secrecy.normalise("宻级：ＭＭ（１０年）") == "密级:MM(10年)"


def test_text_without_密_or_a_star_cannot_become_a_marking() -> None:
    """The guard passes such text without normalising it: no character folds into 密 or a star
    (every code point of planes 0–3 and the tags, in one pass; planes 4–13 are unassigned and
    15–16 private use)."""
    trigger = set("密宻㊙" + secrecy.STARS)
    codes = [*range(0x40000), *range(0xE0000, 0xE1000)]
    chars = [chr(c) for c in codes if not 0xD800 <= c <= 0xDFFF and c != 0x0A]
    chars = [c for c in chars if c not in trigger]
    folded = secrecy.normalise("\n".join(chars)).split("\n")
    assert len(folded) == len(chars)
    assert [c for c, f in zip(chars, folded, strict=True) if set(f) & trigger] == []


def test_find_in_names_the_field() -> None:
    body = {"content": "正常内容", "co_units": ["城关镇", "机密★1年"]}
    found = secrecy.find_in(body)
    assert found is not None and found[0] == "co_units.1"
    assert secrecy.find_in({"机密★1年": "x"}) is not None  # keys too
    assert secrecy.find_in({"content": "正常", "n": 3, "ok": None}) is None


def test_the_bots_own_words_pass_the_guard() -> None:
    for form in Form:
        assert secrecy.find(secrecy.refusal(secrecy.Finding(form))) is None
        assert secrecy.find(f"{CLASSIFIED}（{form.value}）") is None
    assert secrecy.find(redaction.REDACTED) is None
    assert secrecy.find(redaction.FILE_DROPPED) is None


def test_redact_replaces_marked_lines_and_keeps_the_rest() -> None:
    text = "值班安排如下：\n11-26 全天 带班：李明 电话：机密★1年\n11-27 全天 带班：王刚"
    assert redaction.redact(text) == (
        f"值班安排如下：\n{redaction.REDACTED}\n11-27 全天 带班：王刚"
    )
    assert redaction.redact("机\n密★") == redaction.REDACTED  # spread over two lines
    assert redaction.redact("没有标识") == "没有标识"


def test_redact_keeps_a_json_document_one() -> None:
    step = {"number": "12345-1", "note": "秘密★1年 回复内容", "steps": ["签收", "【机密】"]}
    out = json.loads(redaction.redact(json.dumps(step, ensure_ascii=False)))
    assert out == {
        "number": "12345-1",
        "note": redaction.REDACTED,
        "steps": ["签收", redaction.REDACTED],
    }


def test_screen_drops_marked_buttons_and_files_and_flags_the_payload() -> None:
    payload = {
        "text": "请查收",
        "format": "text",
        "buttons": [
            [{"label": "收到", "command": "收到 1"}, {"label": "机密★", "command": "x"}],
            [{"label": "【秘密】", "command": "y"}],
        ],
        "attachment": {"name": "机密★5年名单.xlsx", "mime": "application/x", "size": 3},
    }
    out, found = redaction.screen(payload)
    assert found is not None and out[redaction.FLAG] == found.reason
    assert out["buttons"] == [[{"label": "收到", "command": "收到 1"}]]
    assert "attachment" not in out
    assert out["text"] == f"请查收\n{redaction.FILE_DROPPED}"
    clean = {"text": "请查收", "format": "text"}
    assert redaction.screen(clean) == (clean, None)
    assert redaction.screen(clean)[0] is clean
