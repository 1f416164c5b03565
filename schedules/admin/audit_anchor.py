"""Daily 审计校验码: anchor the audit chain's head in a file outside the database, tell the admins.

The file and the admins' chat history are two copies the database's owner cannot rewrite;
`dutybot audit verify` holds the chain against the file (bot/store/audit_verify.py).
"""

from __future__ import annotations

import logging

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.store import audit, audit_anchor
from handlers import notify
from models.directory.users import users_with_role

log = logging.getLogger("dutybot.audit")
jobs = JobRegistry("audit_anchor")


@jobs.cron(
    "audit-anchor", "5 0 * * *", help="每天 00:05 生成审计校验码，追加到锚点文件并发给管理员"
)
async def audit_anchor_job(ctx: JobContext) -> None:
    """Anchor the head, append the line, push the code to every admin, audit the run."""
    await audit.keep_months(ctx.session, ctx.config.audit.retention_months)
    anchor = await audit_anchor.take(ctx.session, ctx.now)
    path = ctx.config.audit.anchor_path()
    written = ""
    try:
        audit_anchor.append(path, anchor)
    except OSError as exc:  # the admins still get the code; the file is fixed by hand
        log.error("cannot append the audit anchor to %s: %s", path, exc)
        written = f"\n⚠️ 未能写入锚点文件 {path}：{exc}。请检查 audit.anchor_file 的目录权限。"
    day = ctx.today.isoformat()
    text = (
        f"【审计校验码】{day}：{anchor.code}\n"
        f"审计日志链尾为第 {anchor.seq} 条。请保存本消息；核对时运行 dutybot audit verify，"
        f"锚点文件中的校验码应与本消息一致。{written}"
    )
    admins = [u.id for u in await users_with_role(ctx.session, Role.ADMIN)]
    await notify.tell(
        ctx, admins, Reply(text), key=f"audit-anchor:{day}", kind="alert", fallback=[]
    )
    await audit.append(
        ctx.session,
        ctx.now,
        audit.Entry(
            kind="system",
            command="audit-anchor",
            outcome="ok" if not written else "file-failed",
            detail={"seq": anchor.seq, "code": anchor.code, "file": str(path)},
        ),
    )
