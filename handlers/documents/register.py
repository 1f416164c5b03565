"""收文/发文 登记 (officers): one line with ``键=值`` fields, or a dialog asking field by field;
a 办件 gets its 办理时限 from the rule table and its unit is told at once."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.documents import cards
from handlers.supervision.args import due_from
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.documents import SCOPE, flow, parse
from models.documents.parse import Registration
from models.documents.settings import DOCUMENTS

router = Router("documents-register", SCOPE)
DIALOG = "doc-register"
USAGE = (
    "用法：收文 登记 文种 文号 来文单位 标题 [紧急=特急|加急] [办理=阅件|办件] [承办=单位] "
    "[时间=09:30] [拟办=…] [期限=2026-12-10 或 5工作日] [密级=非密]\n"
    "例如：收文 登记 通知 县应急办〔2026〕12号 县应急管理局 关于做好冬季防火工作的通知 "
    "办理=办件 承办=县水利局 紧急=加急\n只发「收文 登记」则逐项询问。"
)
FORM = Form(
    {
        "kind": ("文种",),
        "number": ("文号",),
        "issuer": ("单位", "来文单位", "发文单位"),
        "title": ("标题",),
        "urgency": ("紧急", "紧急程度"),
        "mode": ("办理", "阅办"),
        "received": ("时间", "收文时间"),
        "proposed": ("拟办", "拟办意见"),
        "unit": ("承办", "承办单位"),
        "due": ("期限", "办理时限"),
        "secrecy": ("密级",),
    },
    ("kind", "number", "issuer", "title"),
    USAGE,
)
# The dialog's questions in order;办件-only ones are skipped for a 阅件.
QUESTIONS = {
    "secrecy": "密级？本系统只登记非密公文，请回复「非密」（涉密公文请走机要渠道）",
    "kind": "文种？（通知、通报、请示、函、纪要……）",
    "number": "文号？例如 县应急办〔2026〕12号，没有写「无」",
    "issuer": "来文（发文）单位？",
    "title": "标题？",
    "urgency": "紧急程度？特急、加急 或 平件",
    "mode": "阅件 还是 办件？",
    "received": "收文时间？例如 09:30 或 2026-11-26 09:30，回复「现在」用当前时间",
    "proposed": "拟办意见？没有写「无」",
    "unit": "承办单位？",
    "due": "办理时限？写日期或 5工作日，回复「默认」按规则表",
}
_SKIP = {"无", "现在", "默认"}


def checked(ctx: HandlerContext, direction: str, values: dict[str, str]) -> Registration:
    """The registration with every field checked (密级 first: a refused one leaves nothing).

    Raises:
        UserError: a classified or malformed field, naming how to write it.
    """
    cfg = DOCUMENTS.of(ctx.config)
    level = parse.refuse_classified(
        cfg.secrecy_allowed,
        ctx.config.inbox.classified_channel,
        values.get("secrecy", ""),
        *values.values(),
    )
    FORM.require(values, {"kind": "文种", "issuer": "单位", "title": "标题"})
    mode = parse.mode(values.get("mode") or ("办件" if values.get("unit") else "阅件"))
    return Registration(
        direction=direction,
        kind=parse.kind(values["kind"]),
        number=parse.number(values.get("number", ""), ctx.today.year),
        issuer=values["issuer"],
        title=values["title"],
        urgency=parse.urgency(values.get("urgency", "")),
        mode=mode,
        secrecy=level,
        received_at=parse.received(values.get("received", ""), ctx.now, ctx.tz),
        proposed=values.get("proposed", ""),
        unit=values.get("unit", ""),
        due=values.get("due", ""),
    )


async def save(ctx: HandlerContext, reg: Registration) -> str:
    """Store the registration; a 办件's unit hears at once. Returns the caller's reply."""
    org = await org_units.find_org(ctx.session, reg.unit) if reg.unit else None
    due_date: date | None = None
    warnings: list[str] = []
    received_at = reg.received_at or ctx.now
    if reg.mode == "办件":
        if reg.due:
            cal = WorkCalendar(CALENDAR.of(ctx.config))
            due_date, warnings = due_from(reg.due, received_at, ctx.tz, cal)
        else:
            due_date = flow.limit(ctx.config, ctx.tz.tz, reg.urgency, received_at)
    doc = await flow.register(ctx.session, ctx.now, reg, org=org, due_date=due_date, by=ctx.me.id)
    await flow.replan(ctx.session, ctx.now, doc, ctx.config, ctx.tz.tz)
    ctx.audit_detail["doc"] = doc.id
    lines = [f"✅ 已登记 {doc.label}（{doc.kind}，{doc.mode}，{doc.urgency}，{doc.secrecy}）"]
    if doc.org is not None:
        lines.append(f"承办：{doc.org.name}；{cards.due_line(doc)}")
        people = [u.id for u in await org_units.unit_people(ctx.session, doc.org.id, Role.LIAISON)]
        if not await notify.tell(
            ctx, people, cards.assign_card(doc), key=f"doc:{doc.id}:assign", kind="documents"
        ):
            lines.append(f"⚠️ {doc.org.name} 没有已绑定的联络员，交办通知未能送达，请线下通知")
    lines += [f"⚠️ {w}" for w in warnings]
    lines.append(f"呈阅领导：/doc_circulate {doc.id} 领导姓名…（按传阅顺序，空格分隔）")
    return "\n".join(lines)


async def _register(ctx: HandlerContext, direction: str, text: str) -> str:
    if not text.strip():
        state: dict[str, Any] = {"direction": direction, "values": {}}
        await dialogs.start(ctx, DIALOG, state, DOCUMENTS.of(ctx.config).dialog_minutes)
        return f"开始{direction}登记（回复「取消」停止）。\n{QUESTIONS['secrecy']}"
    # The whole line first: a usage error must not quote a marked part back into the chat.
    cfg = DOCUMENTS.of(ctx.config)
    parse.refuse_classified(cfg.secrecy_allowed, ctx.config.inbox.classified_channel, "", text)
    return await save(ctx, checked(ctx, direction, FORM.parse(text)))


@router.command(
    "doc register",
    aliases=("公文 登记", "收文 登记", "办文 登记", "收文"),
    roles=[Role.OFFICER],
    personal=True,  # a refused registration's fields stay out of the audit log
    help="收文登记：收文 登记 通知 〔2026〕12号 来文单位 标题 [办理=办件 承办=单位 紧急=加急]",
)
async def doc_register(
    ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)] = ""
) -> str:
    """Register an incoming document from one line, or start the dialog."""
    return await _register(ctx, "收文", text)


@router.command(
    "doc out",
    aliases=("发文 登记", "发文"),
    roles=[Role.OFFICER],
    personal=True,
    help="发文登记（复核后）：发文 登记 通知 县政办发〔2026〕30号 县政府办公室 标题",
)
async def doc_out(
    ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)] = ""
) -> str:
    """Register an outgoing document from one line, or start the dialog."""
    return await _register(ctx, "发文", text)


def _next(values: dict[str, str]) -> str | None:
    """The next question still unanswered."""
    for name in QUESTIONS:
        if name in ("unit", "due") and values.get("mode") != "办件":
            continue
        if name not in values:
            return name
    return None


@router.dialog(DIALOG)
async def fill_in(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str | None:
    """Check each answer as it comes; register when the last one is in."""
    if conv.cancelled:
        return "已取消登记，未保存任何内容。"
    values: dict[str, str] = conv.state["values"]
    asking = _next(values)
    if asking is None:
        conv.finish()
        return None
    answer = "" if text in _SKIP else text
    # Check the answer alone now (nested transaction: a refused one keeps the state as it was).
    probe = {"kind": "通知", "issuer": "-", "title": "-", **values, asking: answer}
    if asking in ("kind", "issuer", "title", "unit") and not answer:
        raise UserError(f"这一项不能为空。{QUESTIONS[asking]}")
    checked(ctx, conv.state["direction"], probe)
    if asking == "unit":
        await org_units.find_org(ctx.session, answer)
    if asking == "due" and answer:
        due_from(answer, ctx.now, ctx.tz, WorkCalendar(CALENDAR.of(ctx.config)))
    values[asking] = answer
    following = _next(values)
    if following is not None:
        return QUESTIONS[following]
    conv.finish()
    return await save(ctx, checked(ctx, conv.state["direction"], values))
