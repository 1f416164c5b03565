"""Reading a JSON request body safely: media type, UTF-8, nesting depth, control characters,
one object.

A body that fails a check is answered with :class:`BadBody`'s status and its Chinese + English
message; nothing of it reaches a handler, and no parser error (RecursionError among them)
escapes as a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

JSON = "application/json"
MAX_DEPTH = 32  # a ticket is two levels deep; anything far deeper is not a ticket
# C0 controls but tab, line feed and carriage return: no text needs them, and PostgreSQL
# refuses U+0000 in any text column.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class BadBody(Exception):
    """A request body refused: ``status`` (400 or 415) and the message to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class TooDeep(ValueError):
    """JSON nested more deeply than allowed (a ValueError, as any other bad JSON)."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def nesting(value: object) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in item)
    return deepest


def loads(data: str | bytes, max_depth: int = MAX_DEPTH, *, strict: bool = False) -> Any:
    """``json.loads`` for data from outside: never a RecursionError.

    Args:
        data: The JSON text (bytes are decoded as UTF-8).
        max_depth: The deepest nesting accepted.
        strict: Refuse ``NaN`` and ``Infinity`` too (they are not JSON).

    Raises:
        TooDeep: nested more deeply than ``max_depth``.
        ValueError: not JSON (UnicodeDecodeError for bytes that are not UTF-8).
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        value = json.loads(text, parse_constant=_no_constant) if strict else json.loads(text)
    except RecursionError:  # deeper than the parser goes: certainly deeper than allowed
        raise TooDeep(f"JSON nested deeper than {max_depth}") from None
    if nesting(value) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth}")
    return value


def control_character(text: str) -> str | None:
    """``U+0000`` for the first control character in ``text`` that no text needs, else None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def plain_text(*texts: str) -> None:
    """Refuse a path part, key or string holding a :func:`control_character`.

    Raises:
        BadBody: 400 naming the character.
    """
    for text in texts:
        if code := control_character(text):
            raise BadBody(400, f"请求含控制字符 {code}，请删除后重发（control character {code})")


def _texts(value: object) -> list[str]:
    """Every key and string in ``value``."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def parse_object(raw: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """``raw`` as a JSON object nested at most ``max_depth`` levels.

    Raises:
        BadBody: 400 when it is not UTF-8 JSON, not an object, nested too deeply, or holds a
            control character.
    """
    try:
        value = loads(raw, max_depth, strict=True)
    except UnicodeDecodeError:
        raise BadBody(400, "请求体须为 UTF-8 编码（body must be UTF-8）") from None
    except TooDeep:
        raise BadBody(
            400,
            f"请求体嵌套超过 {max_depth} 层，请展平数据（JSON nested deeper than {max_depth})",
        ) from None
    except ValueError:
        raise BadBody(400, "请求体不是合法的 JSON（body is not valid JSON）") from None
    if not isinstance(value, dict):
        raise BadBody(400, "请求体应为 JSON 对象（body must be a JSON object）")
    plain_text(*_texts(value))
    return value


async def read_object(request: web.Request, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The request's body as a JSON object; only ``Content-Type: application/json`` is read.

    Raises:
        BadBody: 415 for another media type; 400 as :func:`parse_object` says.
    """
    if request.content_type != JSON:
        raise BadBody(
            415,
            f"请求须带 Content-Type: {JSON}（unsupported media type "
            f"{request.content_type or 'none'!r}）",
        )
    return parse_object(await request.read(), max_depth)
