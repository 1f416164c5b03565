"""Feishu server APIs: tenant access token, ``im/v1/messages`` send and edit, image and file
uploads, custom bots; every failure becomes a DeliveryError the outbox understands."""

from __future__ import annotations

from typing import Any

from bot.adapters.common.api import DEFAULT_RETRY_AFTER, FilePart, JsonClient, TokenCache
from bot.adapters.feishu.crypto import sign_bot
from bot.core.errors import DeliveryError

TOKEN_INVALID = {99991661, 99991663, 99991664, 99991668, 99991671}
RATE_LIMITED = {99991400, 230020, 11232}
PERMANENT = {
    19021: "签名校验失败或时间戳超过 1 小时：核对自定义机器人的签名密钥",
    19024: "消息不含自定义机器人设置的关键词",
    230001: "参数不合法",
    230002: "机器人不在该群中",
    230006: "应用未开启机器人能力",
    230013: "用户不在应用可用范围内",
    99991672: "应用缺少发送消息的权限（im:message:send_as_bot）",
}


def check(status: int, answer: dict[str, Any]) -> dict[str, Any]:
    """Return ``answer`` when ``code`` is 0, else raise the matching DeliveryError."""
    code = int(answer.get("code", answer.get("StatusCode", 0)) or 0)
    if code == 0 and status < 400:
        return answer
    text = f"飞书错误 {code}：{answer.get('msg', answer.get('StatusMessage', ''))}"
    if code in RATE_LIMITED:
        raise DeliveryError(text, retry_after=DEFAULT_RETRY_AFTER)
    if code in PERMANENT:
        raise DeliveryError(f"{text}（{PERMANENT[code]}）", permanent=True)
    raise DeliveryError(text, permanent=status in (400, 403, 404))


class FeishuApi:
    """Calls to open.feishu.cn (or a local fake at ``base``) for one app."""

    def __init__(self, client: JsonClient, base: str, app_id: str, app_secret: str) -> None:
        self.client = client
        self.base = base.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.tokens = TokenCache(self._fetch_token)

    async def _fetch_token(self) -> tuple[str, float]:
        status, answer = await self.client.request(
            "POST",
            f"{self.base}/open-apis/auth/v3/tenant_access_token/internal",
            body={"app_id": self.app_id, "app_secret": self.app_secret},
        )
        check(status, answer)
        return str(answer["tenant_access_token"]), float(answer.get("expire", 7200))

    async def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        params: dict[str, str] | None = None,
        *,
        upload: FilePart | None = None,
    ) -> dict[str, Any]:
        """Call an OpenAPI ``path`` (JSON ``body`` or a multipart ``upload``) with the tenant
        token, refreshing it once if refused."""
        for attempt in (1, 2):
            token = await self.tokens.get()
            status, answer = await self.client.request(
                method,
                f"{self.base}{path}",
                params=params,
                body=body,
                headers={"Authorization": f"Bearer {token}"},
                upload=upload,
            )
            if int(answer.get("code", 0) or 0) in TOKEN_INVALID and attempt == 1:
                self.tokens.invalidate(token)
                continue
            return check(status, answer)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def upload(self, file: FilePart, image: bool) -> str:
        """``im/v1/images`` (a picture) or ``im/v1/files``; returns its image or file key."""
        path, key = ("images", "image_key") if image else ("files", "file_key")
        answer = await self.call("POST", f"/open-apis/im/v1/{path}", None, upload=file)
        return str((answer.get("data") or {})[key])

    async def custom_bot(
        self, hook: str, secret: str, body: dict[str, Any], now_s: int
    ) -> dict[str, Any]:
        """POST ``body`` to custom bot ``hook``, signed with ``secret`` in the body."""
        signed = {"timestamp": str(now_s), "sign": sign_bot(secret, now_s), **body}
        status, answer = await self.client.request(
            "POST", f"{self.base}/open-apis/bot/v2/hook/{hook}", body=signed
        )
        return check(status, answer)
