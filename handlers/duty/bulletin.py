"""值班信息/要情快报 in chat: /bulletin from 事件|日志 N (要情快报 / 值班信息) drafts the form from
an incident or a log entry; the drafter edits it in a dialog and submits it to the 带班领导 on
duty, whose 批准 numbers and pushes it (text + .docx) and whose 退回 asks for a reason."""

from __future__ import annotations

import re
from typing import Annotated

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.privacy import mask_text
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox
from handlers.duty import bulletin_cards as cards
from models.directory.users import find_user
from models.duty import bulletin as duty_bulletin
from models.duty import notify as duty_notify
from models.duty import records as duty
from models.duty.bulletin import FIELDS, BulletinStatus, DutyBulletin
from models.duty.bulletin_settings import BULLETIN
from models.duty.incident import Incident
from models.duty.log import DutyLog
from models.duty.settings import DUTY

router = Router("duty-bulletin", UNSCOPED)
EDIT, RETURN = "duty-bulletin-edit", "duty-bulletin-return"
DRAFTERS = (Role.OFFICER, Role.LEADER)
READERS = (Role.OFFICER, Role.LEADER, Role.ADMIN, Role.VIEWER)
_SOURCES = {"事件": "incident", "突发": "incident", "incident": "incident"}
_SOURCES |= {"日志": "log", "记录": "log", "log": "log"}
_LABELS = {label: name for name, label in FIELDS.items()} | {"措施": "actions"}
_PAIR = re.compile(r"^\s*(\S+?)\s*[=＝:：]\s*(.*)$")
_SUBMIT = ("提交", "送审", "submit")


def _masthead(ctx: HandlerContext, source: str) -> str:
    """The word typed picks the masthead; /bulletin_from: an incident makes a 要情快报."""
    typed = ctx.msg.text.lstrip("/").strip()
    for word in ("值班信息", "要情快报"):
        if typed.startswith(word):
            return word
    return "要情快报" if source == "incident" else "值班信息"


@router.command(
    "bulletin from",
    aliases=("要情快报", "值班信息"),
    roles=DRAFTERS,
    help="从突发事件或日志生成快报：要情快报 事件 3，值班信息 日志 12（随后逐项修改、送审）",
)
async def from_source(
    ctx: HandlerContext,
    *,
    source: Annotated[str, Arg("事件|日志")],
    number: Annotated[int, Arg("编号")],
) -> str:
    """Draft the form from an incident or a log entry and open the edit dialog."""
    kind = _SOURCES.get(source.lower())
    if kind is None:
        raise UserError("来源应为 事件 或 日志，例如：要情快报 事件 3，值班信息 日志 12")
    if kind == "incident":
        incident = await ctx.session.get(Incident, number)
        if incident is None:
            raise UserError(f"没有编号为 {number} 的突发事件，发送 /incident_list 查看。")
        entry = await ctx.session.get(DutyLog, incident.log_id) if incident.log_id else None
        fields = duty_bulletin.fields_from_incident(incident, entry, ctx.tz, ctx.me.name)
        links = {"incident_id": incident.id, "log_id": incident.log_id}
    else:
        entry = await ctx.session.get(DutyLog, number)
        if entry is None:
            raise UserError(f"没有编号为 {number} 的值班日志，发送 /logs 查看。")
        fields, links = duty_bulletin.fields_from_log(entry, ctx.tz), {"log_id": entry.id}
    found = duty_bulletin.draft(ctx.now, _masthead(ctx, kind), fields, ctx.me.id, **links)
    ctx.session.add(found)
    await ctx.session.flush()
    await ctx.session.refresh(found)
    ctx.audit_detail["bulletin"] = found.id
    await dialogs.start(ctx, EDIT, {"bulletin_id": found.id}, DUTY.of(ctx.config).dialog_minutes)
    return cards.draft_text(found)


@router.command(
    "bulletin edit", aliases=("快报 修改",), roles=DRAFTERS, help="修改快报草稿或被退回的快报"
)
async def edit(ctx: HandlerContext, *, bulletin_id: Annotated[int, Arg("编号")]) -> str:
    """Reopen the edit dialog on the caller's draft or returned bulletin."""
    found = await duty_bulletin.get(ctx.session, bulletin_id)
    duty_bulletin.editable_by(found, ctx.me.id)
    await dialogs.start(ctx, EDIT, {"bulletin_id": found.id}, DUTY.of(ctx.config).dialog_minutes)
    return cards.draft_text(found)


def _changes(text: str) -> dict[str, str]:
    """``地点=河口乡`` lines → field → value; every line must name a field.

    Raises:
        UserError: a line that is no ``字段=内容`` or names no field (nothing is changed).
    """
    changes = {}
    for line in filter(str.strip, text.splitlines()):
        found = _PAIR.match(line)
        name = _LABELS.get(found.group(1)) if found else None
        if found is None or name is None:
            raise UserError(f"无法识别「{line.strip()[:30]}」，未作修改。{cards.EDIT_HINT}")
        changes[name] = duty_bulletin.check_value(name, found.group(2))
    return changes


@router.dialog(EDIT)
async def edit_step(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str:
    """Apply ``字段=内容`` lines, or 提交."""
    found = await ctx.session.get(DutyBulletin, conv.state["bulletin_id"])
    if found is None:
        conv.finish()
        return "这份快报已不存在。"
    if conv.cancelled:
        return f"已暂存草稿 #{found.id}。继续修改：/bulletin_edit {found.id}"
    duty_bulletin.editable_by(found, ctx.me.id)
    if text.strip().lower() in _SUBMIT:
        reply = await _submit(ctx, found, None)
        conv.finish()
        return reply
    for name, value in _changes(text).items():
        setattr(found, name, value)
    found.updated_at = ctx.now
    await ctx.session.flush()
    return "已修改。\n" + cards.draft_text(found)


async def _reviewer(ctx: HandlerContext, person: str | None) -> int:
    """The named leader, else the 带班领导 of the slot running now."""
    if person:
        user = await find_user(ctx.session, person)
        if Role.LEADER not in user.roles or user.id == ctx.me.id:
            raise UserError(f"{user.name} 不是其他领导，不能审核这份快报（拟稿人不能自审）。")
        return user.id
    leaders = [s.leader_id for s in await duty.slots_at(ctx.session, ctx.now) if s.leader_id]
    if not leaders:
        raise UserError("当前班次未排带班领导，请指定审核领导，例如：快报 提交 3 @李明")
    if leaders[0] == ctx.me.id:  # a leader's own draft is signed off by someone else
        raise UserError(
            "您是本班带班领导，不能审核自己拟的快报，请指定其他领导：快报 提交 编号 @领导"
        )
    return leaders[0]


async def _submit(ctx: HandlerContext, found: DutyBulletin, person: str | None) -> str:
    reviewer = await _reviewer(ctx, person)
    duty_bulletin.submit(ctx.now, found, ctx.me.id, reviewer)
    await ctx.session.flush()
    await ctx.session.refresh(found)
    ctx.audit_detail.update(bulletin=found.id, revision=found.revision, reviewer=reviewer)
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        [reviewer],
        cards.review_request(found),
        key=f"duty:bulletin:{found.id}:review:{found.revision}",
        priority=outbox.Priority.INTERACTIVE,
    )
    who = found.reviewer.name if found.reviewer else "带班领导"
    return f"{found.masthead} #{found.id} 已送 {who} 审核（第 {found.revision} 次送审）。"


@router.command(
    "bulletin submit",
    aliases=("快报 提交",),
    roles=DRAFTERS,
    help="将快报送带班领导审核（可指定领导：快报 提交 3 @李明）",
)
async def submit(
    ctx: HandlerContext,
    *,
    bulletin_id: Annotated[int, Arg("编号")],
    person: Annotated[str | None, Arg("@领导")] = None,
) -> str:
    """Submit (or resubmit after 退回) to the 带班领导 on duty or the named leader."""
    return await _submit(ctx, await duty_bulletin.get(ctx.session, bulletin_id), person)


@router.command(
    "bulletin approve", aliases=("快报 批准",), roles=[Role.LEADER], help="批准快报（审核按钮）"
)
async def approve(
    ctx: HandlerContext,
    *,
    bulletin_id: Annotated[int, Arg("编号")],
    token: Annotated[str, Arg("令牌")],
) -> str:
    """The reviewer approves: the next 期号, then text and .docx to every leader."""
    found = await duty_bulletin.get(ctx.session, bulletin_id)
    duty_bulletin.check_review(found, ctx.me.id, "approve", token)
    await duty_bulletin.issue(ctx.session, ctx.now, ctx.tz, found)
    ctx.audit_detail.update(bulletin=found.id, year=found.year, number=found.number)
    issuer = BULLETIN.of(ctx.config).issuer
    leaders = await duty_notify.leader_ids(ctx.session)
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        [*leaders, found.drafter_id],
        cards.issued(found, issuer, ctx.tz),
        key=f"duty:bulletin:{found.id}:issued",
        priority=outbox.Priority.INTERACTIVE,
    )
    return f"已批准并签发 {found.masthead} {found.year}年{found.issue}，已推送各位领导。"


@router.command(
    "bulletin return",
    aliases=("快报 退回",),
    roles=[Role.LEADER],
    help="退回快报并说明原因（审核按钮）",
)
async def send_back(
    ctx: HandlerContext,
    *,
    bulletin_id: Annotated[int, Arg("编号")],
    token: Annotated[str, Arg("令牌")],
    reason: Annotated[str, Arg("原因", rest=True)] = "",
) -> str:
    """The reviewer sends it back; without a reason typed, asks for one."""
    found = await duty_bulletin.get(ctx.session, bulletin_id)
    duty_bulletin.check_review(found, ctx.me.id, "return", token)
    if reason.strip():
        return await _send_back(ctx, found, reason.strip())
    state = {"bulletin_id": found.id, "revision": found.revision}
    await dialogs.start(ctx, RETURN, state, DUTY.of(ctx.config).dialog_minutes)
    return f"请回复退回 {found.masthead} #{found.id} 的原因（回复「取消」则不退回）："


async def _send_back(ctx: HandlerContext, found: DutyBulletin, reason: str) -> str:
    if len(reason) > 500:
        raise UserError(f"退回原因最多 500 字（现 {len(reason)} 字），请精简后重发")
    duty_bulletin.send_back(ctx.now, found, reason)
    ctx.audit_detail.update(bulletin=found.id, returned=found.revision)
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        [found.drafter_id],
        cards.returned(found, ctx.me.name),
        key=f"duty:bulletin:{found.id}:returned:{found.revision}",
        priority=outbox.Priority.INTERACTIVE,
    )
    return f"已退回 {found.masthead} #{found.id}，拟稿人 {found.drafter.name} 将收到原因。"


@router.dialog(RETURN)
async def return_step(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str:
    """The reason for a 退回, for the revision the button was pressed on."""
    found = await ctx.session.get(DutyBulletin, conv.state["bulletin_id"])
    if conv.cancelled:
        return "已取消退回，快报仍待您审核。"
    conv.finish()
    if (
        found is None
        or found.status != BulletinStatus.REVIEW
        or found.revision != conv.state["revision"]
        or found.reviewer_id != ctx.me.id
    ):
        return "这份快报已不在您的待审核状态，未作退回。"
    if not text.strip():
        raise UserError("请写明退回原因。")
    return await _send_back(ctx, found, text.strip())


@router.command(
    "bulletin list", aliases=("快报 列表",), roles=READERS, help="最近的值班信息和要情快报"
)
async def list_bulletins(ctx: HandlerContext) -> str:
    """The latest 20, newest first."""
    found = await duty_bulletin.recent(ctx.session)
    if not found:
        return "还没有快报。生成：要情快报 事件 编号，或 值班信息 日志 编号"
    lines = [
        f"#{b.id} {b.masthead}{b.issue or ''}【{b.status}】{mask_text(b.event)[:40]}"
        for b in found
    ]
    return "最近的快报：\n" + "\n".join(lines)
