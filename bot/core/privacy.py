"""Personal data shown masked: names, phones, ID numbers, in fields and in free text.

One function masks free text everywhere (chat, exports, reports, the audit log): :func:`mask_text`.
One function decides whether an audience may see personal data unmasked: :func:`unmasked_for`.
The rules are in docs/privacy.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.core.messages import ChatKind
from bot.core.roles import Role

# GB 11643-1999: weights of the first 17 digits and the check character for the sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Digits may be written in groups split by one space or dash (139 1234 5678, 139-1234-5678).
_ID = re.compile(r"(?<![\dA-Za-z])\d(?:[ -]?\d){16}[ -]?[\dXx](?![\dA-Za-z])")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d(?:[ -]?\d){8})(?!\d)")
# Area code 0xx/0xxx in brackets, before a space or dash, or glued to a 7–8 digit number.
_LANDLINE = re.compile(
    r"(?<!\d)(?:[(（](0\d{2,3})[)）][ -]?|(0\d{2,3})[ -]|(0\d{2,3})(?=\d{7,8}(?!\d)))"
    r"(\d{3,4}[ -]?\d{4})(?!\d)"
)
# A name after a word that introduces one; 本人 only when a surname follows (本人对…, 本人要求…).
_HAN = "[\u4e00-\u9fff·]"
_NAMED = re.compile(rf"(我叫|姓名[:：]?|联系人[:：]?|来电人[:：]?|信访人[:：]?)\s*({_HAN}{{2,8}})")
_SELF = re.compile(rf"(本人)\s*({_HAN}{{2,8}})")
# Words that end a name when written without punctuation (我叫钱七身份证…).
_AFTER_NAME = re.compile(
    "身份证|电话|手机|联系|家住|住在|住址|现住|今年|性别|年龄|号码|反映|投诉|来电|要求|是|的|在|男|女"
)
# What follows 我叫/联系人/姓名 without being a name (我叫了救护车, 联系人员, 姓名不详).
_NOT_A_NAME = frozenset("了来人他她你们过员不")
_PAIRS = "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯令狐端木西门南宫独孤闻人"
_COMPOUND = frozenset(_PAIRS[i : i + 2] for i in range(0, len(_PAIRS), 2))
# Common surnames, used only after 本人; those that also start everyday words (本人和…, 本人曾…,
# 本人房屋…, 本人申请…) are left out, so such names after 本人 stay unmasked.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔汤温康牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿兰焦俞左柳甘祝包尚符舒阮柯纪梅童凌毕季"
    "裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲滕屈饶牟艾尤阳穆农司卓古吉缪简项芦麦褚娄窦戚岑景"
    "党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝"
)


def mask_name(name: str) -> str:
    """``王小明`` → ``王**``: the surname stays so staff can still address the person."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """``13912345678`` → ``139****5678``."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def id_valid(number: str) -> bool:
    """Whether 18 characters are a resident ID number whose check character (GB 11643) fits."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def _id_like(number: str) -> bool:
    """An ID number, or one mistyped in a digit: 18 characters whose 7th–14th are a birth date
    (a mistyped number is personal data all the same)."""
    if id_valid(number):
        return True
    if not number[:17].isdigit():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _id(match: re.Match[str]) -> str:
    number = re.sub(r"[ -]", "", match.group(0))
    return number[:3] + "*" * 11 + number[-4:] if _id_like(number) else match.group(0)


def _mobile(match: re.Match[str]) -> str:
    return mask_phone(re.sub(r"[ -]", "", match.group(1)))


def _landline(match: re.Match[str]) -> str:
    area = match.group(1) or match.group(2) or match.group(3)
    local = re.sub(r"[ -]", "", match.group(4))
    return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"


def _name_part(run: str) -> str:
    """The name at the start of a run of characters: cut at a word that follows names, at most
    three characters (four with a two-character surname)."""
    stop = _AFTER_NAME.search(run, 2)  # a name has at least two characters
    name = run[: stop.start()] if stop else run
    return name[: 4 if name[:2] in _COMPOUND else 3]


def _named(match: re.Match[str], *, surname: bool) -> str:
    name = _name_part(match.group(2))
    if len(name) < 2 or name[0] in _NOT_A_NAME:
        return match.group(0)
    if surname and name[0] not in _SURNAMES and name[:2] not in _COMPOUND:
        return match.group(0)
    rest = match.group(2)[len(name) :]
    return match.group(0)[: match.start(2) - match.start(0)] + mask_name(name) + rest


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """Free text with personal data masked: ID numbers that pass the GB 11643 check, mobile and
    landline numbers in any spacing, names after 我叫/本人/姓名/联系人/来电人/信访人, and
    each of ``names`` (the record's own person) wherever it appears.

    Example:
        ``我叫钱七，电话136 0000 1234`` → ``我叫钱*，电话136****1234``.
    """
    text = _ID.sub(_id, text)
    text = _MOBILE.sub(_mobile, text)
    text = _LANDLINE.sub(_landline, text)
    text = _NAMED.sub(lambda m: _named(m, surname=False), text)
    text = _SELF.sub(lambda m: _named(m, surname=True), text)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def mask_json(value: Any) -> Any:
    """A JSON-like value (an audit detail) with every string in it masked by :func:`mask_text`."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(item) for item in value]
    return value


def unmasked_for(kind: ChatKind, roles: frozenset[Role], allowed: Iterable[Role]) -> bool:
    """Whether this audience sees personal data unmasked: never in a group (everyone there reads
    it); in a private chat when the reader holds one of the ``allowed`` roles."""
    return kind is ChatKind.PRIVATE and bool(roles & set(allowed))
