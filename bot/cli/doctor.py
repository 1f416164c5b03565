"""`dutybot doctor`: offline checks of config, database and each enabled platform, with the fix."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from bot.cli.common import console
from bot.config import Config
from bot.store.engine import make_engine
from bot.store.migrate import current_revision, head_revision

# What each platform needs from the environment, with a pattern the value must match.
PLATFORM_ENV: dict[str, dict[str, str]] = {
    "telegram": {"DUTYBOT_TELEGRAM_TOKEN": r"^\d+:[A-Za-z0-9_-]{30,}$"},
    "wecom": {
        "DUTYBOT_WECOM_CORP_ID": r"^ww[0-9a-f]{16}$|^wx[0-9a-f]{16}$",
        "DUTYBOT_WECOM_SECRET": r".{10,}",
        "DUTYBOT_WECOM_TOKEN": r".{3,}",
        "DUTYBOT_WECOM_AES_KEY": r"^[A-Za-z0-9]{43}$",
    },
    "dingtalk": {"DUTYBOT_DINGTALK_APP_KEY": r".{5,}", "DUTYBOT_DINGTALK_APP_SECRET": r".{10,}"},
    "feishu": {
        "DUTYBOT_FEISHU_APP_ID": r"^cli_",
        "DUTYBOT_FEISHU_APP_SECRET": r".{10,}",
        "DUTYBOT_FEISHU_VERIFICATION_TOKEN": r".{8,}",
        "DUTYBOT_FEISHU_ENCRYPT_KEY": r".{8,}",
    },
}


def _report(ok: bool, text: str, fix: str = "") -> int:
    mark = "[green]✓[/green]" if ok else "[red]✗[/red]"
    console.print(f"{mark} {text}" + ("" if ok or not fix else f"\n    处理：{fix}"))
    return 0 if ok else 1


async def _database(cfg: Config) -> int:
    url = cfg.database.url
    embedded = url.startswith("sqlite")
    engine = make_engine(url)
    try:
        current = await current_revision(engine)
        head = head_revision()
        if current == head:
            return _report(True, f"数据库可连接，结构为最新版本 {head}")
        if embedded:
            return _report(
                True, f"SQLite 结构版本 {current or '空'}，dutybot run 时会自动升级到 {head}"
            )
        return _report(
            False, f"数据库结构版本 {current or '空'}，需要 {head}", "运行 dutybot db upgrade"
        )
    except Exception as exc:
        return _report(
            False,
            f"无法连接数据库：{type(exc).__name__}: {exc}",
            "检查 database.url 或 DUTYBOT_DATABASE_URL，确认数据库已启动",
        )
    finally:
        await engine.dispose()


async def _admins(cfg: Config) -> int:
    from bot.core.roles import Role
    from bot.store.engine import make_sessionmaker
    from models.directory.binding import Binding
    from models.directory.users import UserRole

    engine = make_engine(cfg.database.url)
    try:
        async with make_sessionmaker(engine)() as session:
            bound = await session.scalar(
                select(func.count())
                .select_from(UserRole)
                .join(Binding, Binding.user_id == UserRole.user_id)
                .where(UserRole.role == Role.ADMIN.value)
            )
    except Exception:
        return 0  # the database check already reported it
    finally:
        await engine.dispose()
    return _report(
        bool(bound),
        "至少一名管理员已绑定聊天账号（投递失败时需要通知到人）",
        "dutybot users add --name 姓名 --org 单位 --role admin，再用绑定码 /bind",
    )


def _telegram_webhook(cfg: Config) -> int:
    telegram = cfg.platforms.telegram
    if not telegram.enabled or telegram.mode != "webhook":
        return 0
    secret = os.environ.get("DUTYBOT_TELEGRAM_WEBHOOK_SECRET", "")
    problems = _report(
        bool(re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)),
        "telegram webhook：DUTYBOT_TELEGRAM_WEBHOOK_SECRET 已设置",
        "export DUTYBOT_TELEGRAM_WEBHOOK_SECRET=$(openssl rand -hex 32)",
    )
    return problems + _report(
        cfg.http.enabled,
        f"telegram webhook：http 服务已启用（路径 {telegram.webhook_path}）",
        "在 config.yaml 中设置 http.enabled: true，并由反向代理以 HTTPS 转发",
    )


def _platforms(cfg: Config) -> int:
    problems = 0
    for name, needs in PLATFORM_ENV.items():
        if not getattr(cfg.platforms, name).enabled:
            continue
        for var, pattern in needs.items():
            value = os.environ.get(var, "")
            if not value:
                problems += _report(False, f"{name} 已启用但缺少环境变量 {var}", f"export {var}=…")
            elif not re.search(pattern, value):
                problems += _report(False, f"{var} 的格式不对", f"核对 {name} 管理后台给出的值")
            else:
                problems += _report(True, f"{name}：{var} 已设置")
    problems += _telegram_webhook(cfg)
    if cfg.platforms.console.enabled:
        _report(True, "控制台聊天已启用（无需凭据）")
    return problems


async def diagnose(cfg: Config) -> int:
    """Run every check, print the results, return how many failed."""
    problems = _report(True, f"配置有效，时区 {cfg.timezone}")
    data = Path(cfg.data_dir)
    try:
        data.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data):
            pass
        problems += _report(True, f"数据目录 {data} 可写")
    except OSError as exc:
        problems += _report(False, f"数据目录 {data} 不可写：{exc}", "修改 data_dir 或目录权限")
    problems += await _database(cfg)
    problems += await _admins(cfg)
    problems += _platforms(cfg)
    summary = "全部检查通过。" if not problems else f"共 {problems} 项需要处理。"
    console.print(("[green]" if not problems else "[red]") + summary + "[/]")
    return problems
