"""Broadcast through the outbox to a local Bot API server that enforces Telegram's limits.

Usage: python -m bench telegram-broadcast [--driver ptb|aiogram] [--chats 1000] [--groups 30]
[--per-group 10]

Runs: (1) one message to each of N private chats, (2) K messages to each of G groups, and a
baseline (1) with limits off, to show the pipeline itself is not the bottleneck. For each run:
elapsed seconds from the sender's start to the last message the server accepted, the physical
minimum under Telegram's limits (count ÷ 30/s overall; per group, 1 message/s and at most 20 in
any minute), their ratio, and how many 429s the server answered.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.testing.telegram.local_bot import bot_config, local_bot, local_server, send_until


async def _broadcast(
    workdir: Path, driver: str, targets: list[int], per_target: int, limited: bool
) -> dict[str, Any]:
    db = workdir / f"bench-{time.monotonic_ns()}.db"
    count = len(targets) * per_target
    async with local_server(limited) as fake:
        config = bot_config(
            f"sqlite+aiosqlite:///{db}", fake.base_url, driver=driver, limited=limited
        )
        async with local_bot(config) as app:
            async with app.sessions.begin() as session:
                for round_ in range(per_target):
                    for chat in targets:
                        await outbox.enqueue(
                            session,
                            app.clock.now(),
                            Target("telegram", str(chat)),
                            Reply(
                                f"【防汛应急】第 {round_ + 1} 号通报：请各单位立即落实值班值守。"
                            ),
                            key=f"bench:{chat}:{round_}",
                            priority=outbox.Priority.EMERGENCY,
                        )
            elapsed = await send_until(app, fake, count, within=count)
        throttled = fake.throttled
    if elapsed is None:
        raise RuntimeError(f"the server did not get all {count} messages")
    groups = any(c < 0 for c in targets)
    minimum = (count - 1) / 30
    if groups:
        # One group's K messages: 1/s per chat, and the 21st no sooner than a minute after the 1st.
        minimum = max(minimum, per_target - 1, (per_target - 1) // 20 * 60)
    return {
        "messages": count,
        "elapsed_s": round(elapsed, 3),
        "minimum_s": round(minimum, 3),
        "ratio": round(elapsed / minimum, 4) if limited else None,
        "rate_per_s": round(count / elapsed, 1),
        "http_429": throttled,
    }


async def run(argv: list[str]) -> dict[str, Any]:
    """Run the three broadcasts and print their figures."""
    parser = argparse.ArgumentParser(prog="python -m bench telegram-broadcast")
    parser.add_argument("--driver", choices=["ptb", "aiogram"], default="ptb")
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=30)
    parser.add_argument("--per-group", type=int, default=10)
    args = parser.parse_args(argv)
    chats = [10_000 + i for i in range(args.chats)]
    groups = [-1_000_000 - i for i in range(args.groups)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result = {
            "driver": args.driver,
            "baseline_unlimited": await _broadcast(work, args.driver, chats, 1, limited=False),
            "private_chats": await _broadcast(work, args.driver, chats, 1, limited=True),
            "groups": await _broadcast(work, args.driver, groups, args.per_group, limited=True),
        }
    for name in ("baseline_unlimited", "private_chats", "groups"):
        print(f"{name:>20}: {result[name]}")
    return result
