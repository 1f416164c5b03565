"""``python -m bench broadcast --mix``: one red broadcast over four kinds of recipient at once.

Usage: python -m bench broadcast --mix [--quick] [--telegram N] [--wecom-users N]
[--wecom-robots N] [--dingtalk-robots N] [--driver ptb|aiogram]

A leader's ``应急广播 演练 红色 …`` to a channel whose roster is people bound on Telegram and on
the WeCom app, and whose groups are WeCom group robots and DingTalk custom robots; then
``确认广播 1``. The real sender delivers through the real adapters to the local fakes
(bot/testing), each enforcing its platform's published limits with its real throttling answers:
Telegram 30/s overall (429), WeCom app 2,000 calls a minute (45009) and 30 a minute per member
(silently dropped), each WeCom robot 20 a minute (45009), each DingTalk robot 20 a minute
(130101, then throttled for 10 minutes). The sender keeps those limits from config (the bench
gives it the published figures). Per platform, from the fake's own record: messages it
accepted, seconds from the sender's start to the last one, the physical minimum those messages
need under the published limits (:func:`minimum`), their ratio, limit errors, copies per
recipient. The split (docs/benchmarks.md §--mix) makes the two paced platforms take about the
same time, so one waiting behind the other would double its time.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import _mix_setup as setup
from bench._mix_setup import FIRST_CHAT, audience, said
from bot.adapters import dingtalk, wecom
from bot.adapters.telegram import build_telegram
from bot.app import App
from bot.core.clock import SystemClock
from bot.http.server import HttpServer
from bot.testing import dingtalk as fake_dingtalk
from bot.testing import wecom as fake_wecom
from bot.testing.dingtalk import FakeDingTalk
from bot.testing.telegram.local_bot import local_server
from bot.testing.wecom import FakeWeCom

TEXT = "台风红色预警：请立即组织危险区域人员转移"
FULL = {"telegram": 560, "wecom_users": 300, "wecom_robots": 70, "dingtalk_robots": 70}
QUICK = {"telegram": 40, "wecom_users": 20, "wecom_robots": 10, "dingtalk_robots": 10}


@dataclass(frozen=True)
class Limit:
    """A published limit: at most ``most`` messages in ``seconds`` (overall or per target)."""

    most: int
    seconds: float


def minimum(per_target: list[int], overall: Limit | None, target: Limit | None) -> float:
    """Seconds the last of these messages goes out at the earliest, under published limits.

    An overall rate is kept evenly (``(n − 1)`` gaps of ``seconds ÷ most``), as Telegram asks
    and the outbox does; a per-target window lets ``most`` go at once and the next ``most`` a
    window later (a robot: 20, then 20 more a minute after the first).
    """
    spread = 0.0
    if overall is not None:
        spread = (sum(per_target) - 1) * overall.seconds / overall.most
    windows = 0.0
    if target is not None:
        windows = max(
            ((math.ceil(k / target.most) - 1) * target.seconds for k in per_target if k),
            default=0.0,
        )
    return max(spread, windows, 0.0)


@dataclass
class Lane:
    """One platform's share: its receivers as its fake records them, and its limits."""

    receivers: list[Any]
    fake: Any
    errors: Callable[[], int]
    overall: Limit | None
    target: Limit | None

    def copies(self, receiver: Any) -> int:
        """Broadcast copies ``receiver`` got."""
        return sum(TEXT in t for t in self.fake.texts(receiver))

    def messages(self, receiver: Any) -> int:
        """Messages (texts, cards) ``receiver`` got."""
        found = self.fake.sent_to(receiver) if hasattr(self.fake, "chats") else None
        return len(found) if found is not None else len(self.fake.to(receiver))


def _lanes(split: dict[str, int], tg: Any, wc: FakeWeCom, dt: FakeDingTalk) -> dict[str, Lane]:
    return {
        "telegram": Lane(
            [FIRST_CHAT + i for i in range(split["telegram"])],
            tg,
            lambda: tg.throttled,
            Limit(30, 1),
            Limit(1, 1),
        ),
        "wecom_app": Lane(
            [f"u{i}" for i in range(split["wecom_users"])],
            wc,
            lambda: wc.throttled - wc.robot_throttled + wc.dropped,
            Limit(fake_wecom.APP_CALLS_PER_MINUTE, 60),
            Limit(fake_wecom.MEMBER_PER_MINUTE, 60),
        ),
        "wecom_robots": Lane(
            [f"robot:robot-key-w{i}" for i in range(split["wecom_robots"])],
            wc,
            lambda: wc.robot_throttled,
            None,
            Limit(fake_wecom.ROBOT_PER_MINUTE, 60),
        ),
        "dingtalk_robots": Lane(
            [f"robot:d{i}" for i in range(split["dingtalk_robots"])],
            dt,
            lambda: dt.throttled,
            None,
            Limit(fake_dingtalk.ROBOT_PER_MINUTE, 60),
        ),
    }


async def _send_all(app: App, lanes: dict[str, Lane], within: float) -> float:
    """Run the sender until every lane's fake holds its copies; returns the start time."""
    stop = asyncio.Event()
    started = time.monotonic()
    sender = asyncio.create_task(app.sender.run(stop))
    try:
        async with asyncio.timeout(within):
            while True:  # the fakes' record, read as the bench's observer does
                missing = [
                    name
                    for name, lane in lanes.items()
                    if sum(lane.copies(r) for r in lane.receivers) < len(lane.receivers)
                ]
                if not missing:
                    break
                await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # anything beyond one copy would show now
    except TimeoutError:
        pass
    finally:
        stop.set()
        app.sender.wake()
        await sender
    return started


async def mix(split: dict[str, int], driver: str = "ptb", within: float = 300) -> dict[str, Any]:
    """One red broadcast over the split; figures per platform (see the module docstring)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            local_server(True) as tg,
            FakeWeCom(SystemClock()) as wc,
            FakeDingTalk(SystemClock()) as dt,
        ):
            env = setup.env(split, dt)
            config = setup.config(Path(tmp) / "mix.db", tg.base_url, wc.url, dt.url, split, driver)
            http = HttpServer("127.0.0.1", 0)  # never started: sending only
            adapters: dict[str, Any] = {
                "telegram": build_telegram(config.platforms.telegram, None, env),
                "wecom": wecom.create_adapter(config, http, env),
                "dingtalk": dingtalk.create_adapter(config, http, env),
            }
            app = await App.create(config, clock=SystemClock(), adapters=adapters, http=http)
            adapters["telegram"].dispatcher = app.dispatcher
            await adapters["telegram"].api.open()
            try:
                await audience(app, split)
                await app.dispatcher.receive(said(f"应急广播 演练 红色 {TEXT}", 1))
                await app.dispatcher.receive(said("确认广播 1", 2))
                lanes = _lanes(split, tg, wc, dt)
                started = await _send_all(app, lanes, within)
            finally:
                await adapters["telegram"].api.close()
                await adapters["wecom"].client.close()
                await adapters["dingtalk"].client.close()
                await app.engine.dispose()
            # The clock starts at the broadcast's first message on any platform: the sender's
            # warm-up (first queries compiled, connections opened) is not the platforms' limit,
            # and a platform held back behind another still shows in full.
            first = min((lane.fake.first_sent or started for lane in lanes.values()), default=0)
            return {name: _figures(lane, started, first) for name, lane in lanes.items()}


def _figures(lane: Lane, started: float, first: float) -> dict[str, Any]:
    copies = Counter(lane.copies(r) for r in lane.receivers)
    per_target = [lane.messages(r) for r in lane.receivers]
    least = minimum(per_target, lane.overall, lane.target)
    last = max((lane.fake.sent_at.get(r, 0.0) for r in lane.receivers), default=0.0)
    began = min(lane.fake.sent_at.get(r, last) for r in lane.receivers)
    seconds = max(last - first, 0.0)
    return {
        "recipients": len(lane.receivers),
        "messages": sum(per_target),
        "seconds": round(seconds, 2),
        "seconds_from_sender_start": round(last - started, 2),
        # When this platform's first recipient was served: late means it waited for another.
        "first_at_s": round(began - first, 2),
        "physical_minimum_s": round(least, 2),
        # Robots carry one message each: nothing published holds them back (minimum 0 s).
        "ratio": round(seconds / least, 3) if least > 0 else None,
        "limit_errors": lane.errors(),
        "copies": dict(sorted(copies.items())),
    }


def _print(split: dict[str, int], result: dict[str, dict[str, Any]]) -> None:
    print(f"split: {split} ({sum(split.values())} recipients)")
    print(
        f"{'platform':<16} {'recipients':>10} {'messages':>8} {'seconds':>8} {'minimum':>8} "
        f"{'ratio':>6} {'limit errors':>12} {'from start':>10}  copies"
    )
    for name, f in result.items():
        ratio = "—" if f["ratio"] is None else f"{f['ratio']:.3f}"
        print(
            f"{name:<16} {f['recipients']:>10} {f['messages']:>8} {f['seconds']:>8.2f} "
            f"{f['physical_minimum_s']:>8.2f} {ratio:>6} {f['limit_errors']:>12} "
            f"{f['seconds_from_sender_start']:>10.2f}  {f['copies']}"
        )


async def run_mix(argv: list[str]) -> dict[str, Any]:
    """Parse the ``--mix`` options, run once, print a table; the JSON line is bench's."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench broadcast --mix")
    parser.add_argument("--mix", action="store_true")
    parser.add_argument("--quick", action="store_true", help="80 recipients (smoke test)")
    parser.add_argument("--driver", choices=["ptb", "aiogram"], default="ptb")
    for key in FULL:
        parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=None)
    args = parser.parse_args(argv)
    split = dict(QUICK if args.quick else FULL)
    for key in FULL:
        if (value := getattr(args, key)) is not None:
            split[key] = value
    result = await mix(split, args.driver)
    _print(split, result)
    failed = [
        name
        for name, f in result.items()
        if f["copies"] != {1: f["recipients"]} or f["limit_errors"]
    ]
    if failed:
        raise SystemExit(
            f"FAILED: {', '.join(failed)}: not exactly one copy each, or limit errors"
        )
    return {"driver": args.driver, "split": split, **result}
