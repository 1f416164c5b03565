"""The duty log in chat: /log KIND text (记录 来电/来文/上级指令/突发/其他) asks for the missing
fields one by one; free text is triaged, grave entries reach the 带班领导 at once with every report
deadline, counted from the entry's 时间 (接报). /logs [DATE]."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from sqlalchemy import select

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.privacy import mask_text, unmasked_for
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox
from handlers.duty.incident import deadline_text
from models.duty import incident as duty_incident
from models.duty import log as duty_log
from models.duty import notify as duty_notify
from models.duty import records as duty
from models.duty.incident import Incident
from models.duty.log import FIELDS, KINDS, PROMPTS, DutyLog, read_time, strip_label
from models.duty.settings import DUTY
from models.duty.triage import Triager, at_least, casualties

router = Router("duty-log", UNSCOPED)
DIALOG = "duty-log"
_ENGLISH = {english: chinese for chinese, english in KINDS.items()}


async def _tell_leaders(ctx: HandlerContext, text: str, key: str) -> None:
    """The 带班领导 on duty now (else every leader), at emergency priority."""
    slots = await duty.slots_at(ctx.session, ctx.now)
    leaders = [s.leader_id for s in slots if s.leader_id] or await duty_notify.leader_ids(
        ctx.session
    )
    await duty_notify.tell(
        ctx.session, ctx.now, leaders, Reply(text), key=key, priority=outbox.Priority.EMERGENCY
    )


async def _escalate(ctx: HandlerContext, entry: DutyLog) -> str:
    """Open an incident and tell the 带班领导 when triage rates the entry grave enough."""
    cfg = DUTY.of(ctx.config)
    floor = cfg.triage.alert_trapped
    rescue = floor is not None and casualties(entry.summary).get("trapped", 0) >= floor
    grave = at_least(entry.severity, cfg.triage.notify_level)
    if not (grave or rescue) or entry.severity is None:
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
        reported_at=entry.occurred_at or entry.recorded_at,
    )
    deadlines = deadline_text(ctx.tz, cfg, incident)
    text = (
        f"【突发·{entry.severity}】{entry.category}：{entry.summary}\n"
        f"记录人：{ctx.me.name} {ctx.tz.fmt(ctx.now)}；已立事件 #{incident.id}\n{deadlines}"
    )
    await _tell_leaders(ctx, text, f"duty:log:{entry.id}:alert")
    ctx.audit_detail["incident"] = incident.id
    return (
        f"\n⚠ 研判为「{entry.category}·{entry.severity}」，已通知带班领导并立事件 #{incident.id}；"
        f"{deadlines}\n电话报告后发送 /incident phone {incident.id}，"
        f"书面初报后发送 /incident report {incident.id} 内容。"
    )


async def _received(ctx: HandlerContext, entry: DutyLog) -> str:
    """The 时间 now known: the entry's open incident counts from it, the 带班领导 hears."""
    incident = await ctx.session.scalar(
        select(Incident).where(Incident.log_id == entry.id, Incident.closed_at.is_(None))
    )
    if incident is None or entry.occurred_at is None:
        return ""
    cfg = DUTY.of(ctx.config)
    incident.reported_at = entry.occurred_at
    await duty_incident.plan_initial(ctx.session, ctx.now, cfg, incident)
    deadlines = deadline_text(ctx.tz, cfg, incident)
    text = f"【突发·更新】事件 #{incident.id} {incident.summary}\n接报时间已登记，{deadlines}"
    await _tell_leaders(ctx, text, f"duty:log:{entry.id}:received")
    return f"\n事件 #{incident.id} 改按接报时间计时：{deadlines}"


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
    occurred_at = None
    if "occurred" in fields:
        try:
            occurred_at = read_time(fields["occurred"], ctx.now, ctx.tz)
        except ValueError as exc:
            raise UserError(f"{exc}。日志未保存，请改正后重发。") from None
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
        occurred_at=occurred_at,
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
    note = ""
    if gaps[0] == "occurred":
        text = strip_label(text)
        try:
            entry.occurred_at = read_time(text, ctx.now, ctx.tz)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    setattr(entry, gaps[0], duty_log.field_value(gaps[0], text[:500]))
    await ctx.session.flush()
    if gaps[0] == "occurred":
        note = await _received(ctx, entry)
    if entry.missing():
        return _ask(entry) + note
    conv.finish()
    return f"日志 #{entry.id} 已补充完整：\n{entry.describe(ctx.tz)}{note}"


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
