"""Errors with a message meant for the person in the chat (Chinese, with the fix)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused request. The message is shown as is; nothing was changed.

    Attributes:
        outcome: What the audit log records (``out_of_scope`` for bot.core.scope.OutOfScope).
    """

    outcome = "rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DeliveryError(Exception):
    """A platform could not deliver a message.

    Attributes:
        permanent: True when retrying cannot help (bot blocked, chat gone, bad address).
        retry_after: Seconds the platform asked us to wait before sending again, if any.
        pause_platform: True when the wait applies to everything sent to that platform.
        uncertain: True when the platform may have delivered it anyway (a timeout after the
            request went out); an at-most-once row is then not sent again.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        pause_platform: bool = False,
        uncertain: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.pause_platform = pause_platform
        self.uncertain = uncertain


class ReplayedRequest(Exception):
    """A signed platform callback arrived a second time: the copy is refused, nothing stored."""
