"""WeCom server API: access-token cache, app ``message/send``, ``appchat/send``, robot webhooks,
media uploads (app ``media/upload``, robot ``webhook/upload_media``) and the app's
``media/get`` (files people send).

Every errcode becomes a DeliveryError the outbox understands (permanent, or retry after a wait).
"""

from __future__ import annotations

from typing import Any

from bot.adapters.common.api import (
    DEFAULT_RETRY_AFTER,
    Fetched,
    FilePart,
    JsonClient,
    TokenCache,
)
from bot.core.errors import DeliveryError

TOKEN_EXPIRED = {40014, 41001, 42001}  # invalid, missing, expired access_token: fetch afresh
# Retrying cannot help until an administrator changes something; the text says what.
PERMANENT = {
    40001: "应用 Secret 不正确（DUTYBOT_WECOM_SECRET）",
    40003: "userid 不合法",
    40004: "媒体文件类型不合法",
    40005: "文件类型不合法",
    40006: "文件大小不合法（图片 ≤ 10 MB、文件 ≤ 20 MB）",
    40009: "图片大小超过限制",
    40008: "消息类型不合法",
    40013: "企业 ID 不正确（DUTYBOT_WECOM_CORP_ID）",
    44004: "消息内容为空",
    45002: "消息内容超过长度限制",
    60020: "服务器 IP 不在应用的企业可信 IP 中，请在管理后台添加",
    60111: "userid 不存在",
    81013: "接收人无效（userid 不存在或不在应用可见范围内）",
    86003: "应用群聊不存在",
    93000: "机器人 webhook 地址无效，或机器人已被移出群",
    93004: "机器人已被停用",
    93008: "机器人不在群里",
}
RATE_LIMITED = {45009: DEFAULT_RETRY_AFTER, 45033: 10.0, 45011: DEFAULT_RETRY_AFTER}


def check(answer: dict[str, Any], *, robot: bool) -> dict[str, Any]:
    """Return ``answer`` when ``errcode`` is 0, else raise the matching DeliveryError."""
    code = int(answer.get("errcode", 0) or 0)
    if code == 0:
        return answer
    text = f"企业微信错误 {code}：{answer.get('errmsg', '')}"
    if code in PERMANENT:
        raise DeliveryError(f"{text}（{PERMANENT[code]}）", permanent=True)
    if code in RATE_LIMITED:
        # A robot's limit is its own; the app's frequency limits are per corp and per API.
        raise DeliveryError(text, retry_after=RATE_LIMITED[code], pause_platform=not robot)
    raise DeliveryError(text)


class WeComApi:
    """Calls to qyapi (or a local fake at ``base``) for one corp and app secret."""

    def __init__(self, client: JsonClient, base: str, corp_id: str, secret: str) -> None:
        self.client = client
        self.base = base.rstrip("/")
        self.corp_id = corp_id
        self.secret = secret
        self.tokens = TokenCache(self._fetch_token)

    async def _fetch_token(self) -> tuple[str, float]:
        _, answer = await self.client.request(
            "GET",
            f"{self.base}/cgi-bin/gettoken",
            params={"corpid": self.corp_id, "corpsecret": self.secret},
        )
        check(answer, robot=False)
        return str(answer["access_token"]), float(answer.get("expires_in", 7200))

    async def call(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        upload: FilePart | None = None,
        query: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST ``body`` (or ``upload``) to an app API ``path`` with the access token,
        refreshing the token once."""
        for attempt in (1, 2):
            token = await self.tokens.get()
            _, answer = await self.client.request(
                "POST",
                f"{self.base}{path}",
                params={"access_token": token, **(query or {})},
                body=body,
                upload=upload,
            )
            if int(answer.get("errcode", 0) or 0) in TOKEN_EXPIRED and attempt == 1:
                self.tokens.invalidate(token)
                continue
            return check(answer, robot=False)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def media_get(self, media_id: str) -> Fetched:
        """``media/get``: a file or picture someone sent the app (kept three days by WeCom),
        refreshing the token once.

        Raises:
            DeliveryError: WeCom answered an error, or the download failed.
        """
        for attempt in (1, 2):
            token = await self.tokens.get()
            got = await self.client.fetch(
                "GET",
                f"{self.base}/cgi-bin/media/get",
                params={"access_token": token, "media_id": media_id},
            )
            if got.error is None:
                return got
            if int(got.error.get("errcode", 0) or 0) in TOKEN_EXPIRED and attempt == 1:
                self.tokens.invalidate(token)
                continue
            check(got.error, robot=False)
            raise DeliveryError(f"企业微信 media/get 未返回文件：{got.error}")
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def robot(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to the group robot (消息推送) with webhook ``key``."""
        _, answer = await self.client.request(
            "POST", f"{self.base}/cgi-bin/webhook/send", params={"key": key}, body=body
        )
        return check(answer, robot=True)

    async def upload(self, kind: str, file: FilePart) -> str:
        """``media/upload`` as ``kind`` (image or file); the media id lasts three days."""
        answer = await self.call("/cgi-bin/media/upload", upload=file, query={"type": kind})
        return str(answer["media_id"])

    async def robot_upload(self, key: str, file: FilePart) -> str:
        """A group robot's ``webhook/upload_media`` (a file for that robot's file messages)."""
        _, answer = await self.client.request(
            "POST",
            f"{self.base}/cgi-bin/webhook/upload_media",
            params={"key": key, "type": "file"},
            upload=file,
        )
        return str(check(answer, robot=True)["media_id"])
