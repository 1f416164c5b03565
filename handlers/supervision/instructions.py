"""领导批示: an instruction on a 信访, 建议提案, 来文 or 12345 matter becomes a 督办 item in one
command; on an existing 督办 item it is logged and passed to the unit."""

from __future__ import annotations

import re
from typing import Annotated

from bot.core.args import Arg, parse_int
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.supervision.args import NewTask
from handlers.supervision.commands import create_item
from models.directory import units as org_units
from models.petitions import records as petitions
from models.proposals import records as proposals
from models.supervision import SCOPE as SUPERVISION_SCOPE
from models.supervision import records as supervision

router = Router("instructions", SUPERVISION_SCOPE)
USAGE = (
    "用法：/instruct 信访3 县水利局 10工作日 请水利局依法妥善处理 [领导=李明]\n"
    "对象可为 信访N、建议提案N、督办N，或任意文号（如 来文〔2026〕12号、12345:工单号）"
)
FORM = Form(
    {
        "ref": ("对象", "ref"),
        "unit": ("单位", "承办单位", "unit"),
        "due": ("期限", "due"),
        "text": ("批示", "内容", "text"),
        "leader": ("领导", "leader"),
    },
    ("ref", "unit", "due", "text"),
    USAGE,
)
# On an existing 督办 item only the instruction follows the reference.
ON_TASK = Form(
    {"text": ("批示", "内容", "text"), "leader": ("领导", "leader")}, ("ref", "text"), USAGE
)
_REF = re.compile(r"^(信访|建议提案|督办)[#＃]?(\d+)$")


def _number(text: str) -> int:
    """The item number of a reference, within the database's range."""
    try:
        return parse_int(text)
    except ValueError as exc:
        raise UserError(f"编号有误：{exc}。{USAGE}") from None


async def _subject(ctx: HandlerContext, kind: str, number: int, text: str, leader: str) -> str:
    """The instructed item's title; a petition also keeps the instruction on its file."""
    if kind == "信访":
        item = await petitions.get(ctx.session, number)
        if item.category == petitions.REPORT_CLASS:  # §30: never handed to a unit to handle
            raise UserError(
                f"{item.label} 属检举控告类，依信访工作条例第三十条由纪检监察机关处理，"
                f"不转业务单位督办。移交：/petition_refer {item.id}"
            )
        item.instruction, item.instruction_by = text, leader
        # The title goes to the units and into the 督查通报: no petitioner's data in it.
        return f"{item.label}：{petitions.free_text(item, item.request, unmasked=False)[:40]}"
    proposal = await proposals.get(ctx.session, number)
    return f"#{proposal.id} {proposal.label}"


@router.command(
    "instruct",
    aliases=("批示", "领导批示"),
    roles=[Role.LEADER, Role.SUPERVISOR],
    help="领导批示转督办：批示 信访3 县水利局 10工作日 批示内容（督查员代录须写 领导=姓名）",
)
async def instruct(ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)]) -> str:
    """Record a leader's instruction and turn it into (or add it to) a 督办 item."""
    found = _REF.match(text.split(maxsplit=1)[0] if text.strip() else "")
    on_task = found is not None and found.group(1) == "督办"
    values = (ON_TASK if on_task else FORM).parse(text)
    leader = values.get("leader") or (ctx.me.name if Role.LEADER in ctx.me.roles else "")
    if not leader:
        raise UserError(f"督查员代录批示请写明批示领导，例如 领导=李明。{USAGE}")
    if found is not None and on_task:
        return await _on_task(ctx, _number(found.group(2)), values.get("text", ""), leader)
    FORM.require(values, {"ref": "对象", "unit": "单位", "due": "期限", "text": "批示内容"})
    if found:
        kind, number = found.group(1), _number(found.group(2))
        title = await _subject(ctx, kind, number, values["text"], leader)
        origin = f"{'petition' if kind == '信访' else 'proposal'}:{number}"
    else:
        title, origin = values["ref"], f"ref:{values['ref'][:45]}"
    task = NewTask(
        title=f"{leader}批示：{title}"[:200],
        unit=values["unit"],
        due=values["due"],
        source="领导批示",
        leader=leader,
        content=values["text"],
    )
    _, reply = await create_item(ctx, task, origin=origin)
    ctx.audit_detail["instruction_on"] = origin
    return f"{reply.text}\n批示：{values['text']}（{leader}）"


async def _on_task(ctx: HandlerContext, item_id: int, text: str, leader: str) -> str:
    item = await supervision.get(ctx.session, item_id)
    if not text:
        raise UserError(f"请写批示内容，例如：批示 督办{item_id} 请加快进度 领导=李明")
    supervision.log(item, "批示", ctx.me.id, ctx.now, f"{leader}：{text}")
    liaisons = [
        u.id for u in await org_units.unit_people(ctx.session, item.lead_org_id, Role.LIAISON)
    ]
    await notify.tell(
        ctx,
        liaisons,
        Reply(
            f"✍️ {item.label} 领导批示（{leader}）：{text}\n报进展：/task_progress {item.id} 内容"
        ),
        key=f"task:{item.id}:instruct:{len(item.events)}",
        kind="supervision",
        fallback=[item.created_by],
    )
    return f"✅ 已将{leader}的批示加入 {item.label} 并转告 {item.lead_org.name}"
