"""A small JSON-over-HTTP client for platform APIs (JSON bodies, multipart/form-data file
uploads, file downloads); transport failures become DeliveryErrors. Also caches: access
tokens, uploaded media."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any

import aiohttp

from bot.core.errors import DeliveryError

DEFAULT_RETRY_AFTER = 60.0  # seconds, when a platform says "too fast" without saying how long


def dumps(data: Any) -> str:
    """JSON with Chinese kept as UTF-8 (``\\uXXXX`` escapes would triple the byte count)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class FilePart:
    """A file for a multipart/form-data upload, with the text fields sent beside it."""

    field: str
    name: str
    mime: str
    data: bytes
    fields: tuple[tuple[str, str], ...] = ()

    def form(self) -> aiohttp.FormData:
        """A fresh form (one can be sent only once). File names go as UTF-8, as browsers send
        them (RFC 7578), not percent-encoded."""
        form = aiohttp.FormData(quote_fields=False)
        for key, value in self.fields:
            form.add_field(key, value)
        # A stream, not bytes: aiohttp would otherwise copy a large body on the event loop.
        stream = io.BytesIO(self.data)
        form.add_field(self.field, stream, filename=self.name, content_type=self.mime)
        return form


@dataclass(frozen=True, slots=True)
class Fetched:
    """A file downloaded from a platform: its bytes, type and the name the platform gave.

    A platform that answers an error as JSON instead of the file gives ``error`` (its JSON).
    """

    data: bytes
    mime: str
    name: str
    error: dict[str, Any] | None = None


MAX_FETCH = 25 * 1024 * 1024
"""More than any platform lets a bot receive (20 MB): a longer answer is not read."""


def _disposition_name(header: str) -> str:
    """The file name of a Content-Disposition header (``filename*=UTF-8''…`` too)."""
    if not header:
        return ""
    parsed = Message()
    parsed["content-disposition"] = header
    return parsed.get_filename() or ""


class JsonClient:
    """One aiohttp session per platform, created on first use.

    Timeouts, connection errors, HTTP 5xx and non-JSON answers raise a transient DeliveryError
    (the outbox retries them); HTTP 429 raises one with the platform's Retry-After.
    """

    def __init__(self, platform: str, timeout: float) -> None:
        self.platform = platform
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        upload: FilePart | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Send one request (``body`` as JSON, or ``upload`` as a multipart form); returns the
        HTTP status and the JSON object answered."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        sent_headers = dict(headers or {})
        data: bytes | aiohttp.FormData | None = upload.form() if upload is not None else None
        if body is not None:
            data = dumps(body).encode("utf-8")
            sent_headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            async with self._session.request(
                method, url, params=params, data=data, headers=sent_headers
            ) as resp:
                text = await resp.text()
                status, retry = resp.status, resp.headers.get("Retry-After")
        except TimeoutError:
            raise DeliveryError(f"{self.platform} 接口超时，稍后重试") from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"{self.platform} 接口连接失败：{type(exc).__name__}") from None
        if status == 429:
            wait = float(retry) if retry and retry.isdigit() else DEFAULT_RETRY_AFTER
            raise DeliveryError(f"{self.platform} 限流（HTTP 429）", retry_after=wait)
        if status >= 500:
            raise DeliveryError(f"{self.platform} 服务端错误 HTTP {status}")
        try:
            answer = json.loads(text) if text else {}
        except ValueError:
            raise DeliveryError(f"{self.platform} 返回了非 JSON 内容（HTTP {status}）") from None
        if not isinstance(answer, dict):
            raise DeliveryError(f"{self.platform} 返回了意外的 JSON（HTTP {status}）")
        return status, answer

    async def fetch(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> Fetched:
        """Download a file (``body`` as JSON); a JSON answer is the platform's error.

        Raises:
            DeliveryError: timeout, connection failure, HTTP 429/5xx, or a file larger than
                :data:`MAX_FETCH`.
        """
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        data = dumps(body).encode("utf-8") if body is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if data else {}
        try:
            async with self._session.request(
                method, url, params=params, data=data, headers=headers
            ) as resp:
                status, mime = resp.status, resp.content_type
                name = _disposition_name(resp.headers.get("Content-Disposition", ""))
                raw = await resp.content.read(MAX_FETCH + 1)
        except TimeoutError:
            raise DeliveryError(f"{self.platform} 文件下载超时") from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"{self.platform} 文件下载失败：{type(exc).__name__}") from None
        if status == 429 or status >= 500 or len(raw) > MAX_FETCH:
            raise DeliveryError(f"{self.platform} 文件下载失败（HTTP {status}）")
        if mime in ("application/json", "text/plain") and raw.lstrip().startswith(b"{"):
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and "errcode" in answer:
                return Fetched(b"", mime, name, answer)
        return Fetched(raw, mime, name)

    async def close(self) -> None:
        """Release the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class TokenCache:
    """An access token fetched on demand, reused until shortly before it expires.

    ``fetch`` returns ``(token, lifetime_seconds)``. Concurrent callers share one fetch.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[tuple[str, float]]],
        *,
        margin: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._margin = margin
        self._monotonic = monotonic
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def get(self) -> str:
        """A valid token, fetching a new one when the cached one is (nearly) expired."""
        async with self._lock:
            if not self._token or self._monotonic() >= self._expires:
                token, lifetime = await self._fetch()
                self.fetches += 1
                self._token = token
                self._expires = self._monotonic() + max(lifetime - self._margin, lifetime / 2)
            return self._token

    def invalidate(self, token: str) -> None:
        """The platform rejected ``token``: fetch afresh next time (unless already replaced)."""
        if token == self._token:
            self._token = ""


class MediaCache:
    """Media ids of files uploaded lately, by content and destination, so one chart sent to
    many people is uploaded once while the platform keeps it (``lifetime`` seconds)."""

    def __init__(
        self, lifetime: float, *, most: int = 256, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._lifetime = lifetime
        self._most = most
        self._monotonic = monotonic
        self._ids: OrderedDict[str, tuple[str, float]] = OrderedDict()

    async def get(self, where: str, data: bytes, upload: Callable[[], Awaitable[str]]) -> str:
        """The media id of ``data`` uploaded to ``where``, uploading it if not known."""
        key = f"{where}:{hashlib.sha256(data).hexdigest()}"
        known = self._ids.get(key)
        if known is not None and known[1] > self._monotonic():
            return known[0]
        media_id = await upload()
        self._ids[key] = (media_id, self._monotonic() + self._lifetime)
        self._ids.move_to_end(key)
        while len(self._ids) > self._most:
            self._ids.popitem(last=False)
        return media_id
