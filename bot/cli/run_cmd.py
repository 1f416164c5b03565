"""`dutybot run`, `dutybot demo` and `dutybot doctor`."""

from __future__ import annotations

import asyncio
import gc
import secrets
from datetime import timedelta
from pathlib import Path

import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run, setup_logging
from bot.cli.demo import PEOPLE, UNBOUND, DemoResult, seed, seed_roster
from bot.cli.demo_tickets import seed_tickets
from bot.cli.doctor import diagnose
from bot.config import Config
from models.directory import binding
from models.directory.users import User


async def _seed(cfg: Config) -> None:
    ttl = timedelta(hours=cfg.bind.code_ttl_hours)

    tickets: list[str] = []

    async def work(session: AsyncSession) -> tuple[DemoResult, bool]:
        result = await seed(session, clock.now(), ttl)
        if result.created:
            await seed_roster(session, clock.now(), cfg)
            tickets.extend(await seed_tickets(session, clock.now(), cfg))
            return result, True
        return result, await _waits_to_bind(session)

    result, unbound = await in_transaction(cfg, work, command="demo")
    if not result.created:
        console.print("数据库里已有人员，未重复写入演示数据。")
        if unbound:
            console.print(f"  {UNBOUND} 尚未绑定；绑定码只在首次写入时显示。")
            console.print(f"  重新生成（旧码作废）：dutybot users code {UNBOUND}")
            console.print(f"  然后：dutybot run --as {UNBOUND}，发送 /bind 绑定码")
        return
    names = "、".join(p[0] for p in PEOPLE if p[0] != UNBOUND)
    console.print(f"[green]✓ 已写入演示数据[/green]：8 个单位、{len(PEOPLE)} 名人员、3 个群。")
    console.print(f"  控制台可用身份：{names}（例如 dutybot run --as 张三）")
    console.print(f"  12345 工单 {len(tickets)} 张（含超期、典型案例、疑似重复），可试：")
    console.print(f"  工单 {tickets[0]}　工单 超期　工单 搜索 路灯 不亮")
    console.print(
        f"  {UNBOUND} 尚未绑定，可体验绑定：dutybot run --as {UNBOUND}，"
        f"然后发送 /bind {result.bind_code}"
    )


async def _waits_to_bind(session: AsyncSession) -> bool:
    """The demo's unbound person is still there, active and without an account."""
    person = await session.scalar(
        select(User).where(User.name == UNBOUND, User.active.is_(True)).limit(1)
    )
    return person is not None and not await binding.accounts_of(session, person.id)


def demo() -> None:
    """写入演示数据：单位、各角色人员、带频道的群 (seed demo data)."""
    run(_seed(config()))


async def _run(cfg: Config, user: str | None, group: str | None, with_demo: bool) -> None:
    from bot.adapters.console import ConsoleAdapter, files_dir
    from bot.app import App, build_adapters
    from bot.cli.console import chat
    from bot.http.server import HttpServer

    if with_demo:
        await _seed(cfg)
    console_adapter = ConsoleAdapter(session_tag=f"{secrets.token_hex(3)}-", files=files_dir(cfg))
    http = HttpServer(cfg.http.host, cfg.http.port)
    adapters = build_adapters(cfg, http, console_adapter, clock)
    app = await App.create(cfg, clock=clock, adapters=adapters, http=http)
    try:
        await app.start()
        # What start-up loaded lives as long as the process: out of the collector's sight, a
        # full collection walks only what was made since — at 10,000 reminders a minute it
        # paused the loop up to 0.4 s, now about 10 ms. See
        # docs/benchmarks.md §Batched audit appends and records
        gc.freeze()
        if cfg.http.enabled and cfg.web.enabled:
            from bot.web.signin import base_url

            console.print(
                f"网页版：{base_url(cfg)}/web/ （在与机器人的私聊中发送 /web 获取一次性登录链接）"
            )
        if "console" in app.adapters:
            if not user:
                async with app.sessions() as session:
                    count = await session.scalar(select(func.count()).select_from(User))
                hint = "先运行 dutybot demo 写入演示数据，" if not count else ""
                raise typer.BadParameter(f"请用 --as 指定控制台身份，例如 --as 张三。{hint}")
            console_adapter.user = user
            console_adapter.group = group
            await chat(app, console_adapter)
        else:
            console.print("DutyBot 已启动，按 Ctrl+C 停止。")
            await asyncio.Event().wait()
    finally:
        await app.stop()


def run_bot(
    as_user: str = typer.Option(None, "--as", help="控制台身份：以谁的名义发言 (console user)"),
    group: str = typer.Option(None, "--group", help="在控制台里模拟的群名 (console group chat)"),
    with_demo: bool = typer.Option(
        False, "--demo", help="先写入演示数据（已有则跳过）(seed demo)"
    ),
) -> None:
    """启动机器人；无平台凭据时使用控制台聊天 (run the bot).

    演练和测试可让时钟从指定时刻起走： dutybot --clock-start 2026-11-26T10:30+08:00 run …
    （或设置 DUTYBOT_CLOCK_START）。
    """
    cfg = config()
    setup_logging(Path(cfg.data_dir) / "dutybot.log")
    try:
        run(_run(cfg, as_user, group, with_demo))
    except typer.BadParameter as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        console.print("\n已停止。")


def doctor() -> None:
    """离线检查配置、数据库和已启用平台的设置 (check configuration offline)."""
    problems = run(diagnose(config()))
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the top-level commands."""
    app.command("run")(run_bot)
    app.command("demo")(demo)
    app.command("doctor")(doctor)
