"""Emergency broadcast to 1,000 people through the Telegram adapter and the local Bot API server.

Usage: python -m bench broadcast [RECIPIENTS] [--driver ptb|aiogram]
       python -m bench broadcast --mix [--quick] … (Telegram, WeCom and DingTalk at once:
       bench/_broadcast_mix.py)

A leader's ``应急广播 演练 红色 …`` to a channel whose roster is N people bound on Telegram,
then ``确认广播 1``: the dispatcher and handlers queue one at-most-once EMERGENCY row per person,
and the real sender delivers them through the real Telegram adapter (python-telegram-bot or
aiogram) to the local Bot API server of the tests, which answers 429 to anything over 30
messages/s overall or one a second to a chat. Reported, from the server's own record: elapsed
from the sender's start to the last message it accepted, the physical minimum (N − 1) ÷ 30/s,
their ratio, its 429 count, and the copies each recipient got (must be exactly 1). Baseline in
the same run: the same broadcast with every limit off (server and sender) — what the pipeline
itself can do on this machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from bot.cli.demo import seed
from bot.core.messages import ChatKind, IncomingMessage
from bot.core.roles import Role
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.testing.telegram.local_bot import bot_config, local_bot, local_server, send_until
from models.directory import binding
from models.directory.users import add_user

TEXT = "台风红色预警：请立即组织危险区域人员转移"
FIRST_CHAT = 10_000


def _said(text: str, n: int) -> IncomingMessage:
    """The leader (李明 in the demo county, on the console) types ``text``."""
    return IncomingMessage(
        platform="console",
        chat_id="李明",
        chat_kind=ChatKind.PRIVATE,
        sender_id="李明",
        text=text,
        message_id=f"bench{n}",
    )


async def _roster(app: App, count: int) -> None:
    """The demo county plus ``count`` people of 演练单位, each bound to a Telegram chat."""
    async with app.sessions.begin() as session:
        await seed(session, app.clock.now(), timedelta(hours=1))
        for i in range(count):
            user = await add_user(
                session,
                name=f"员{i}",
                org="演练单位",
                roles={Role.LIAISON},
                now=app.clock.now(),
                new_unit=True,
            )
            await binding.bind_account(
                session, user, "telegram", str(FIRST_CHAT + i), user.created_at
            )


async def _unsent(app: App) -> int:
    async with app.sessions() as session:
        found = await session.scalar(
            select(func.count()).where(
                OutboxMessage.platform == "telegram",
                OutboxMessage.status != OutboxStatus.SENT.value,
            )
        )
    return int(found or 0)


async def _broadcast(work: Path, driver: str, count: int, limited: bool) -> dict[str, Any]:
    db = work / f"bench-{time.monotonic_ns()}.db"
    roster = {"channels": {"演练": {"orgs": ["演练单位"]}}}
    async with local_server(limited) as fake:
        config = bot_config(
            f"sqlite+aiosqlite:///{db}",
            fake.base_url,
            driver=driver,
            limited=limited,
            channels=["全体", "演练"],
            broadcast=roster,
        )
        async with local_bot(config) as app:
            await _roster(app, count)
            await app.dispatcher.receive(_said(f"应急广播 演练 红色 {TEXT}", 1))
            await app.dispatcher.receive(_said("确认广播 1", 2))  # queued, not sent yet
            elapsed = await send_until(app, fake, count, within=max(60.0, count))
            unsent = await _unsent(app)
        chats = [FIRST_CHAT + i for i in range(count)]
        copies = Counter(sum(TEXT in t for t in fake.texts(chat)) for chat in chats)
        return {
            "elapsed_s": None if elapsed is None else round(elapsed, 2),
            "http_429": fake.throttled,
            "copies_per_recipient": dict(sorted(copies.items())),
            "rows_not_sent": unsent,
            "messages_accepted": fake.sent_count,
        }


async def run(argv: list[str]) -> dict[str, Any]:
    """Run the baseline and the limited broadcast; print and return their figures."""
    if "--mix" in argv:
        from bench._broadcast_mix import run_mix

        return await run_mix(argv)
    parser = argparse.ArgumentParser(prog="python -m bench broadcast")
    parser.add_argument("recipients", type=int, nargs="?", default=1000)
    parser.add_argument("--driver", choices=["ptb", "aiogram"], default="ptb")
    args = parser.parse_args(argv)
    count = args.recipients
    minimum = (count - 1) / 30  # Telegram: 30 messages a second overall
    with tempfile.TemporaryDirectory() as tmp:
        baseline = await _broadcast(Path(tmp), args.driver, count, limited=False)
        limited = await _broadcast(Path(tmp), args.driver, count, limited=True)
    elapsed = limited["elapsed_s"]
    result = {
        "driver": args.driver,
        "recipients": count,
        "physical_minimum_s": round(minimum, 2),
        "baseline_no_limits": baseline,
        "telegram_limits": limited,
        "ratio_to_minimum": None if elapsed is None else round(elapsed / minimum, 3),
        "exactly_one_copy_each": all(
            r["copies_per_recipient"] == {1: count} and r["rows_not_sent"] == 0
            for r in (baseline, limited)
        ),
    }
    print(f"physical minimum        {minimum:8.2f} s  ({count} messages at 30/s)")
    for name, run_ in (("baseline, no limits", baseline), ("Telegram's limits", limited)):
        took = "timed out" if run_["elapsed_s"] is None else f"{run_['elapsed_s']:8.2f} s"
        print(
            f"{name:<22} {took}  429s {run_['http_429']}  "
            f"copies per recipient {run_['copies_per_recipient']}  unsent {run_['rows_not_sent']}"
        )
    print(f"ratio to the minimum   {result['ratio_to_minimum']}")
    if not result["exactly_one_copy_each"]:
        raise SystemExit("FAILED: not every recipient got exactly one copy")
    return result
