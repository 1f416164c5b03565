"""Secrecy guard (涉密不上网): finds a 密级 marking however it is spaced, spelt or disguised.

The bot runs on a non-classified network, so text that carries a marking is refused before it is
stored, logged or audited, and outbound text is redacted (docs/rules.md §Secrecy markings). Text
is normalised first (NFKC, invisible characters removed, traditional → simplified with OpenCC),
then matched against the forms a marking takes; a level word inside an ordinary phrase
(机密文件管理培训, 防火秘密通道, 保守国家秘密法) is not a marking.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bot.core.messages import IncomingMessage

if TYPE_CHECKING:
    from opencc import OpenCC


class Form(enum.Enum):
    """The forms a marking takes; the value says it in the refusal (without quoting the text)."""

    FIELD = "写明了密级栏"  # 密级：机密, 保密等级为秘密
    STARRED = "密级词后带★及保密期限"  # 机密★10年, 秘密☆, 机密*5年
    TERM = "★后带保密期限"  # ★十年, ★长期
    BRACKETED = "括号内标注了密级"  # 【机密】, （秘密）, [绝密]
    HEADING = "密级词作标题或单独成词"  # 机密 关于…, a line that is only 秘密


@dataclass(frozen=True, slots=True)
class Finding:
    """A marking was found; ``form`` says which kind, never the text."""

    form: Form

    @property
    def reason(self) -> str:
        """The reason as the user reads it."""
        return self.form.value

    @property
    def detail(self) -> dict[str, str]:
        """What an audit row keeps of a refusal: the form, never the text."""
        return {"form": self.form.name}


# Removed before matching: format characters (zero-width space/joiners, word joiner, BOM, soft
# hyphen, bidi controls, tags), combining marks, variation selectors and blank fillers.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x0300, 0x036F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x20D0, 0x20FF),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFE20, 0xFE2F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xE0000, 0xE0FFF),
)
_INVISIBLE = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _INVISIBLE_RANGES) + "]"
)
_CIRCLED_SECRET = re.compile("㊙密?")  # ㊙ (the circled 秘) stands for 秘密, with or without 密

STARS = "★☆✦✧✩✪✫✬✭✮✯✰✱✲✳✴✵✶✷✸✹✺⋆⭐🌟⁎∗"
# Every marking holds 密 or a star, and normalising makes one only from these characters
# (tests/core/test_secrecy.py checks every code point): text without them is passed at once.
_TRIGGER = re.compile(f"[密宻㊙{STARS}]")
_OPEN, _CLOSE = "【〔〖〈<[(", "】〕〗〉>])"
# Whitespace and punctuation someone may put inside a marking to slip past a plain search.
_GAP = f"(?:[^\\w{re.escape(STARS + _OPEN + _CLOSE)}]|_)"
_G = f"{_GAP}{{0,3}}"
_LEVEL = f"(?:绝{_G}密|机{_G}密|秘{_G}密)"
_STAR = f"[{STARS}]"
_NUMBER = "[0-9〇零一二两三四五六七八九十百]"
# A term such as 10年, 六个月, 长期 (not a time phrase: 10年来, 2年内, 5年前)
_TERM = f"(?:{_NUMBER}(?:{_G}{_NUMBER}){{0,5}}{_G}(?:年(?![来间前后内以])|个{_G}月)|长{_G}期)"
_GRADE = f"(?:{_G}级)?"
_FORMS = re.compile(
    # The look-ahead lets the search skip, cheaply, every position no form can start at.
    f"(?=[密保绝机秘{STARS}{re.escape(_OPEN)}]|^)(?:"
    + "|".join(
        (
            # 密级：机密 (but not 密级：绝密、机密、秘密, which lists the levels)
            f"(?P<FIELD>(?:密{_G}级|保{_G}密{_G}等{_G}级){_G}(?:为|是|定为)?{_G}{_LEVEL}"
            f"(?!(?:{_GAP}|[和或及与至]){{0,4}}{_LEVEL}))",
            f"(?P<STARRED>{_LEVEL}{_GRADE}{_G}(?:{_STAR}|\\*{_G}{_TERM}))",
            f"(?P<TERM>{_STAR}{_G}{_TERM})",
            f"(?P<BRACKETED>[{re.escape(_OPEN)}]{_G}{_LEVEL}{_GRADE}{_G}[{re.escape(_CLOSE)}])",
            # alone: at a line's start (after any bullet or heading mark) or after a space, and
            # followed by a space, a colon, a dash (机密-名单.xlsx) or only punctuation to the
            # line's end; 机密、秘密 at a line's start lists the levels
            f"(?P<HEADING>(?:^[^\\w\\n“”\"'‘’「『]*|(?<=\\s)){_LEVEL}{_GRADE}"
            "(?=[\\s:\\-_—|]|[^\\w\\n]*$))",
        )
    )
    + ")",
    re.MULTILINE,
)


@cache
def _converter() -> OpenCC:
    from opencc import OpenCC

    return OpenCC("t2s")


def normalise(text: str) -> str:
    """``text`` as the guard reads it: invisibles gone, compatibility forms folded (NFKC),
    traditional characters simplified."""
    if "㊙" in text:
        text = _CIRCLED_SECRET.sub("秘密", text)
    # 宻 is a variant of 密 that OpenCC leaves alone.
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).replace("宻", "密")
    return str(_converter().convert(text))


def find(text: str) -> Finding | None:
    """The first marking in ``text``, or None."""
    if not text or _TRIGGER.search(text) is None:
        return None
    found = _FORMS.search(normalise(text))
    return Finding(Form[found.lastgroup]) if found and found.lastgroup else None


def find_any(*texts: str) -> Finding | None:
    """The first marking in any of ``texts``."""
    return next((f for text in texts if (f := find(text)) is not None), None)


def in_message(msg: IncomingMessage) -> Finding | None:
    """A marking in anything of ``msg`` that could be stored (a group's name, a file's name)."""
    name = msg.file.name if msg.file is not None else ""
    return find_any(msg.text, msg.chat_title, msg.sender_name, name)


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value (keys included) with its dotted path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _strings(item, inner)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def find_in(value: object) -> tuple[str, Finding] | None:
    """The path of the first string in a JSON-like ``value`` that carries a marking."""
    for path, text in _strings(value):
        if (found := find(text)) is not None:
            return path, found
    return None


def refusal(finding: Finding, channel: str = "机要室、机要交换站、机要交通") -> str:
    """The Chinese answer to a refused message: why, what happened to it, where to go
    (``channel``: the 机要 channel of the county, config ``inbox.classified_channel``)."""
    return (
        f"您的消息含密级标识（{finding.reason}）。按「涉密不上网、上网不涉密」的规定，"
        "本机器人不处理、不保存这条消息，也未记录其内容。"
        f"涉密事项请通过机要渠道（{channel}）办理；如属误判，请改写相关字样后重发。"
    )
