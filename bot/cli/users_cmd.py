"""`dutybot users add|list|roles|code|revoke|password`: people, roles, bind codes and web
passwords."""

from __future__ import annotations

from datetime import datetime, timedelta

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, in_transaction, run
from bot.config import Config
from bot.core.clock import LocalTime
from bot.core.roles import Role, labels
from bot.web import credentials
from bot.web.signin import base_url
from handlers import REVOKE_HOOKS
from models.directory import binding
from models.directory.revoke import revoke
from models.directory.users import User, add_user, find_user, set_roles

app = typer.Typer(help="人员、角色与绑定码 (people, roles, bind codes).", no_args_is_help=True)
ROLE_HELP = (
    "角色，可重复：admin 管理员 / leader 领导 / officer 值班员 / supervisor 督查员 / "
    "liaison 部门联络员 / viewer 查看者 / dispatcher 车辆调度"
)


def _roles(values: list[str]) -> set[Role]:
    return {Role.parse(v) for v in values}


def _print_code(name: str, code: str, hours: int) -> None:
    console.print(
        f"[green]✓[/green] {name} 的一次性绑定码：[bold]{code}[/bold]（{hours} 小时内有效）"
    )
    console.print(f"  请本人在聊天中发送：/bind {code}（或「绑定 {code}」）")


@app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="姓名 (name)"),
    org: str = typer.Option(..., "--org", help="所属单位：部门或乡镇 (org unit)"),
    role: list[str] = typer.Option(..., "--role", help=ROLE_HELP),
    phone: str = typer.Option(None, "--phone", help="联系电话 (phone)"),
    new_unit: bool = typer.Option(
        False, "--new-unit", help="单位尚未登记时新建 (create the unit on purpose)"
    ),
    allow_duplicate: bool = typer.Option(
        False, "--allow-duplicate", help="同单位已有同名人员时仍添加 (a namesake on purpose)"
    ),
) -> None:
    """添加人员并打印一次性绑定码；单位须已登记 (add a person to a known unit, print a code)."""
    cfg = config()
    hours = cfg.bind.code_ttl_hours

    async def work(session: AsyncSession) -> tuple[int, str]:
        user = await add_user(
            session,
            name=name,
            org=org,
            roles=_roles(role),
            now=clock.now(),
            phone=phone,
            new_unit=new_unit,
            allow_duplicate=allow_duplicate,
        )
        code = await binding.issue_code(session, user, clock.now(), timedelta(hours=hours))
        return user.id, code

    detail = {"name": name, "org": org, "new_unit": new_unit, "duplicate": allow_duplicate}
    user_id, code = run(in_transaction(cfg, work, command="users add", detail=detail))
    if allow_duplicate:
        console.print(f"  同名人员请以编号 {user_id} 指代（名单、值班表导入均可写编号）")
    _print_code(name, code, hours)


@app.command("code")
def new_code(person: str = typer.Argument(..., help="姓名、姓名@单位或编号 (person)")) -> None:
    """重新生成绑定码（旧码作废）(issue a fresh bind code)."""
    cfg = config()
    hours = cfg.bind.code_ttl_hours

    async def work(session: AsyncSession) -> tuple[str, str]:
        user = await find_user(session, person)
        code = await binding.issue_code(session, user, clock.now(), timedelta(hours=hours))
        return user.name, code

    name, code = run(in_transaction(cfg, work, command="users code", detail={"person": person}))
    _print_code(name, code, hours)


@app.command("list")
def list_users() -> None:
    """列出在册人员 (list people)."""

    async def work(session: AsyncSession) -> list[tuple[User, list[str]]]:
        users = list(await session.scalars(select(User).order_by(User.id)))
        return [(u, [b.platform for b in await binding.accounts_of(session, u.id)]) for u in users]

    table = Table("编号", "姓名", "单位", "角色", "已绑定", "状态")
    for user, platforms in run(in_transaction(config(), work)):
        table.add_row(
            str(user.id),
            user.name,
            user.org.name,
            labels(user.roles),
            "、".join(platforms) or "—",
            "在用" if user.active else "已停用",
        )
    console.print(table)


@app.command("roles")
def roles(
    person: str = typer.Argument(..., help="姓名、姓名@单位或编号 (person)"),
    role: list[str] = typer.Option(..., "--role", help=ROLE_HELP),
) -> None:
    """设置人员角色（替换原有角色）(replace a person's roles)."""

    async def work(session: AsyncSession) -> str:
        user = await find_user(session, person)
        await set_roles(session, user, _roles(role))
        return f"{user.name} 的角色已设为：{labels(user.roles)}"

    console.print(
        "[green]✓[/green] "
        + run(
            in_transaction(
                config(), work, command="users roles", detail={"person": person, "roles": role}
            )
        )
    )


async def revoke_person(
    session: AsyncSession, cfg: Config, now: datetime, person: str, successor: str | None = None
) -> list[str]:
    """Revoke ``person`` and let every feature settle what still names them.

    Returns:
        What was done, one line each, the first saying who was revoked.
    """
    user = await find_user(session, person)
    heir = await find_user(session, successor) if successor else None
    rev = await revoke(session, now, user, heir)
    lines = [f"{user.name} 已停用，解除绑定 {len(rev.accounts)} 个账号。"]
    if rev.withdrawn:
        lines.append(f"撤回尚未发出的消息 {rev.withdrawn} 条（原账号不再收到）")
    tz = LocalTime(cfg.timezone)
    for hook in REVOKE_HOOKS:
        lines += await hook(session, cfg, tz, rev)
    return lines


@app.command("revoke")
def revoke_cmd(
    person: str = typer.Argument(..., help="姓名、姓名@单位或编号 (person)"),
    to: str = typer.Option(
        None, "--to", help="接替人：其未确认的广播回执转给此人 (successor for open receipts)"
    ),
) -> None:
    """停用人员并解除其全部聊天账号绑定；待发消息撤回，广播回执取消或转给接替人 (revoke)."""
    cfg = config()

    async def work(session: AsyncSession) -> list[str]:
        return await revoke_person(session, cfg, clock.now(), person, to)

    detail = {"person": person, "to": to}
    lines = run(in_transaction(cfg, work, command="users revoke", detail=detail))
    console.print("[green]✓[/green] " + lines[0])
    for line in lines[1:]:
        console.print(f"  {line}")


@app.command("password")
def password_cmd(
    person: str = typer.Argument(..., help="姓名、姓名@单位或编号 (person)"),
) -> None:
    """设置网页版登录密码（输入两次，不回显；其已登录的网页会话结束）(set a web password)."""
    secret = typer.prompt("新密码", hide_input=True, confirmation_prompt="再输入一次")
    cfg = config()

    async def work(session: AsyncSession) -> str:
        user = await find_user(session, person)
        await credentials.set_password(session, user.id, secret, clock.now())
        return user.name

    name = run(in_transaction(cfg, work, command="users password", detail={"person": person}))
    console.print(
        f"[green]✓[/green] 已设置 {name} 的网页版登录密码。登录地址：{base_url(cfg)}/web/"
    )
