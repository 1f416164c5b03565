"""A local fake of 阿里云 SMS (``SendSms``) and voice notification (``SingleCallByTts``), both
Dysmsapi/Dyvmsapi 2017-05-25, and of their pushes of replies and key presses.

It checks what the official SDKs send: the ACS3-HMAC-SHA256 signature over the canonical
request (as 阿里云 documents and alibabacloud-tea-openapi computes it: method, path, sorted
query, the signed headers, the payload hash), the signature nonce once, the action and version
headers, the approved sign name and template with exactly its named parameters, and the number;
and it answers in 阿里云's shapes: ``{"Code": "OK", "BizId"|"CallId": …}``, a business refusal
as another ``Code`` in a 200 answer, an authentication or flow-control refusal as HTTP 4xx.
A number can be scripted to fail with a code (:meth:`FakeAliyun.fail`); the per-number limit
(one SMS or call a minute) is enforced on the fake's clock as ``isv.BUSINESS_LIMIT_CONTROL``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.clock import Clock
from bot.testing.fakes import FakeServer, RateWindow

KEY_ID = "LTAI5tFakeAccessKeyId0000"
KEY_SECRET = "fakeAliyunAccessKeySecret0000000"
ALGORITHM = "ACS3-HMAC-SHA256"
VERSION = "2017-05-25"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_CALLED = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")  # a call also reaches a landline
_SKEW = 900  # 阿里云 refuses a request whose x-acs-date is more than 15 minutes off
_REQUIRED = {"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-content-sha256"}
_BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass
class Templates:
    """What the fake's account has approved: template CODE → its parameter names."""

    sms: dict[str, set[str]] = field(default_factory=dict)
    voice: dict[str, set[str]] = field(default_factory=dict)


def acs3_signature(
    secret: str, method: str, path: str, query: dict[str, str], headers: dict[str, str]
) -> str:
    """阿里云's ACS3-HMAC-SHA256 signature over the canonical request (its published v3
    algorithm); ``headers`` are the signed ones, lower-case, and carry the payload hash."""
    canonical_query = "&".join(
        f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query.items())
    )
    names = sorted(headers)
    canonical = "\n".join(
        (
            method,
            path or "/",
            canonical_query,
            "".join(f"{n}:{headers[n].strip()}\n" for n in names),
            ";".join(names),
            headers["x-acs-content-sha256"],
        )
    )
    to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


class FakeAliyun(FakeServer):
    """Both services on one port (told apart by the signed ``x-acs-action``)."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        sign_name: str = "某县应急办",
        templates: Templates | None = None,
        phone_spacing_seconds: float = 60.0,
        max_per_second: int | None = None,
    ) -> None:
        super().__init__(clock)
        self.sign_name = sign_name
        self.templates = templates or Templates(
            {"SMS_460001": {"level", "title"}}, {"TTS_270001": {"title"}}
        )
        self.spacing = phone_spacing_seconds
        # A whole second, as 腾讯云's fake counts it: the sender's strict_second must keep it.
        self.rate = RateWindow(max_per_second, 1.0, slack=1.0) if max_per_second else None
        self.scripted: dict[str, list[str]] = defaultdict(list)  # number → codes, in order
        self.calls: list[dict[str, Any]] = []  # every accepted request: action + query
        self.refused: list[str] = []  # every error code answered
        self.nonces: set[str] = set()
        self._last: dict[tuple[str, str], float] = {}  # (action, number) → last accepted
        self._ids = itertools.count(1)
        self._accepted = asyncio.Event()
        self.app.router.add_post("/", self._handle)

    def fail(self, number: str, *codes: str) -> None:
        """Answer the next requests to ``number`` (``138…``) with these codes, in order."""
        self.scripted[number].extend(codes)

    def sends(self, action: str) -> list[dict[str, Any]]:
        """Query parameters of the accepted requests of ``action``."""
        return [c["query"] for c in self.calls if c["action"] == action]

    async def wait_sends(self, action: str, count: int) -> None:
        """Return once ``count`` requests of ``action`` have been accepted in all."""
        while len(self.sends(action)) < count:
            self._accepted.clear()
            await self._accepted.wait()

    def _error(self, code: str, message: str, status: int = 200) -> web.Response:
        self.refused.append(code)
        body = {"Code": code, "Message": message, "RequestId": _rid()}
        if status != 200:
            body["Recommend"] = "https://api.aliyun.com/troubleshoot"
        return web.json_response(body, status=status, dumps=_dumps)

    async def _handle(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        body = await request.read()
        if problem := self._check_signature(request, body):
            return self._error(*problem)
        if self.rate is not None and not self.rate.take("account", time.monotonic()):
            return self._error(
                "Throttling.User", "Request was denied due to user flow control.", 400
            )
        action = request.headers.get("x-acs-action", "")
        if request.headers.get("x-acs-version") != VERSION:
            return self._error("InvalidVersion", "Specified parameter Version is not valid.", 400)
        query = dict(request.query)
        if action == "SendSms":
            return self._send_sms(query)
        if action == "SingleCallByTts":
            return self._call(query)
        return self._error("InvalidAction.NotFound", f"{action} 不存在", 404)

    def _check_signature(self, request: web.Request, body: bytes) -> tuple[str, str, int] | None:
        found = re.fullmatch(
            ALGORITHM
            + r" Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})",
            request.headers.get("Authorization", ""),
        )
        if found is None:
            return "IncompleteSignature", "The request signature does not conform.", 400
        key_id, signed, signature = found.groups()
        if key_id != KEY_ID:
            return "InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404
        names = signed.split(";")
        if not set(names) >= _REQUIRED:
            return "IncompleteSignature", "Required headers are not signed.", 400
        if request.headers.get("x-acs-content-sha256") != hashlib.sha256(body).hexdigest():
            return "ContentSHA256NotMatched", "x-acs-content-sha256 does not match.", 400
        date = request.headers.get("x-acs-date", "")
        try:
            stamp = datetime.strptime(date + "+0000", "%Y-%m-%dT%H:%M:%SZ%z").timestamp()
        except ValueError:
            return "InvalidTimeStamp.Format", "Specified time stamp is not valid.", 400
        if abs(time.time() - stamp) > _SKEW:  # the SDK's clock
            return "SignatureExpired", "Specified time stamp or date value is expired.", 400
        nonce = request.headers.get("x-acs-signature-nonce", "")
        if nonce in self.nonces:
            return "SignatureNonceUsed", "Specified signature nonce was used already.", 400
        headers = {n: request.headers.get(n, "") for n in names}
        expected = acs3_signature(
            KEY_SECRET, request.method, request.path, dict(request.query), headers
        )
        if not hmac.compare_digest(expected, signature):
            return (
                "SignatureDoesNotMatch",
                "Specified signature does not match our calculation.",
                400,
            )
        self.nonces.add(nonce)
        return None

    def _frequency(self, action: str, number: str) -> str | None:
        """A scripted code, or the per-number limit; records the send when neither applies."""
        if self.scripted.get(number):
            return self.scripted[number].pop(0)
        now, last = self.now(), self._last.get((action, number))
        if last is not None and now - last < self.spacing:
            return "isv.BUSINESS_LIMIT_CONTROL"
        self._last[(action, number)] = now
        return None

    def _params(self, raw: str | None, wanted: set[str]) -> str | None:
        """Why ``raw`` does not fill a template with ``wanted`` names (a code), or None."""
        try:
            values = json.loads(raw or "{}")
        except ValueError:
            return "isv.INVALID_JSON_PARAM"
        if not isinstance(values, dict) or set(values) != wanted:
            return "isv.TEMPLATE_MISSING_PARAMETERS"
        return None

    def _send_sms(self, query: dict[str, str]) -> web.Response:
        number = query.get("PhoneNumbers", "")
        if not _MOBILE.match(number):
            return self._error("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if query.get("SignName") != self.sign_name:
            return self._error("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        wanted = self.templates.sms.get(query.get("TemplateCode", ""))
        if wanted is None:
            return self._error("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        if code := self._params(query.get("TemplateParam"), wanted):
            return self._error(code, "模板变量不匹配")
        if code := self._frequency("SendSms", number):
            return self._error(code, "触发号码分钟级流控" if "LIMIT" in code else code)
        return self._accept("SendSms", query, {"BizId": f"{next(self._ids):012d}^0"})

    def _call(self, query: dict[str, str]) -> web.Response:
        number = query.get("CalledNumber", "")
        if not _CALLED.match(number):
            return self._error("isv.MOBILE_NUMBER_ILLEGAL", "被叫号码格式不正确")
        wanted = self.templates.voice.get(query.get("TtsCode", ""))
        if wanted is None:
            return self._error("isv.TTS_TEMPLATE_ILLEGAL", "文本转语音模板不存在或未审核")
        if code := self._params(query.get("TtsParam"), wanted):
            return self._error(code, "模板变量不匹配")
        if query.get("PlayTimes", "1") not in ("1", "2", "3"):
            return self._error("isv.INVALID_PARAMETERS", "PlayTimes 取值 1~3")
        if code := self._frequency("SingleCallByTts", number):
            return self._error(code, "触发被叫号码流控" if "LIMIT" in code else code)
        call_id = f"1160{next(self._ids):08d}^1028{next(self._ids):07d}"
        return self._accept("SingleCallByTts", query, {"CallId": call_id})

    def _accept(self, action: str, query: dict[str, str], ids: dict[str, str]) -> web.Response:
        self.calls.append({"action": action, "query": query, "at": self.now(), **ids})
        self._accepted.set()
        answer = {"Code": "OK", "Message": "OK", "RequestId": _rid(), **ids}
        return web.json_response(answer, dumps=_dumps)

    async def push_reply(
        self, url: str, number: str, content: str, sequence: int, age: float = 0.0
    ) -> tuple[int, str]:
        """POST an ``SmsUp`` batch of one reply to ``url``, sent ``age`` seconds ago on the
        fake's clock."""
        item = {
            "phone_number": number,
            "send_time": _beijing(self.now() - age),
            "content": content,
            "sign_name": self.sign_name,
            "dest_code": "1234",
            "sequence_id": sequence,
        }
        return await self.post(url, _dumps([item]).encode(), {"Content-Type": "application/json"})

    async def push_keys(self, url: str, call_id: str, dtmf: str) -> tuple[int, str]:
        """POST a ``VoiceCallReport`` batch of one key press on ``call_id`` to ``url``."""
        item = {
            "status_code": "300000",
            "smart_status_code": "ANSWERED",
            "dtmf": dtmf,
            "status_time": _beijing(self.now()),
            "out_id": "",
            "call_id": call_id,
        }
        return await self.post(url, _dumps([item]).encode(), {"Content-Type": "application/json"})


def _beijing(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, _BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _rid() -> str:
    return f"FAKE-{time.monotonic_ns():X}"
