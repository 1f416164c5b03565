"""The root command group that imports a command's module only when that command runs.

``dutybot --help`` lists every command from :data:`COMMANDS` without importing the app,
SQLAlchemy, the features or jieba; ``dutybot users add …`` imports ``bot.cli.users_cmd`` alone.
tests/cli/test_cli_lazy.py checks that the listing equals the commands' own help.
"""

from __future__ import annotations

import importlib
from functools import cache

import typer
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperCommand, TyperGroup

#: Every root command: name, the module under bot/cli that defines it, its help's first line.
#: A module with ``register(root)`` adds its commands itself; any other adds its ``app`` as a
#: group. Listed in the order ``--help`` shows them.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("run", "run_cmd", "启动机器人；无平台凭据时使用控制台聊天 (run the bot)."),
    ("demo", "run_cmd", "写入演示数据：单位、各角色人员、带频道的群 (seed demo data)."),
    ("doctor", "run_cmd", "离线检查配置、数据库和已启用平台的设置 (check configuration offline)."),
    (
        "triage",
        "roster_cmd",
        "从标准输入逐行研判分类与级别，每行输出一个 JSON (classify stdin lines).",
    ),
    ("rules", "rules_cmd", "打印时限规则表及其依据 (print the rule table)."),
    ("report", "report_cmd", "生成督查通报 (supervision report)."),
    ("db", "db_cmd", "数据库结构迁移与备份 (database migrations, backups)."),
    ("users", "users_cmd", "人员、角色与绑定码 (people, roles, bind codes)."),
    ("groups", "groups_cmd", "群聊登记与频道 (group chats and channels)."),
    ("audit", "audit_cmd", "审计日志 (audit log)."),
    ("outbox", "outbox_cmd", "投递队列 (delivery outbox)."),
    ("roster", "roster_cmd", "值班排班表 (duty roster)."),
    ("workday", "rules_cmd", "工作日计算 (working-day calculator)."),
    ("broadcast", "broadcast_cmd", "应急广播 (emergency broadcasts)."),
    ("telegram", "telegram_cmd", "Telegram 机器人设置 (Telegram bot settings)."),
    ("tickets", "tickets_cmd", "12345 工单 (hotline tickets)."),
    ("calendar", "calendar_cmd", "节假日安排 (public holidays and 调休)."),
    ("vehicles", "vehicles_cmd", "公车调派：车辆与驾驶员 (vehicles and drivers)."),
    ("submission", "submission_cmd", "信息报送与值班表报备 (collections from units)."),
    (
        "status",
        "status_cmd",
        "查看运行状态：队列深度、最久未发、到期延迟、实例与平台 (queues, lag, instances).",
    ),
)
_MODULE = {name: module for name, module, _ in COMMANDS}
_HELP = {name: text for name, _, text in COMMANDS}


@cache
def _real(module_name: str, name: str) -> Command:
    """The command ``name`` as its module defines it (imports the module)."""
    module = importlib.import_module(f"bot.cli.{module_name}")
    holder = typer.Typer()
    register = getattr(module, "register", None)
    if register is not None:
        register(holder)
    else:
        holder.add_typer(module.app, name=name)
    return typer.main.get_group(holder).commands[name]


class LazyGroup(TyperGroup):
    """A Typer group whose commands come from :data:`COMMANDS`, each imported when used."""

    #: While listing commands for ``--help``: show :data:`COMMANDS`' help, import nothing.
    #: The test sets it False to render the listing from the real commands.
    placeholders = True
    _listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        """Every command name, in :data:`COMMANDS` order."""
        return [name for name, _, _ in COMMANDS]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        """The command, imported on demand (a light stand-in while listing help)."""
        module_name = _MODULE.get(cmd_name)
        if module_name is None:
            return super().get_command(ctx, cmd_name)
        if self._listing and self.placeholders:
            return TyperCommand(cmd_name, help=_HELP[cmd_name])
        return _real(module_name, cmd_name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """Render help with stand-ins for the commands (see :attr:`placeholders`)."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
