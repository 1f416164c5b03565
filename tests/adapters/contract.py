"""The conversation every platform adapter must carry end to end (shared contract tests).

A platform's test builds a :class:`ChatHarness` that speaks through that platform's real
adapter and transport (a local fake server), then calls :func:`run_conversation`.
"""

from __future__ import annotations

from typing import Protocol


class ChatHarness(Protocol):
    """Speaks to the bot through one platform and reads what the bot sent back."""

    async def say(self, sender: str, text: str, *, group: str | None = None) -> None:
        """``sender`` (a platform user id) sends ``text`` privately or in ``group``."""
        ...

    async def replies(self, sender: str, *, group: str | None = None) -> list[str]:
        """Every text the bot has sent to ``sender``'s private chat (or to ``group``), in order,
        after everything due has been delivered."""
        ...


async def run_conversation(chat: ChatHarness, newcomer: str, bind_code: str, officer: str) -> None:
    """Help before binding, bind, who am I, an unknown command, a command refused for the role.

    Args:
        chat: The platform harness.
        newcomer: A platform user id not bound yet, whose person holds ``bind_code``.
        bind_code: A valid one-time code for an officer (值班员).
        officer: A platform user id already bound to a person with only the officer role.
    """
    await chat.say(newcomer, "/help")
    await chat.say(newcomer, f"/bind {bind_code}")
    await chat.say(newcomer, "我是谁")
    await chat.say(newcomer, "/remnd 10分钟 回电")
    await chat.say(officer, "/outbox_failed")
    first, bound, whoami, unknown = (await chat.replies(newcomer))[:4]
    assert "尚未绑定" in first and "/bind" in first
    assert "绑定成功" in bound
    assert "角色：值班员" in whoami
    assert "您是不是想" in unknown and "/remind" in unknown
    refused = (await chat.replies(officer))[-1]
    assert "仅限管理员使用" in refused
