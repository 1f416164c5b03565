"""Reading a JSON request body safely: media type, UTF-8, nesting depth, one object.

A body that fails a check is answered with :class:`BadBody`'s status and its Chinese + English
message; nothing of it reaches a handler, and no parser error (RecursionError among them)
escapes as a 500.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

JSON = "application/json"
MAX_DEPTH = 32  # a ticket is two levels deep; anything far deeper is not a ticket


class BadBody(Exception):
    """A request body refused: ``status`` (400 or 415) and the message to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def depth(value: object) -> int:
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


def parse_object(raw: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """``raw`` as a JSON object nested at most ``max_depth`` levels.

    Raises:
        BadBody: 400 when it is not UTF-8 JSON, not an object, or nested too deeply.
    """
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise BadBody(400, "请求体须为 UTF-8 编码（body must be UTF-8）") from None
    except RecursionError:
        value = None  # deeper than the parser goes: certainly deeper than allowed
        found = max_depth + 1
    except ValueError:
        raise BadBody(400, "请求体不是合法的 JSON（body is not valid JSON）") from None
    else:
        found = depth(value)
    if found > max_depth:
        raise BadBody(
            400,
            f"请求体嵌套超过 {max_depth} 层，请展平数据（JSON nested deeper than {max_depth})",
        )
    if not isinstance(value, dict):
        raise BadBody(400, "请求体应为 JSON 对象（body must be a JSON object）")
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
