"""A local fake of 腾讯云 SMS (``SendSms`` 2021-01-11) and VMS (``SendTtsVoice`` 2020-09-02).

It checks what the official SDK sends: the TC3-HMAC-SHA256 signature over the request (as
腾讯云 computes it), the action and version headers, the application id, the approved template
and its parameter count, and the phone number; and it answers in the shapes 腾讯云 documents,
with its error codes. A number can be scripted to fail with a code (:meth:`FakeTencent.fail`),
and the per-number frequency limit (one SMS per 30 s by default) is enforced on the fake's clock,
answering ``LimitExceeded.PhoneNumberThirtySecondLimit`` as 腾讯云 does.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import math
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.core.clock import Clock
from bot.testing.fakes import FakeServer, RateWindow

SECRET_ID = "AKIDfake0000000000000000000000000000"
SECRET_KEY = "fakeTencentSecretKey000000000000"
_PHONE = re.compile(r"^\+861[3-9]\d{9}$")
_CALLED = re.compile(r"^\+86(1[3-9]\d{9}|[1-9]\d{8,10})$")  # a call also reaches a landline
_SKEW = 300  # 腾讯云 refuses a request signed more than five minutes away from its clock


@dataclass
class Templates:
    """What the fake's account has approved: template id → number of parameters."""

    sms: dict[str, int] = field(default_factory=dict)
    voice: dict[str, int] = field(default_factory=dict)


def tc3_signature(
    secret_key: str, service: str, timestamp: int, host: str, content_type: str, body: bytes
) -> str:
    """腾讯云's TC3-HMAC-SHA256 signature of a POST to ``/`` (its published algorithm)."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        (
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        )
    )
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(
        ("TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest())
    )
    key = hmac.new(("TC3" + secret_key).encode(), date.encode(), hashlib.sha256).digest()
    for part in (service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class FakeTencent(FakeServer):
    """Both services on one port (the service is told apart by the signed credential scope)."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        sms_app: str = "1400000001",
        voice_app: str = "1400000002",
        templates: Templates | None = None,
        phone_spacing_seconds: float = 30.0,
        max_per_second: float | None = None,
    ) -> None:
        super().__init__(clock)
        self.sms_app, self.voice_app = sms_app, voice_app
        self.templates = templates or Templates({"1000001": 2}, {"2000001": 1})
        self.spacing = phone_spacing_seconds
        # The account's request rate per service, over any one-second window (None: no limit).
        # No slack: a request over the rate in any one second of arrivals is refused.
        self.max_per_second = max_per_second
        self.window = RateWindow(math.ceil(max_per_second or 1), 1.0, slack=1.0)
        self.scripted: dict[str, list[str]] = defaultdict(list)  # phone → codes, in order
        self.calls: list[dict[str, Any]] = []  # every accepted request: action + body
        self.refused: list[str] = []  # every error code answered
        self.texted: list[str] = []  # numbers an SMS was accepted for, in order
        self._last: dict[tuple[str, str], float] = {}  # (service, phone) → last accepted send
        self._ids = itertools.count(1)
        self._accepted = asyncio.Event()  # set at every accepted request
        self.app.router.add_post("/", self._handle)

    def fail(self, phone: str, *codes: str) -> None:
        """Answer the next sends to ``phone`` (``+86…``) with these error codes, in order."""
        self.scripted[phone].extend(codes)

    def sends(self, action: str) -> list[dict[str, Any]]:
        """Bodies of the accepted requests of ``action`` (``SendSms`` / ``SendTtsVoice``)."""
        return [c["body"] for c in self.calls if c["action"] == action]

    async def wait_sends(self, action: str, count: int) -> None:
        """Return once ``count`` requests of ``action`` have been accepted in all."""
        while len(self.sends(action)) < count:
            self._accepted.clear()
            await self._accepted.wait()

    def _error(self, code: str, message: str) -> web.Response:
        self.refused.append(code)
        body = {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": _rid()}}
        return _answer(body)

    async def _handle(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        body = await request.read()
        service, problem = self._check_signature(request, body)
        if problem:
            return self._error(*problem)
        if self._over_rate(service):
            return self._error("RequestLimitExceeded", "请求的次数超过了频率限制")
        action = request.headers.get("X-TC-Action", "")
        version = request.headers.get("X-TC-Version", "")
        data = json.loads(body)
        if service == "sms" and (action, version) == ("SendSms", "2021-01-11"):
            return self._send_sms(data)
        if service == "vms" and (action, version) == ("SendTtsVoice", "2020-09-02"):
            return self._send_voice(data)
        return self._error("InvalidAction", f"{service} {action} {version} 不存在")

    def _check_signature(
        self, request: web.Request, body: bytes
    ) -> tuple[str, tuple[str, str] | None]:
        auth = request.headers.get("Authorization", "")
        found = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/([\d-]+)/(\w+)/tc3_request, "
            r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})",
            auth,
        )
        if found is None:
            return "", ("AuthFailure.InvalidAuthorization", "Authorization 格式错误")
        secret_id, _, service, signature = found.groups()
        if secret_id != SECRET_ID:
            return service, ("AuthFailure.SecretIdNotFound", "SecretId 不存在")
        stamp = int(request.headers.get("X-TC-Timestamp", "0"))
        if abs(time.time() - stamp) > _SKEW:  # the SDK signs with the wall clock
            return service, ("AuthFailure.SignatureExpire", "签名过期")
        expected = tc3_signature(
            SECRET_KEY,
            service,
            stamp,
            request.headers.get("Host", ""),
            request.headers.get("Content-Type", ""),
            body,
        )
        if not hmac.compare_digest(expected, signature):
            return service, ("AuthFailure.SignatureFailure", "签名错误")
        return service, None

    def _over_rate(self, service: str) -> bool:
        """Whether this request is one too many in the last second (it is counted if not)."""
        return self.max_per_second is not None and not self.window.take(service, self.now())

    def _frequency(self, service: str, phone: str) -> str | None:
        """A scripted code, or the per-number limit; records the send when neither applies."""
        if self.scripted.get(phone):
            return self.scripted[phone].pop(0)
        now = self.now()
        last = self._last.get((service, phone))
        if last is not None and now - last < self.spacing:
            if service == "sms":
                return "LimitExceeded.PhoneNumberThirtySecondLimit"
            return "LimitExceeded.DeliveryFrequencyLimit"
        self._last[(service, phone)] = now
        return None

    def _send_sms(self, data: dict[str, Any]) -> web.Response:
        if data.get("SmsSdkAppId") != self.sms_app:
            return self._error("FailedOperation.SmsSdkAppIdVerifyFail", "SdkAppId 校验失败")
        count = self.templates.sms.get(str(data.get("TemplateId")))
        params = data.get("TemplateParamSet") or []
        if count is None or not data.get("SignName"):
            return self._error(
                "FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配"
            )
        if len(params) != count:
            return self._error(
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "参数个数不匹配"
            )
        statuses = []
        for phone in data.get("PhoneNumberSet") or []:
            code = "InvalidParameterValue.IncorrectPhoneNumber"
            if _PHONE.match(phone):
                code = self._frequency("sms", phone) or "Ok"
            if code != "Ok":
                self.refused.append(code)
            else:
                self.texted.append(phone)
            statuses.append(
                {
                    "SerialNo": f"2028:{next(self._ids):012d}" if code == "Ok" else "",
                    "PhoneNumber": phone,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": data.get("SessionContext", ""),
                    "Code": code,
                    "Message": "send success" if code == "Ok" else code,
                    "IsoCode": "CN",
                }
            )
        self.calls.append({"action": "SendSms", "body": data, "at": self.now()})
        self._accepted.set()
        return _answer({"Response": {"SendStatusSet": statuses, "RequestId": _rid()}})

    def _send_voice(self, data: dict[str, Any]) -> web.Response:
        if data.get("VoiceSdkAppid") != self.voice_app:
            return self._error("InvalidParameterValue.SdkAppidNotExist", "VoiceSdkAppid 不存在")
        count = self.templates.voice.get(str(data.get("TemplateId")))
        if count is None or len(data.get("TemplateParamSet") or []) != count:
            return self._error(
                "FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或参数不匹配"
            )
        phone = str(data.get("CalledNumber", ""))
        if not _CALLED.match(phone):
            return self._error("InvalidParameterValue.CalledNumberVerifyFail", "被叫号码校验失败")
        if code := self._frequency("vms", phone):
            return self._error(code, "呼叫频率受限" if code.startswith("Limit") else code)
        self.calls.append({"action": "SendTtsVoice", "body": data, "at": self.now()})
        self._accepted.set()
        call = {"CallId": f"call-{next(self._ids)}", "SessionContext": data.get("SessionContext")}
        return _answer({"Response": {"SendStatus": call, "RequestId": _rid()}})


def _answer(body: dict[str, Any]) -> web.Response:
    """JSON as 腾讯云 labels it: ``application/json`` without a charset (the SDK reads an error
    only from a body labelled exactly so)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return web.Response(body=data, headers={"Content-Type": "application/json"})


def _rid() -> str:
    return f"fake-{time.monotonic_ns():x}"
