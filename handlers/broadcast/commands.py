"""Emergency broadcasts: draft with a recipient preview, confirm, and a leader's approval.

Leaders and admins send on confirming; an officer's draft of a level that needs approval
(``broadcast.levels.<级别>.officer_needs_approval``) goes to the leaders, who approve it in chat.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Button, Reply, Target
from bot.core.privacy import mask_text
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox
from handlers.broadcast import cards
from models.broadcast import records as bc
from models.broadcast.audience import Audience, recipient_rows, refresh_roster, resolve
from models.broadcast.send import deliver, launch, signers
from models.broadcast.settings import BROADCAST
from models.directory import binding
from models.directory.users import users_with_role

router = Router("broadcast", UNSCOPED)
SENDERS = (Role.ADMIN, Role.LEADER, Role.OFFICER)
MAX_PREVIEW = 30


def _preview(draft: bc.Broadcast, audience: Audience, needs_approval: bool) -> str:
    def names(items: list[str]) -> str:
        more = f" 等 {len(items)} 个" if len(items) > MAX_PREVIEW else ""
        return "、".join(items[:MAX_PREVIEW]) + more

    lines = [f"【预览】{draft.title}", draft.text, ""]
    if audience.groups and mask_text(draft.text) != draft.text:
        # sent as written (a contact phone must stay callable), so the drafter decides
        lines.append(
            "⚠ 正文含手机号、身份证号或姓名，群内所有人可见；如非工作联系方式，请取消后改写。"
        )
    if audience.groups:
        lines.append(f"群（{len(audience.groups)}）：{names([g.title for g in audience.groups])}")
    if audience.people:
        shown = [f"{p.name}（{p.org.name}）" for p, _ in audience.people]
        lines.append(f"人员（{len(audience.people)}）：{names(shown)}")
    if audience.unbound:
        lines.append(f"⚠ 未绑定账号、无法送达：{names(audience.unbound)}")
    if needs_approval:
        lines.append("本级别由值班员起草的广播，确认后需领导批准才发送。")
    lines.append(f"确认发送：确认广播 {draft.id}　放弃：取消广播 {draft.id}")
    return "\n".join(lines)


def _confirm_buttons(draft: bc.Broadcast) -> tuple[tuple[Button, ...], ...]:
    return ((Button("确认发送", f"确认广播 {draft.id}"), Button("放弃", f"取消广播 {draft.id}")),)


@router.command(
    "broadcast",
    aliases=("应急广播",),
    roles=SENDERS,
    help="起草应急广播并预览接收人，例如：应急广播 防汛 红色 内容",
)
async def draft_broadcast(
    ctx: HandlerContext,
    *,
    scope: Annotated[str, Arg("频道或群名")],
    level: Annotated[str, Arg("级别")],
    text: Annotated[str, Arg("内容", rest=True)],
) -> Reply:
    """Create a draft and show who it would reach."""
    parsed = bc.Level.parse(level)
    limit = BROADCAST.of(ctx.config).max_text_chars
    if len(text) > limit:
        raise UserError(f"内容共 {len(text)} 字，超过 {limit} 字上限，请精简或分条发送。")
    if len(scope) > 100:
        raise UserError("频道或群名过长，请写一个频道名，或不超过 100 字的群名列表。")
    audience = await resolve(ctx.session, ctx.config, scope, ctx.me.id)
    draft = bc.Broadcast(
        code=await bc.new_code(ctx.session),
        level=parsed.value,
        scope=scope,
        text=text,
        status=bc.BroadcastStatus.DRAFT.value,
        created_by=ctx.me.id,
        created_at=ctx.now,
        summary_target=str(ctx.msg.chat_target),
        summary_seq=0,
    )
    ctx.session.add(draft)
    await ctx.session.flush()
    ctx.session.add_all(recipient_rows(draft.id, audience))
    ctx.audit_detail.update(broadcast=draft.id, level=parsed.value, recipients=audience.size)
    preview = _preview(draft, audience, _needs_approval(ctx, draft))
    return Reply(preview, buttons=_confirm_buttons(draft))


def _needs_approval(ctx: HandlerContext, draft: bc.Broadcast) -> bool:
    """An officer's draft of a level that leaders must approve."""
    level = BROADCAST.of(ctx.config).levels[draft.level_enum.value]
    return level.officer_needs_approval and not ctx.me.roles & {Role.ADMIN, Role.LEADER}


async def _in_status(
    ctx: HandlerContext, broadcast_id: int, status: bc.BroadcastStatus
) -> bc.Broadcast:
    found = await bc.get(ctx.session, broadcast_id)
    if found.status != status.value:
        now = bc.BroadcastStatus(found.status).label
        raise UserError(f"广播 #{found.id} 当前状态为「{now}」，无需此操作。")
    return found


async def _send(ctx: HandlerContext, found: bc.Broadcast) -> str:
    added, gone = await refresh_roster(ctx.session, ctx.config, found, ctx.now)
    await launch(ctx.session, ctx.now, found, config=BROADCAST.of(ctx.config))
    message = cards.message(found, await signers(ctx.session, found), ctx.tz)
    queued = await deliver(ctx.session, ctx.now, found, message)
    ctx.audit_detail.update(broadcast=found.id, queued=queued, added=added, gone=gone)
    changes = []
    if added:
        changes.append(f"新增 {'、'.join(added)}")
    if gone:
        changes.append(f"不再发送 {'、'.join(gone)}")
    changed = f"\n发送时频道名单已变：{'；'.join(changes)}。" if changes else ""
    return (
        f"已发送 {found.title}，共 {queued} 条消息（紧急优先）。确认码 {found.code}。"
        f"回执会在发起的聊天中实时更新。{changed}"
    )


@router.command(
    "broadcast send",
    aliases=("广播 确认", "确认广播"),
    roles=SENDERS,
    help="确认发送已预览的广播（值班员的按级别提交领导批准）",
)
async def confirm_broadcast(
    ctx: HandlerContext, *, broadcast_id: Annotated[int, Arg("编号")]
) -> str:
    """Send the caller's draft, or submit it for approval."""
    found = await _in_status(ctx, broadcast_id, bc.BroadcastStatus.DRAFT)
    if found.created_by != ctx.me.id:
        raise UserError(f"广播 #{found.id} 由他人起草，请由起草人确认。")
    if not _needs_approval(ctx, found):
        return await _send(ctx, found)
    leaders = await users_with_role(ctx.session, Role.LEADER)
    accounts = await binding.private_targets(ctx.session, [u.id for u in leaders])
    if not accounts:
        raise UserError("目前没有已绑定账号的领导可以审批，请联系管理员为领导绑定账号。")
    found.status = bc.BroadcastStatus.AWAITING.value
    kinds = Counter(r.kind for r in await bc.recipients(ctx.session, found.id))
    notice = Reply(
        f"【待批准】{ctx.me.display} 拟发布 {found.title}：\n{found.text}\n"
        f"接收：群 {kinds[bc.RecipientKind.GROUP.value]} 个、"
        f"人员 {kinds[bc.RecipientKind.PERSON.value]} 名\n"
        f"批准：批准广播 {found.id}　驳回：取消广播 {found.id}",
        buttons=(
            (Button("批准发送", f"批准广播 {found.id}"), Button("驳回", f"取消广播 {found.id}")),
        ),
    )
    for _, platform, address in accounts:
        await ctx.send(
            Target(platform, address),
            notice,
            key=f"bcp:{found.id}:{platform}:{address}",
            priority=outbox.Priority.EMERGENCY,
            kind="broadcast_approval",
        )
    approvers = len({user_id for user_id, _, _ in accounts})
    ctx.audit_detail.update(broadcast=found.id, submitted=approvers)
    return f"已提交领导审批（{approvers} 位领导）。批准后立即发送，回执在此更新。"


@router.command(
    "broadcast approve",
    aliases=("广播 批准", "批准广播"),
    roles=[Role.LEADER],
    help="批准值班员起草的应急广播并立即发送",
)
async def approve_broadcast(
    ctx: HandlerContext, *, broadcast_id: Annotated[int, Arg("编号")]
) -> str:
    """A leader approves an officer's draft: it is sent now."""
    found = await _in_status(ctx, broadcast_id, bc.BroadcastStatus.AWAITING)
    found.approved_by = ctx.me.id
    return await _send(ctx, found)
