"""The duty log in chat: /log KIND text (记录 来电/来文/上级指令/突发/其他) asks for the missing
fields one by one; free text is triaged, grave entries reach the 带班领导 at once. /logs [DATE]."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.privacy import mask_text, unmasked_for
from bot.core.roles import Role
from bot.core.routing import Router
from bot.store import outbox
from models.duty import incident as duty_incident
from models.duty import log as duty_log
from models.duty import notify as duty_notify
from models.duty import records as duty
from models.duty.log import FIELDS, KINDS, PROMPTS, DutyLog
from models.duty.settings import DUTY
from models.duty.triage import Triager, at_least

router = Router("duty-log")
DIALOG = "duty-log"
_ENGLISH = {english: chinese for chinese, english in KINDS.items()}


async def _escalate(ctx: HandlerContext, entry: DutyLog) -> str:
    """Open an incident and tell the 带班领导 when triage rates the entry grave enough."""
    cfg = DUTY.of(ctx.config)
    if not at_least(entry.severity, cfg.triage.notify_level) or entry.severity is None:
        return ""
    incident = await duty_incident.open_incident(
        ctx.session,
        ctx.now,
        cfg,
        category=entry.category or "其他",
        level=entry.severity,
        summary=entry.summary,
        by_user_id=ctx.me.id,
        log_id=entry.id,
    )
    slots = await duty.slots_at(ctx.session, ctx.now)
    leaders = [s.leader_id for s in slots if s.leader_id] or await duty_notify.leader_ids(
        ctx.session
    )
    due = duty_incident.deadlines(cfg, incident)
    text = (
        f"【突发·{entry.severity}】{entry.category}：{entry.summary}\n"
        f"记录人：{ctx.me.name} {ctx.tz.fmt(ctx.now)}；已立事件 #{incident.id}，"
        f"书面报告时限 {ctx.tz.fmt(due['written'])}。"
    )
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        leaders,
        Reply(text),
        key=f"duty:log:{entry.id}:alert",
        priority=outbox.Priority.EMERGENCY,
    )
    ctx.audit_detail["incident"] = incident.id
    return (
        f"\n⚠ 研判为「{entry.category}·{entry.severity}」，已通知带班领导并立事件 #{incident.id}；"
        f"书面报告时限 {ctx.tz.fmt(due['written'])}。"
        f"上报后发送 /incident report {incident.id} 内容。"
    )


def _ask(entry: DutyLog) -> str:
    gaps = entry.missing()
    return PROMPTS[gaps[0]] + f"（还差 {len(gaps)} 项；回复「取消」停止补充）"


@router.command(
    "log",
    aliases=("记录",),
    roles=[Role.OFFICER, Role.LEADER],
    help="记录值班日志：来电/来文/上级指令/突发/其他，缺的内容会逐项询问",
)
async def log_entry(
    ctx: HandlerContext,
    *,
    kind: Annotated[str, Arg("类别")],
    text: Annotated[str, Arg("内容", rest=True)] = "",  # may be glued to the kind
) -> str:
    """Save the entry at once, triage it, then ask for what its kind still needs."""
    kind = _ENGLISH.get(kind.lower(), kind)
    glued = next((k for k in KINDS if kind.startswith(k) and kind != k), None)
    if glued is not None:  # 「记录来电河口乡…」: the kind typed without a space
        kind, text = glued, f"{kind[len(glued) :]} {text}".strip()
    if kind not in KINDS:
        raise UserError(f"类别应为 {'/'.join(KINDS)}，例如：记录 来电 河口乡报告山体滑坡")
    summary, fields = duty_log.parse_inline(text)
    if not summary:
        raise UserError("请写上内容，例如：记录 来电 河口乡报告山体滑坡")
    verdict = Triager(DUTY.of(ctx.config).triage).classify(summary)
    slots = await duty.slots_at(ctx.session, ctx.now)
    entry = DutyLog(
        slot_id=slots[0].id if slots else None,
        kind=kind,
        summary=summary,
        category=verdict.category,
        severity=verdict.severity,
        keywords=list(verdict.keywords),
        recorder_id=ctx.me.id,
        recorded_at=ctx.now,
        **fields,
    )
    ctx.session.add(entry)
    await ctx.session.flush()
    await ctx.session.refresh(entry)
    ctx.audit_detail["log"] = entry.id
    graded = f"，建议级别：{verdict.severity}" if verdict.severity else ""
    reply = f"已记录日志 #{entry.id}【{kind}】，研判分类：{verdict.category}{graded}。"
    reply += await _escalate(ctx, entry)
    if entry.missing():
        await dialogs.start(ctx, DIALOG, {"log_id": entry.id}, DUTY.of(ctx.config).dialog_minutes)
        reply += "\n" + _ask(entry)
    return reply


@router.dialog(DIALOG)
async def fill_in(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str:
    """Store the answer in the first missing field, then ask for the next."""
    entry = await ctx.session.get(DutyLog, conv.state["log_id"])
    if entry is None:
        conv.finish()
        return "这条日志已不存在。"
    if conv.cancelled:
        left = "、".join(FIELDS[f] for f in entry.missing()) or "无"
        return f"已停止补充。日志 #{entry.id} 已按现有内容保存（未填：{left}）。"
    gaps = entry.missing()
    if not gaps:
        conv.finish()
        return f"日志 #{entry.id} 已完整。"
    if not text:
        raise UserError(PROMPTS[gaps[0]])
    setattr(entry, gaps[0], text[:500])
    await ctx.session.flush()
    if entry.missing():
        return _ask(entry)
    conv.finish()
    return f"日志 #{entry.id} 已补充完整：\n{entry.describe(ctx.tz)}"


LOG_READERS = (Role.OFFICER, Role.LEADER, Role.ADMIN, Role.VIEWER)


@router.command(
    "logs",
    aliases=("值班日志",),
    roles=LOG_READERS,
    help="查看某天的值班日志（默认今天）",
)
async def show_logs(
    ctx: HandlerContext, *, day: Annotated[date | None, Arg("日期")] = None
) -> str:
    """Entries of one local day, with their gaps marked; callers' data masked in a group."""
    day = day or ctx.today
    entries = await duty_log.on_day(ctx.session, ctx.tz, day)
    if not entries:
        return f"{day} 没有值班日志。记录：记录 来电 内容"
    whole = unmasked_for(ctx.msg.chat_kind, ctx.me.roles, LOG_READERS)
    lines = [
        e.describe(ctx.tz) if whole else mask_text(e.describe(ctx.tz), [e.caller_name or ""])
        for e in entries
    ]
    return f"{day} 值班日志（{len(entries)} 条）：\n" + "\n".join(lines)
