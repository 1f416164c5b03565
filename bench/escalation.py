"""A red broadcast nobody acknowledges, 1,000 recipients: the ladder's SMS and calls at the limit.

Usage: python -m bench escalation [RECIPIENTS] [--rate PER_SECOND] [--margin PERCENT]
       [--provider tencent|aliyun]

李明's red broadcast to a channel of N people, none of whom acknowledges; the ladder is SMS at
5 minutes and a voice call at 10. The clock is a live one that the benchmark jumps to each rung
(so nobody waits minutes), then the real sender delivers the rung's N rows through the 腾讯云
adapters and the official SDK to the local fake (bot/testing/tencent.py), which refuses anything
over RATE requests in any one second per service with ``RequestLimitExceeded`` — or, with
``--provider aliyun``, through the 阿里云 adapters to bot/testing/aliyun.py, which answers
``Throttling.User`` over RATE requests in any one second on the account; the sender's
``rate_limit.overall_per_second`` is set MARGIN % under RATE (default 0: with ``strict_second``
a request counts until a second after its answer, so late arrivals cannot put a 21st request
into a second, bot/delivery/limits.py). Reported from the
fake's own record: per rung, elapsed from the sender's start to the last accepted request, the
physical minimum (N − 1) ÷ RATE, the achieved rate and its shortfall against RATE, throttling
answers (must be 0), and sends per number (must be exactly 1).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.sms import AliyunSms, AliyunVoice, TencentSms, TencentVoice
from bot.app import App, parse_config
from bot.cli.demo import seed
from bot.core.clock import LiveClock
from bot.core.messages import ChatKind, IncomingMessage
from bot.core.roles import Role
from bot.testing import aliyun
from bot.testing.tencent import SECRET_ID, SECRET_KEY, FakeTencent
from models.directory import binding
from models.directory.users import add_user

START = datetime.fromisoformat("2026-11-26T09:00:00+08:00")
#: Per provider: the (sms, voice) actions, how a request names its number, the template ids.
ACTIONS = {"tencent": ("SendSms", "SendTtsVoice"), "aliyun": ("SendSms", "SingleCallByTts")}
NUMBER = {
    "SendSms": lambda b: b.get("PhoneNumbers") or b["PhoneNumberSet"][0],
    "SendTtsVoice": lambda b: b["CalledNumber"],
    "SingleCallByTts": lambda b: b["CalledNumber"],
}
TEMPLATES = {"tencent": ("1000001", "2000001"), "aliyun": ("SMS_460001", "TTS_270001")}
Fake = FakeTencent | aliyun.FakeAliyun


def _config(db: Path, fake: Fake, pace: float, provider: str) -> Any:
    host = fake.url.removeprefix("http://")
    limit = {
        "overall_per_second": pace,
        "per_chat_per_second": 1 / 60,
        "per_group_per_minute": 1,
        "strict_second": True,  # as config.yaml sets for the SMS and voice providers
    }
    common = {
        "enabled": True,
        "provider": provider,
        "endpoint": host,
        "scheme": "http",
        "rate_limit": limit,
    }
    sms_app, voice_app = ("1400000001", "1400000002") if provider == "tencent" else ("", "")
    sms_id, voice_id = TEMPLATES[provider]
    return parse_config(
        {
            "database": {"url": f"sqlite+aiosqlite:///{db}"},
            "channels": ["全体", "演练"],
            "platforms": {
                "sms": {
                    **common,
                    "app_id": sms_app,
                    "sign_name": "某县应急办",
                    "templates": {"red": {"id": sms_id, "params": ["level", "title"]}},
                },
                "voice": {
                    **common,
                    "app_id": voice_app,
                    "templates": {"call": {"id": voice_id, "params": ["title"]}},
                },
            },
            "broadcast": {
                "channels": {"演练": {"orgs": ["演练单位"]}},
                "escalation": {
                    "ladders": {
                        "red": [
                            {"after_minutes": 5, "by": "sms", "template": "red"},
                            {"after_minutes": 10, "by": "voice", "template": "call"},
                        ]
                    },
                    "max_per_person_per_day": 10,
                },
            },
        },
        env={},
    )


def _said(text: str, n: int) -> IncomingMessage:
    return IncomingMessage(
        platform="console",
        chat_id="李明",
        chat_kind=ChatKind.PRIVATE,
        sender_id="李明",
        text=text,
        message_id=f"bench{n}",
    )


async def _deliver(app: App, fake: Fake, action: str, count: int) -> float | None:
    """Run the sender until the fake accepted ``count`` requests of ``action``; seconds taken."""
    stop = asyncio.Event()
    started = time.monotonic()
    sender = asyncio.create_task(app.sender.run(stop))
    try:
        async with asyncio.timeout(max(120.0, count)):
            await fake.wait_sends(action, count)
        return time.monotonic() - started
    except TimeoutError:
        return None
    finally:
        stop.set()
        app.sender.wake()
        await sender


def _fake(clock: LiveClock, rate: float, provider: str) -> Fake:
    if provider == "aliyun":
        return aliyun.FakeAliyun(clock, max_per_second=int(rate), phone_spacing_seconds=1.0)
    return FakeTencent(clock, max_per_second=rate, phone_spacing_seconds=1.0)


def _adapters(config: Any, provider: str) -> dict[str, Any]:
    sms, voice = config.platforms.sms, config.platforms.voice
    if provider == "aliyun":
        return {
            "sms": AliyunSms(sms, aliyun.KEY_ID, aliyun.KEY_SECRET),
            "voice": AliyunVoice(voice, aliyun.KEY_ID, aliyun.KEY_SECRET),
        }
    return {
        "sms": TencentSms(sms, SECRET_ID, SECRET_KEY),
        "voice": TencentVoice(voice, SECRET_ID, SECRET_KEY),
    }


async def _escalate(
    work: Path, count: int, rate: float, margin: float, provider: str
) -> dict[str, Any]:
    clock = LiveClock(START)
    async with _fake(clock, rate, provider) as fake:
        config = _config(work / "bench.db", fake, rate * (1 - margin / 100), provider)
        adapters = _adapters(config, provider)
        app = await App.create(config, clock=clock, adapters=adapters, auto_upgrade=True)
        try:
            async with app.sessions.begin() as session:
                await seed(session, clock.now(), timedelta(hours=1))
                for i in range(count):
                    # Bound on the console (not delivered here): a channel names bound people.
                    user = await add_user(
                        session,
                        name=f"员{i}",
                        org="演练单位",
                        roles={Role.LIAISON},
                        now=clock.now(),
                        new_unit=True,
                        phone=f"139{i:08d}",
                    )
                    await binding.bind_account(session, user, "console", f"员{i}", clock.now())
            await app.dispatcher.receive(_said("应急广播 演练 红色 台风：请立即转移危险区人员", 1))
            await app.dispatcher.receive(_said("确认广播 1", 2))
            sent = clock.now()  # the ladder counts from here
            result: dict[str, Any] = {}
            rungs = zip(("sms", "voice"), ACTIONS[provider], (5, 10), strict=True)
            for platform, action, minutes in rungs:
                clock.set(max(clock.now(), sent + timedelta(minutes=minutes, seconds=1)))
                queued = time.monotonic()
                await app.ticker.tick()
                queue_s = time.monotonic() - queued
                elapsed = await _deliver(app, fake, action, count)
                result[platform] = _figures(fake, action, count, rate, elapsed, queue_s)
            result["throttled"] = len(fake.refused)
            return result
        finally:
            await app.engine.dispose()


def _figures(
    fake: Fake, action: str, count: int, rate: float, elapsed: float | None, queue_s: float
) -> dict[str, Any]:
    numbers = [NUMBER[action](b) for b in fake.sends(action)]
    times = [c["at"] for c in fake.calls if c["action"] == action]
    span = (times[-1] - times[0]) if len(times) > 1 else None
    achieved = (len(times) - 1) / span if span else None
    return {
        "queued_in_s": round(queue_s, 2),
        "elapsed_s": None if elapsed is None else round(elapsed, 2),
        "physical_minimum_s": round((count - 1) / rate, 2),
        "first_to_last_s": None if span is None else round(span, 2),
        "achieved_per_second": None if achieved is None else round(achieved, 3),
        "below_limit_pct": None if achieved is None else round(100 * (1 - achieved / rate), 2),
        "sends_per_number": dict(Counter(Counter(numbers).values())),
    }


async def run(argv: list[str]) -> dict[str, Any]:
    """Run both rungs; print and return their figures."""
    parser = argparse.ArgumentParser(prog="python -m bench escalation")
    parser.add_argument("recipients", type=int, nargs="?", default=1000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--margin", type=float, default=0.0, help="sender's pace under RATE, %%")
    parser.add_argument("--provider", choices=tuple(ACTIONS), default="tencent")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = await _escalate(Path(tmp), args.recipients, args.rate, args.margin, args.provider)
    result["provider"] = args.provider
    result["recipients"], result["rate_limit_per_second"] = args.recipients, args.rate
    result["configured_pace_per_second"] = round(args.rate * (1 - args.margin / 100), 3)
    result["target_met"] = result["throttled"] == 0 and all(
        result[p]["below_limit_pct"] is not None
        and result[p]["below_limit_pct"] <= 3.0
        and result[p]["sends_per_number"] == {1: args.recipients}
        for p in ("sms", "voice")
    )
    for platform in ("sms", "voice"):
        got = result[platform]
        print(
            f"{platform:<6} {got['first_to_last_s']} s first→last "
            f"(minimum {got['physical_minimum_s']} s), {got['achieved_per_second']}/s, "
            f"{got['below_limit_pct']} % under the limit, per number {got['sends_per_number']}"
        )
    print(f"throttling answers {result['throttled']}  target met {result['target_met']}")
    return result
