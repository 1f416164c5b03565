"""Typed command arguments: a handler's keyword parameters, parsed from the text after the command.

A parameter is declared as ``name: Annotated[T, Arg("中文名")] = default``. Supported types are
str, int, date (今天/明天/YYYY-MM-DD …), Role, Literal choices, ``T | None`` and ``list[str]``.
An ``Arg(rest=True)`` string takes the remainder of the line verbatim. An int is bounded by
``Arg(low=…, high=…)``, by default to the database's integer column (PostgreSQL INTEGER), so a
number out of range is answered with the usage and never reaches a query.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.core.errors import UserError
from bot.core.roles import Role

_RELATIVE_DAYS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "tomorrow": 1,
    "明天": 1,
    "明日": 1,
    "yesterday": -1,
    "昨天": -1,
    "后天": 2,
    "前天": -2,
}
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL INTEGER, the narrowest id column
_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True, slots=True)
class Arg:
    """Metadata for one handler parameter."""

    label: str
    rest: bool = False
    low: int = INT_MIN
    high: int = INT_MAX


@dataclass(frozen=True, slots=True)
class Param:
    """One parsed parameter of a handler."""

    name: str
    label: str
    kind: Any
    default: Any
    rest: bool
    optional: bool
    bounds: tuple[int, int] = (INT_MIN, INT_MAX)

    @property
    def required(self) -> bool:
        """True when the caller must supply it."""
        return self.default is inspect.Parameter.empty

    def usage(self) -> str:
        """``<绑定码>`` for required, ``[日期]`` for optional, with … for lists and rest."""
        many = "…" if self.rest or _origin(self.kind) is list else ""
        return f"<{self.label}{many}>" if self.required else f"[{self.label}{many}]"


def _origin(kind: Any) -> Any:
    return typing.get_origin(kind)


def parse_date(text: str, today: date) -> date:
    """Parse 今天/明天/昨天, YYYY-MM-DD, YYYY/MM/DD, MM-DD or 11月26日 relative to ``today``."""
    value = text.strip().lower()
    if value in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[value])
    found = _DATE.match(value)
    if not found:
        raise ValueError("应为日期，例如 2026-11-26、11-26 或 今天/明天")
    year = int(found.group(1) or today.year)
    try:
        return date(year, int(found.group(2)), int(found.group(3)))
    except ValueError:
        raise ValueError(f"「{text}」不是有效日期") from None


def parse_month(text: str | None, today: date) -> date:
    """The first day of a month typed as 2026-11 (or any date in it); ``today``'s when empty.

    Raises:
        UserError: not a month (in Chinese, with an example).
    """
    if not text:
        return today.replace(day=1)
    try:
        day = parse_date(f"{text}-01" if text.count("-") == 1 else text, today)
    except ValueError:
        raise UserError("年月应写作 2026-11") from None
    return day.replace(day=1)


def parse_int(token: str, low: int = INT_MIN, high: int = INT_MAX) -> int:
    """An integer from ``low`` to ``high`` (full-width digits too, as Chinese input methods type).

    Raises:
        ValueError: not an integer, or out of range (in Chinese, naming the range).
    """
    if not re.fullmatch(r"[+-]?\d+", token):
        raise ValueError("应为整数")
    # a thousand digits would still parse; the length check keeps int() cheap and in range
    digits = token.lstrip("+-").lstrip("0")
    if len(digits) > 19 or not low <= int(token) <= high:
        raise ValueError(f"应为 {low} 到 {high} 之间的整数")
    return int(token)


def _convert(kind: Any, token: str, today: date, bounds: tuple[int, int]) -> Any:
    if kind is str:
        return token
    if kind is int:
        return parse_int(token, *bounds)
    if kind is date:
        return parse_date(token, today)
    if kind is Role:
        return Role.parse(token)
    if _origin(kind) is typing.Literal:
        choices = typing.get_args(kind)
        if token.lower() not in choices and token not in choices:
            raise ValueError(f"可选：{'、'.join(map(str, choices))}")
        return token.lower() if token.lower() in choices else token
    raise TypeError(f"unsupported argument type {kind!r}")


def params_of(func: Callable[..., Any]) -> list[Param]:
    """Read the keyword-only parameters of a handler into Param records."""
    hints = typing.get_type_hints(func, include_extras=True)
    params: list[Param] = []
    for name, spec in inspect.signature(func).parameters.items():
        if spec.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        hint = hints[name]
        meta = next((m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Arg)), None)
        kind = typing.get_args(hint)[0] if meta is not None else hint
        optional = False
        if _origin(kind) in (types.UnionType, typing.Union):
            inner = [a for a in typing.get_args(kind) if a is not type(None)]
            kind, optional = inner[0], True
        params.append(
            Param(
                name,
                meta.label if meta else name,
                kind,
                spec.default,
                bool(meta and meta.rest),
                optional,
                (meta.low, meta.high) if meta else (INT_MIN, INT_MAX),
            )
        )
    return params


def first_word(text: str) -> tuple[str, str]:
    """The first word and the rest, whose line breaks stay as typed."""
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def bind_args(params: list[Param], text: str, today: date, usage: str) -> dict[str, Any]:
    """Parse ``text`` into keyword arguments for ``params``.

    Raises:
        UserError: missing, surplus or malformed arguments, naming the parameter and the usage.
    """
    remaining = text.replace("\u3000", " ").strip()
    values: dict[str, Any] = {}
    for param in params:
        if param.rest or _origin(param.kind) is list:
            token_list = remaining.split()
            if param.rest:
                values[param.name] = remaining
            else:
                values[param.name] = token_list
            if not remaining and param.required:
                raise UserError(f"缺少参数「{param.label}」。用法：{usage}")
            remaining = ""
            continue
        token, remaining = first_word(remaining)
        if not token:
            if param.required:
                raise UserError(f"缺少参数「{param.label}」。用法：{usage}")
            values[param.name] = param.default
            continue
        try:
            values[param.name] = _convert(param.kind, token, today, param.bounds)
        except ValueError as exc:
            raise UserError(f"参数「{param.label}」有误：{exc}。用法：{usage}") from None
    if remaining:
        raise UserError(f"多余的参数「{remaining}」。用法：{usage}")
    return values
