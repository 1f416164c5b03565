"""The providers' pushes of SMS replies and call key presses, as neutral phone events.

Shapes (docs/platforms.md §SMS replies and call key presses, with what was verified):

- 阿里云 SMS ``SmsUp`` (HTTP 批量推送): a JSON array of ``{phone_number, send_time, content,
  sign_name, dest_code, sequence_id}``, ``send_time`` as ``YYYY-MM-DD HH:MM:SS`` Beijing time;
  answered ``{"code": 0, "msg": "接收成功"}``.
- 阿里云 voice ``VoiceReport`` / ``VoiceCallReport``: a JSON array of ``{call_id, status_code,
  dtmf, status_time | end_time, callee, out_id, …}``; an item with ``dtmf`` is a key press.
- 腾讯云 SMS 回复回调: one object ``{nationcode, mobile, text, sign, time, extend}`` (``time``
  in Unix seconds); answered ``{"result": 0, "errmsg": "OK"}``.
- 腾讯云 VMS 按键回调: ``{"voicekey_callback": {callid, keypress, mobile, nationcode,
  call_from}}`` — it carries no time; other ``…_callback`` objects on the URL are not key presses.

An item that does not parse is skipped (and logged), never the whole batch.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import phones
from bot.core.phone_inbound import KeyPress, PhoneEvent, PhoneReply

log = logging.getLogger("dutybot.phone")

BEIJING = ZoneInfo("Asia/Shanghai")  # 阿里云 writes push times in China Standard Time
ANSWERS = {"aliyun": {"code": 0, "msg": "接收成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


def events(provider: str, platform: str, body: Any, now: datetime) -> Iterator[PhoneEvent]:
    """The replies or key presses in one push (``now`` stands in when it carries no time).

    Raises:
        ValueError: the body is not the provider's shape at all.
    """
    items = _items(provider, platform, body)
    for item in items:
        try:
            found = _event(provider, platform, item, now)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("%s %s push item skipped: %s", provider, platform, type(exc).__name__)
            continue
        if found is not None:
            yield found


def _items(provider: str, platform: str, body: Any) -> list[dict[str, Any]]:
    if provider == "aliyun":
        if not isinstance(body, list):
            raise ValueError("阿里云推送应为 JSON 数组")
        return [item for item in body if isinstance(item, dict)]
    if not isinstance(body, dict):
        raise ValueError("腾讯云推送应为 JSON 对象")
    if platform == "voice":
        press = body.get("voicekey_callback")
        return [press] if isinstance(press, dict) else []  # a status report: nothing to do
    return [body]


def _event(provider: str, platform: str, item: dict[str, Any], now: datetime) -> PhoneEvent | None:
    if (provider, platform) == ("aliyun", "sms"):
        phone = phones.normalize(str(item["phone_number"]))
        return PhoneReply(
            platform,
            provider,
            phone,
            str(item["content"]),
            _beijing(str(item["send_time"])),
            f"{item['sequence_id']}:{phone}",
        )
    if (provider, platform) == ("aliyun", "voice"):
        keys = str(item.get("dtmf") or "")
        if not keys:
            return None  # a call report without key presses
        stamp = item.get("status_time") or item.get("end_time") or item.get("start_time")
        called = str(item.get("callee") or "")
        call_id = str(item["call_id"])
        return KeyPress(
            platform,
            provider,
            call_id,
            keys,
            phones.optional(called) if "*" not in called else "",
            _beijing(str(stamp)) if stamp else now,
            f"{call_id}:{keys}",
        )
    if str(item.get("nationcode", "86")) != "86":
        raise ValueError("only numbers in mainland China are reachable")
    phone = phones.normalize(str(item["mobile"]))
    if platform == "sms":
        text = str(item["text"])
        at = datetime.fromtimestamp(int(item["time"]), UTC)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return PhoneReply(platform, provider, phone, text, at, f"{phone}:{item['time']}:{digest}")
    call_id, keys = str(item["callid"]), str(item["keypress"])
    return KeyPress(platform, provider, call_id, keys, phone, now, f"{call_id}:{keys}")


def _beijing(stamp: str) -> datetime:
    """``2017-09-01 00:00:00`` in Beijing time, as UTC."""
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING).astimezone(UTC)
