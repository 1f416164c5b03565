"""The `dutybot` command line (Typer): run, demo, doctor, db, users, groups, audit, outbox …"""

from __future__ import annotations

import typer

from bot.cli import (
    audit_cmd,
    broadcast_cmd,
    calendar_cmd,
    db_cmd,
    groups_cmd,
    outbox_cmd,
    report_cmd,
    roster_cmd,
    rules_cmd,
    run_cmd,
    status_cmd,
    telegram_cmd,
    tickets_cmd,
    users_cmd,
)
from bot.cli.common import clock, parse_clock_start, state

app = typer.Typer(
    help="DutyBot 值班助手 — 县政府办公室值班、督办、12345 聊天助手。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    config: str = typer.Option(
        None,
        "--config",
        "-c",
        help="配置文件路径 (config file; default: $DUTYBOT_CONFIG or config.yaml)",
    ),
    clock_start: str = typer.Option(
        None,
        "--clock-start",
        envvar="DUTYBOT_CLOCK_START",
        metavar="ISO时间",
        help=(
            "仅供演练和测试： 本次命令的时钟从该时刻起走， 例如 2026-11-26T10:30+08:00；"
            " 其余照常， 定时任务仍按真实时间触发 "
            "(drills and tests only: start this command's clock at this instant)"
        ),
    ),
) -> None:
    state.config_path = config
    clock.start_at(parse_clock_start(clock_start) if clock_start else None)


run_cmd.register(app)
app.add_typer(db_cmd.app, name="db")
app.add_typer(users_cmd.app, name="users")
app.add_typer(groups_cmd.app, name="groups")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(outbox_cmd.app, name="outbox")
roster_cmd.register(app)
rules_cmd.register(app)
report_cmd.register(app)
app.add_typer(broadcast_cmd.app, name="broadcast")
app.add_typer(telegram_cmd.app, name="telegram")
tickets_cmd.register(app)
calendar_cmd.register(app)
status_cmd.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
