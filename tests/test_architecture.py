"""Rules of the tree that import-linter cannot see: models return data, they never write chat;
a job borrows only its own feature's words.

A model may decide who is told and when, and may pass an already-built ``Reply`` on to the
outbox (typed under ``TYPE_CHECKING``); the words and buttons are built beside the handlers
(``handlers/<feature>/cards.py``), and a job pushes those cards through ``handlers.notify``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAT = {"Reply", "Button", "Mention"}
"""The chat types of bot.core.messages a model may not build."""


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            found |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return found


def _names(node: ast.Import | ast.ImportFrom) -> set[str]:
    return {a.name for a in node.names}


def chat_writing(source: str) -> list[str]:
    """What in ``source`` builds chat messages: ``line: what``, in order."""
    tree = ast.parse(source)
    typing_only = _type_checking_only(tree)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in CHAT:
                problems.append(f"{node.lineno}: builds {name}(…)")
        elif isinstance(node, ast.ImportFrom) and node.module == "bot.core.messages":
            names = _names(node) & CHAT
            if id(node) in typing_only:
                names -= {"Reply"}  # the type of a payload passed through, never built
            if names:
                problems.append(f"{node.lineno}: imports {', '.join(sorted(names))}")
        elif (isinstance(node, ast.Import) and "bot.core.messages" in _names(node)) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "bot.core"
            and "messages" in _names(node)
        ):
            problems.append(f"{node.lineno}: imports bot.core.messages whole")
    return sorted(problems, key=lambda p: int(p.split(":")[0]))


def test_models_return_data_and_never_write_chat() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{problem}"
        for path in sorted((ROOT / "models").rglob("*.py"))
        for problem in chat_writing(path.read_text(encoding="utf-8"))
    ]
    assert not found, "build these in handlers/<feature>/cards.py instead:\n" + "\n".join(found)


def handler_imports(source: str) -> list[str]:
    """The modules under ``handlers`` that ``source`` imports, in order."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "handlers"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "handlers":
            # ``from handlers.duty import cards`` imports handlers.duty.cards
            found += [f"{node.module}.{a.name}" for a in node.names]
    return found


def _within(module: str, *allowed: str) -> bool:
    """``module`` is one of ``allowed`` or a name inside one."""
    return any(module == a or module.startswith(f"{a}.") for a in allowed)


def test_jobs_use_their_own_features_cards_and_nothing_else_of_the_handlers() -> None:
    strays = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "schedules").rglob("*.py"))
        if path.parent != ROOT / "schedules"
        for module in handler_imports(path.read_text(encoding="utf-8"))
        if not _within(module, f"handlers.{path.parent.name}.cards", "handlers.notify")
    ]
    assert not strays, "\n".join(strays)


def test_the_job_check_sees_a_stray_import() -> None:
    source = (
        "import handlers.duty.roster\nfrom handlers.tickets import cards\n"
        "from handlers.tickets.cards import details_button\nfrom models.duty import notify\n"
    )
    found = handler_imports(source)
    assert found == [
        "handlers.duty.roster",
        "handlers.tickets.cards",
        "handlers.tickets.cards.details_button",
    ]
    assert [_within(m, "handlers.tickets.cards", "handlers.notify") for m in found] == [
        False,
        True,
        True,
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('from bot.core.messages import Reply\nx = Reply("到")\n', ["1: imports Reply", "2"]),
        ('from bot.core.messages import Button\nb = Button("到", "到 1")\n', ["1", "2"]),
        ("from bot.core import messages\nmessages.Reply('x')\n", ["1: imports", "2: builds"]),
        ("import bot.core.messages\n", ["1: imports bot.core.messages whole"]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from bot.core.messages import Button, Reply\n",
            ["3: imports Button"],
        ),
    ],
)
def test_the_check_sees_chat_being_written(source: str, expected: list[str]) -> None:
    found = chat_writing(source)
    assert len(found) == len(expected)
    assert all(f.startswith(e) for f, e in zip(found, expected, strict=True))


def test_the_check_lets_data_and_pass_through_be() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from bot.core.messages import Attachment, Target\n"
        "if TYPE_CHECKING:\n"
        "    from bot.core.messages import Reply\n"
        "def to(address: str) -> Target:\n"
        "    return Target.parse(address)\n"
    )
    assert chat_writing(source) == []
