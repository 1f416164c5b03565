"""DingTalk server APIs: OpenAPI robot sends with a cached access token, media uploads, the robot's
file downloads (files people send), custom-robot webhooks and session webhooks; every failure
becomes a DeliveryError the outbox understands."""

from __future__ import annotations

from typing import Any

from bot.adapters.common.api import (
    DEFAULT_RETRY_AFTER,
    Fetched,
    FilePart,
    JsonClient,
    TokenCache,
)
from bot.adapters.dingtalk.signing import sign_webhook
from bot.core.errors import DeliveryError

BAN_SECONDS = 600.0  # a robot over 20 messages a minute is throttled for 10 minutes
# Webhook errcodes (custom robot and sessionWebhook).
PERMANENT = {
    310000: "签名、关键词或 IP 白名单校验失败：核对机器人加签密钥（SEC 开头）和安全设置",
    300001: "机器人 access_token 无效",
    400101: "机器人 access_token 不存在",
    400102: "机器人已停用",
}
RATE_LIMITED = {130101: BAN_SECONDS, 410100: BAN_SECONDS}
TOKEN_EXPIRED = {40014, 42001}  # oapi: invalid or expired access_token


def check_webhook(answer: dict[str, Any]) -> dict[str, Any]:
    """Return ``answer`` when ``errcode`` is 0, else raise the matching DeliveryError (oapi, such
    as media/upload, answers the same way as the webhooks)."""
    code = int(answer.get("errcode", 0) or 0)
    if code == 0:
        return answer
    text = f"钉钉错误 {code}：{answer.get('errmsg', '')}"
    if code in PERMANENT:
        raise DeliveryError(f"{text}（{PERMANENT[code]}）", permanent=True)
    if code in RATE_LIMITED:
        raise DeliveryError(f"{text}（发送过快，机器人被限流）", retry_after=RATE_LIMITED[code])
    raise DeliveryError(text)


def check_openapi(status: int, answer: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI (api.dingtalk.com) answers errors as HTTP 4xx with ``code`` and ``message``."""
    if status < 400:
        return answer
    code = str(answer.get("code", ""))
    text = f"钉钉接口错误 HTTP {status} {code}：{answer.get('message', '')}"
    if any(word in code for word in ("QpsLimit", "Throttling", "FlowControl")):
        raise DeliveryError(text, retry_after=DEFAULT_RETRY_AFTER, pause_platform=True)
    # Bad parameters, unknown users or conversations, missing permissions: fix, then retry.
    raise DeliveryError(text, permanent=status in (400, 403, 404))


class DingTalkApi:
    """Calls to api.dingtalk.com / oapi.dingtalk.com (or local fakes at the configured bases)."""

    def __init__(
        self, client: JsonClient, api_base: str, oapi_base: str, app_key: str, app_secret: str
    ) -> None:
        self.client = client
        self.api_base = api_base.rstrip("/")
        self.oapi_base = oapi_base.rstrip("/")
        self.app_key = app_key
        self.app_secret = app_secret
        self.tokens = TokenCache(self._fetch_token)

    async def _fetch_token(self) -> tuple[str, float]:
        status, answer = await self.client.request(
            "POST",
            f"{self.api_base}/v1.0/oauth2/accessToken",
            body={"appKey": self.app_key, "appSecret": self.app_secret},
        )
        check_openapi(status, answer)
        return str(answer["accessToken"]), float(answer.get("expireIn", 7200))

    async def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to an OpenAPI ``path`` with the access token, refreshing it once if refused."""
        for attempt in (1, 2):
            token = await self.tokens.get()
            status, answer = await self.client.request(
                "POST",
                f"{self.api_base}{path}",
                body=body,
                headers={"x-acs-dingtalk-access-token": token},
            )
            if status == 401 and attempt == 1:
                self.tokens.invalidate(token)
                continue
            return check_openapi(status, answer)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def upload(self, kind: str, file: FilePart) -> str:
        """oapi ``media/upload`` as ``kind`` (image or file); returns the media id. The
        access token of the OpenAPI serves oapi as well."""
        for attempt in (1, 2):
            token = await self.tokens.get()
            _, answer = await self.client.request(
                "POST",
                f"{self.oapi_base}/media/upload",
                params={"access_token": token, "type": kind},
                upload=file,
            )
            if int(answer.get("errcode", 0) or 0) in TOKEN_EXPIRED and attempt == 1:
                self.tokens.invalidate(token)
                continue
            return str(check_webhook(answer)["media_id"])
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def download(self, code: str, robot_code: str) -> Fetched:
        """A file someone sent the robot: ``robot/messageFiles/download`` names a short-lived
        ``downloadUrl``, which is then fetched.

        Raises:
            DeliveryError: DingTalk refused the code, or the download failed.
        """
        path = "/v1.0/robot/messageFiles/download"
        answer = await self.call(path, {"downloadCode": code, "robotCode": robot_code})
        url = str(answer.get("downloadUrl") or "")
        if not url:
            raise DeliveryError("钉钉未返回文件下载地址")
        got = await self.client.fetch("GET", url)
        if got.error is not None:
            raise DeliveryError(f"钉钉文件下载失败：{got.error}")
        return got

    async def webhook(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to a sessionWebhook (no signature: the URL itself is the credential)."""
        _, answer = await self.client.request("POST", url, body=body)
        return check_webhook(answer)

    async def custom_robot(
        self, token: str, secret: str, body: dict[str, Any], now_ms: int
    ) -> dict[str, Any]:
        """POST ``body`` to a custom robot, signed (加签) with ``secret``."""
        # The URL is assembled by hand: the sign is URL-encoded exactly once (see
        # docs/platforms.md §DingTalk signing).
        url = (
            f"{self.oapi_base}/robot/send?access_token={token}"
            f"&timestamp={now_ms}&sign={sign_webhook(secret, now_ms)}"
        )
        _, answer = await self.client.request("POST", url, body=body)
        return check_webhook(answer)
