"""Commands: handlers declare an English slash name, Chinese aliases, roles and help; the table
matches text to a command with or without a slash and suggests one for near misses."""

from __future__ import annotations

import difflib
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.core import segment
from bot.core.args import Param, first_word, params_of
from bot.core.dialogs import DialogStep
from bot.core.messages import ChatKind
from bot.core.roles import Role, UserInfo, labels
from bot.core.scope import Scope

_FIRST_WORD = re.compile(r"\s+")
BIND_HINT = (
    "您好！您的账号尚未绑定，暂时无法使用此功能。\n"
    "请向管理员索取绑定码，然后发送：/bind 绑定码（或「绑定 绑定码」）。\n"
    "发送 /help 可查看无需绑定即可使用的命令。"
)

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    """One command a handler answers.

    Attributes:
        name: English command, words separated by spaces (``group register``).
        aliases: Chinese forms (``群组 注册``, ``注册群``), typed with or without a slash.
        roles: Who may use it; empty means anyone, bound or not.
        help: One line for /help.
        group_only: Only makes sense inside a group chat.
        personal: Its arguments carry personal data (a petitioner's name and phone), so the
            audit log records the command and its outcome but not the arguments.
        scope: Whose objects it shows or acts on (bot/core/scope.py), declared by its router
            for the whole feature; a table refuses a route without one.
    """

    name: str
    aliases: tuple[str, ...]
    roles: frozenset[Role]
    help: str
    func: Handler
    params: tuple[Param, ...]
    group_only: bool = False
    personal: bool = False
    scope: Scope | None = None

    @property
    def chats(self) -> frozenset[ChatKind]:
        """The chat kinds it answers in."""
        return frozenset({ChatKind.GROUP}) if self.group_only else frozenset(ChatKind)

    @property
    def phrases(self) -> tuple[tuple[str, ...], ...]:
        """Every way of calling it, split into words."""
        return tuple(tuple(p.split()) for p in (self.name, *self.aliases))

    @property
    def usage(self) -> str:
        """``/bind <绑定码>（绑定 …）``."""
        args = " ".join(p.usage() for p in self.params)
        main = f"/{self.name.replace(' ', '_')}" + (f" {args}" if args else "")
        return main + (
            f"（或：{self.aliases[0]}{' ' + args if args else ''}）" if self.aliases else ""
        )

    def allows(self, roles: frozenset[Role] | None) -> bool:
        """May someone holding ``roles`` (None: not bound) use this?"""
        if not self.roles:
            return True
        return roles is not None and bool(self.roles & roles)

    def refusal(self, user: UserInfo | None, chat: ChatKind) -> tuple[str, str] | None:
        """Why ``user`` may not use this here: (audit outcome, polite reply); None if they may."""
        if not self.allows(user.roles if user else None):
            if user is None:
                return "unbound", BIND_HINT
            return "forbidden", (
                f"抱歉，「{self.usage.split('（')[0]}」仅限{labels(self.roles)}使用，"
                f"您当前的角色是{labels(user.roles)}。如需开通请联系管理员。"
            )
        if chat not in self.chats:
            return "rejected", "该命令需要在群聊中发送，请在要登记的群里使用。"
        return None


@dataclass
class Router:
    """A feature module's commands, registered with :meth:`command`."""

    name: str
    scope: Scope | None = None
    routes: list[Route] = field(default_factory=list)
    dialogs: dict[str, DialogStep] = field(default_factory=dict)

    def command(
        self,
        name: str,
        *,
        aliases: Iterable[str] = (),
        roles: Iterable[Role] = (),
        help: str,
        group_only: bool = False,
        personal: bool = False,
        scope: Scope | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated ``async def handler(ctx, *, arg: Annotated[...])``; ``scope``
        overrides the router's for this one command."""

        def register(func: Handler) -> Handler:
            self.routes.append(
                Route(
                    name,
                    tuple(aliases),
                    frozenset(roles),
                    help,
                    func,
                    tuple(params_of(func)),
                    group_only,
                    personal,
                    scope or self.scope,
                )
            )
            return func

        return register

    def dialog(self, kind: str) -> Callable[[DialogStep], DialogStep]:
        """Register the step that continues conversations of ``kind`` (see bot.core.dialogs)."""

        def register(func: DialogStep) -> DialogStep:
            self.dialogs[kind] = func
            return func

        return register


@dataclass(frozen=True, slots=True)
class Match:
    """A command found in a message, and the text after it."""

    route: Route
    rest: str


class CommandTable:
    """All routers merged; finds the command in a line of text."""

    def __init__(self, routers: Iterable[Router]) -> None:
        routers = list(routers)
        self.routes: list[Route] = [r for router in routers for r in router.routes]
        unscoped = [r.name for r in self.routes if r.scope is None]
        if unscoped:
            raise ValueError(
                f"commands without an object scope: {', '.join(unscoped)} — give their Router a "
                "scope (bot.core.scope.UNSCOPED when its objects belong to no unit)"
            )
        self.dialogs: dict[str, DialogStep] = {}
        for router in routers:
            for kind, step in router.dialogs.items():
                if kind in self.dialogs:
                    raise ValueError(f"dialog kind {kind!r} declared twice")
                self.dialogs[kind] = step
        self._by_phrase: dict[tuple[str, ...], Route] = {}
        for route in self.routes:
            for phrase in route.phrases:
                key = tuple(w.lower() for w in phrase)
                if key in self._by_phrase:
                    raise ValueError(f"command phrase {' '.join(phrase)!r} declared twice")
                self._by_phrase[key] = route
        self._longest = max((len(k) for k in self._by_phrase), default=1)
        self._chinese_words = {w for k in self._by_phrase for w in k if not w.isascii()}
        segment.add_words(self._chinese_words)

    def _lookup(self, words: list[str]) -> tuple[Route, int] | None:
        for size in range(min(self._longest, len(words)), 0, -1):
            route = self._by_phrase.get(tuple(w.lower() for w in words[:size]))
            if route is not None:
                return route, size
        return None

    def match(self, text: str) -> Match | None:
        """Find the command at the start of ``text``; None when it starts with none."""
        text = text.replace("\u3000", " ").strip()
        if text.startswith("/"):
            first, tail = first_word(text[1:])
            # Telegram: /group_register@DutyBot → group register
            words = [*first.split("@", 1)[0].split("_"), *tail.split()]
            if not words or not words[0]:
                return None
            found = self._lookup(words)
            if found is None:
                return None
            route, size = found
            parts = len(first.split("@", 1)[0].split("_"))
            return Match(route, tail.strip() if size <= parts else after_words(tail, size - parts))
        if not text or text.split()[0].isascii():
            return None  # bare English words are ordinary chat, not commands
        return self._match_chinese(text)

    def _match_chinese(self, text: str) -> Match | None:
        found = self._lookup(text.split())
        if found is not None:
            route, size = found
            return Match(route, after_words(text, size))
        # No spaces after the command word ("值班今天", "工单12345-…"): use word boundaries.
        spans = segment.spans(text)
        found = self._lookup([w for w, _, _ in spans])
        if found is None:
            return None
        route, size = found
        return Match(route, text[spans[size - 1][2] :].strip())

    def suggestion(self, text: str, roles: frozenset[Role] | None) -> str:
        """The answer to text that is no command: 「您是不是想…」 with close commands."""
        head = text.strip().split(" ")[0][:20]
        options = self.suggest(text, roles)
        if not options:
            return f"没有找到命令「{head}」。发送 /help（帮助）查看您可以使用的命令。"
        lines = "\n".join(f"  {r.usage} — {r.help}" for r in options)
        return f"没有找到命令「{head}」。您是不是想：\n{lines}\n发送 /help 查看全部命令。"

    def suggest(self, text: str, roles: frozenset[Role] | None, limit: int = 3) -> list[Route]:
        """Commands the caller may use that look like what they typed."""
        allowed = [r for r in self.routes if r.allows(roles)]
        head = text.replace("\u3000", " ").strip().lstrip("/").split(" ")[0].split("@")[0].lower()
        names: dict[str, Route] = {}
        for route in allowed:
            for phrase in route.phrases:
                names.setdefault(" ".join(phrase).lower(), route)
                names.setdefault(phrase[0].lower(), route)
        picked: list[Route] = []
        close = difflib.get_close_matches(head.replace("_", " "), list(names), n=6, cutoff=0.6)
        contained = [] if head.isascii() else [w for w in segment.words(head) if w in names]
        for key in [*contained, *close]:
            route = names[key]
            if route not in picked:
                picked.append(route)
        return picked[:limit]


def after_words(text: str, count: int) -> str:
    """What follows the first ``count`` words of ``text``, with the line breaks and spacing the
    sender typed (a multi-line 报送 or 日志 keeps its lines)."""
    rest = text.strip()
    for _ in range(count):
        parts = _FIRST_WORD.split(rest, maxsplit=1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest.strip()
