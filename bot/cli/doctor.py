"""`dutybot doctor`: offline checks of config, database and each enabled platform, with the fix."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.adapters.console import files_dir
from bot.cli.common import console
from bot.config import Config
from bot.core.private_files import exposed, private_dir, sqlite_files
from bot.store.audit_key import ENV, load_key
from bot.store.engine import make_engine
from bot.store.migrate import current_revision, head_revision
from bot.web.signin import base_url

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


def _warn(text: str, fix: str) -> None:
    """Something to know that does not stop the bot: printed, not counted."""
    console.print(f"[yellow]![/yellow] {text}\n    建议：{fix}")


def _audit(cfg: Config) -> int:
    """The audit key's source and the anchor file's place: outside the database directory."""
    key_file = cfg.audit.key_path(cfg.data_dir)
    try:
        key = load_key(key_file, create=False)
    except ValueError as exc:
        if os.environ.get(ENV) or key_file.exists():
            return _report(False, str(exc), f"export {ENV}=$(openssl rand -hex 32)")
        _warn(
            f"未设置 {ENV}：首次运行时将生成密钥文件 {key_file}",
            f"正式部署请在主机的密钥管理中设置 {ENV}（openssl rand -hex 32），不要放在数据库目录",
        )
        key = None
    if key is not None and not key.from_env:
        _warn(
            f"审计密钥取自文件 {key.source}（与数据库在同一台机器上，只适合演示）",
            f"正式部署请设置环境变量 {ENV}，并妥善备份该密钥（丢失后旧记录无法再校验）",
        )
    elif key is not None:
        _report(True, f"审计密钥来自环境变量 {ENV}")
    anchors = cfg.audit.anchor_path().resolve()
    inside = [d for d in _database_dirs(cfg) if anchors.is_relative_to(d)]
    return _report(
        not inside,
        f"审计校验码锚点文件 {anchors} 在数据库目录之外",
        "在 config.yaml 中把 audit.anchor_file 设到数据库目录以外，例如 "
        "/var/lib/dutybot-anchors/audit-anchors.log",
    )


def _database_dirs(cfg: Config) -> list[Path]:
    dirs = [Path(cfg.data_dir).resolve()]
    url = make_url(cfg.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        dirs.append(Path(str(url.database)).expanduser().resolve().parent)
    return dirs


def _private_paths(cfg: Config) -> list[Path]:
    """Every path that holds personal data or the audit's secrets, as configured."""
    data, files = Path(cfg.data_dir), files_dir(cfg)
    paths = [data, data / "dutybot.log", files, cfg.audit.key_path(cfg.data_dir)]
    if files.is_dir():
        paths += sorted(files.iterdir())
    url = make_url(cfg.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        paths += sqlite_files(Path(str(url.database)).expanduser())
    anchors = cfg.audit.anchor_path()
    return [*paths, anchors.parent, anchors]


def _file_modes(cfg: Config) -> int:
    """Files other accounts on the machine can read: each with the chmod that fixes it."""
    found = exposed(_private_paths(cfg))
    for path, fix in found:
        _report(False, f"{path} 可被其他用户读取（含个人信息或审计数据）", fix)
    if not found:
        _report(True, "数据库、日志、发出的文件和审计文件仅本用户可读写")
    return len(found)


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


def _web(cfg: Config) -> int:
    """The dashboard's address: a browser keeps its Secure session cookie only over HTTPS (or
    from this machine itself), so a plain-http address elsewhere would never stay signed in."""
    if not (cfg.http.enabled and cfg.web.enabled):
        return 0
    url = base_url(cfg)
    if cfg.web.insecure_cookies:
        _warn(
            "web.insecure_cookies 为 true：网页登录 Cookie 不带 Secure，只适合本机开发",
            "正式部署请由反向代理以 HTTPS 提供网页版，并把 web.insecure_cookies 设为 false",
        )
        return 0
    local = urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")
    return _report(
        url.startswith("https://") or local,
        f"网页版地址 {url}/web/ 可保存登录 Cookie（HTTPS 或本机）",
        "浏览器只在 HTTPS 下保存登录 Cookie：请由反向代理以 HTTPS 提供，"
        "并设置 web.base_url: https://…（docs/web.md）",
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
        if not data.exists():
            private_dir(data)
        with tempfile.NamedTemporaryFile(dir=data):
            pass
        problems += _report(True, f"数据目录 {data} 可写")
    except OSError as exc:
        problems += _report(False, f"数据目录 {data} 不可写：{exc}", "修改 data_dir 或目录权限")
    problems += await _database(cfg)
    problems += await _admins(cfg)
    problems += _audit(cfg)
    problems += _file_modes(cfg)
    problems += _platforms(cfg)
    problems += _web(cfg)
    summary = "全部检查通过。" if not problems else f"共 {problems} 项需要处理。"
    console.print(("[green]" if not problems else "[red]") + summary + "[/]")
    return problems
