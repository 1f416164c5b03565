"""How a phone provider's error code is read: one table per provider, one reader.

The sender acts on a :class:`DeliveryError`: a per-number frequency limit waits and retries, an
account-wide limit pauses the whole platform, a failure on the provider's side retries with
backoff, a network failure that may have reached the provider is *uncertain* (an at-most-once
row is not resent), and everything else — a bad number, an unapproved template, an empty
balance, a wrong key — is permanent and reported to the admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.errors import DeliveryError

#: The code an adapter gives a request that got no answer (connection refused, read timeout).
NETWORK = "ClientNetworkError"
_TIMEOUT_WORDS = ("timed out", "timeout")


@dataclass(frozen=True)
class RefusalTable:
    """One provider's error codes, by what the sender should do about them.

    Attributes:
        provider: The provider's name in messages (腾讯云, 阿里云).
        throttled: Per-number or per-template frequency limits → seconds to wait.
        pause_all: Account-wide request limits → seconds every send to the platform waits.
        transient_prefixes: Codes (by prefix) of a failure on the provider's side: retry.
        hints: Code → what the admin should do about a permanent refusal.
    """

    provider: str
    throttled: dict[str, float]
    pause_all: dict[str, float]
    transient_prefixes: tuple[str, ...]
    hints: dict[str, str] = field(default_factory=dict)

    def read(self, code: str, message: str) -> DeliveryError:
        """The sender's reading of ``code`` (retry, wait, pause, uncertain or permanent)."""
        text = f"{self.provider}拒绝 {code}"
        if code in self.throttled:
            return DeliveryError(f"{text}（频率限制，稍后重试）", retry_after=self.throttled[code])
        if code in self.pause_all:
            return DeliveryError(text, retry_after=self.pause_all[code], pause_platform=True)
        if code.startswith(self.transient_prefixes):
            return DeliveryError(f"{text}（服务商暂时故障）")
        if code == NETWORK:
            # The request may have reached the provider (a read timeout): an at-most-once row
            # is not resent; a refused connection never reached it.
            timed_out = any(word in message.lower() for word in _TIMEOUT_WORDS)
            return DeliveryError(f"{self.provider}接口连接失败", uncertain=timed_out)
        hint = self.hints.get(code, "（核对号码、模板与签名配置）")
        return DeliveryError(f"{text}：{message[:80]}{hint}", permanent=True)
