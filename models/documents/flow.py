"""办文 steps: 登记 (with the 办件 limit from the rule table), 传阅 in order, 已阅/批示, 答复,
归档, and the 催办 pushes each open 办件 needs (due-item rows keyed ``doc:<id>:<step>``)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.errors import UserError
from bot.core.roles import Role
from models.deadlines import clocks
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import Moments
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR
from models.directory.users import OrgUnit, User
from models.documents.parse import Registration
from models.documents.records import (
    CLOSED,
    LIMIT_RULES,
    Document,
    DocumentReader,
    Status,
    log,
)

KIND = "documents"
# 催办 steps around a 办件's limit: before it, the day after it, and again later.
STEPS = ("soon", "over", "chase")


def limit(config: Config, tz: ZoneInfo, urgency: str, received_at: datetime) -> date:
    """The last day of a 办件 by its 紧急程度, counted from the day after it was received."""
    rule = config.rules[LIMIT_RULES[urgency]]
    found = compute(received_at, rule, WorkCalendar(CALENDAR.of(config)), tz)
    return found.last_day or received_at.astimezone(tz).date()


def wanted(doc: Document, config: Config, tz: ZoneInfo) -> dict[str, datetime]:
    """The 催办 pushes an open 办件 needs now, by step."""
    if not doc.is_open_task or doc.due_date is None:
        return {}
    moments, rules = Moments.of(config, tz), config.rules
    return {
        "soon": moments.soon(doc.due_date, rules["document.due_soon"]),
        "over": moments.over(doc.due_date),
        "chase": moments.after(moments.on(doc.due_date), rules["document.chase"]),
    }


async def replan(
    session: AsyncSession, now: datetime, doc: Document, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Bring the document's due rows in line with its state; returns the steps pending."""
    return await clocks.sync(
        session,
        now,
        prefix=f"doc:{doc.id}:",
        kind=KIND,
        wanted=wanted(doc, config, tz),
        payload={"doc": doc.id},
    )


async def register(
    session: AsyncSession,
    now: datetime,
    reg: Registration,
    *,
    org: OrgUnit | None,
    due_date: date | None,
    by: int,
) -> Document:
    """Store a checked registration (签收 + 登记 in one step) and log it."""
    if reg.mode == "办件" and org is None:
        raise UserError("办件须写承办单位，例如 承办=县水利局；只需阅知的请登记为 阅件")
    doc = Document(
        direction=reg.direction,
        kind=reg.kind,
        number=reg.number,
        issuer=reg.issuer[:100],
        title=reg.title[:200],
        urgency=reg.urgency,
        mode=reg.mode,
        secrecy=reg.secrecy,
        received_at=reg.received_at or now,
        proposed=reg.proposed,
        org=org if reg.mode == "办件" else None,
        due_date=due_date if reg.mode == "办件" else None,
        status=Status.REGISTERED.value,
        created_by=by,
        created_at=now,
        readers=[],  # loaded as empty: reading them after the flush needs no query
        events=[],
    )
    session.add(doc)
    log(doc, "登记", by, now, f"{reg.mode}，{reg.urgency}")
    await session.flush()
    return doc


def circulate(doc: Document, leaders: list[User], now: datetime, by: int) -> DocumentReader:
    """Set the 传阅 order and hand the document to the first leader; returns that reader.

    Raises:
        UserError: closed, already circulating, nobody named, someone twice or not a leader.
    """
    if doc.status in CLOSED:
        raise UserError(f"{doc.label} 已{doc.status}，不再传阅")
    if doc.current is not None:
        raise UserError(f"{doc.label} 正在传阅（待 {doc.current.user.name} 阅），请等传阅完毕")
    if not leaders:
        raise UserError("请写传阅领导，按顺序排列，例如：公文 传阅 3 李明 王刚")
    names = [u.name for u in leaders]
    if len({u.id for u in leaders}) < len(leaders):
        raise UserError(f"传阅名单有重复：{'、'.join(names)}")
    not_leaders = [u.name for u in leaders if Role.LEADER not in u.roles]
    if not_leaders:
        raise UserError(f"{'、'.join(not_leaders)} 不是领导，呈阅只送领导")
    start = len(doc.readers)
    for i, user in enumerate(leaders, 1):
        doc.readers.append(DocumentReader(seq=start + i, user_id=user.id, user=user))
    first = doc.readers[start]
    first.sent_at = now
    doc.status = Status.CIRCULATING.value
    log(doc, "传阅", by, now, " → ".join(names))
    return first


def waiting_on(doc: Document, me: int) -> DocumentReader:
    """The reader row of ``me`` when the document waits on them now.

    Raises:
        UserError: it waits on someone else or on nobody (a button pressed by another person,
            or pressed twice).
    """
    reader = doc.current
    if reader is None or reader.user_id != me:
        waiting = (
            f"现待 {reader.user.name} 阅" if reader is not None else f"当前为「{doc.status}」"
        )
        raise UserError(f"{doc.label} 不在您的待阅中（{waiting}），无需操作。")
    return reader


def finish_reading(
    doc: Document, me: int, now: datetime, instruction: str = ""
) -> tuple[DocumentReader, DocumentReader | None]:
    """The current leader 已阅 (or 批示, with ``instruction``); returns them and the next one.

    Raises:
        UserError: the document does not wait on ``me`` (a button pressed by someone else).
    """
    reader = waiting_on(doc, me)
    reader.done_at = now
    reader.action, reader.instruction = ("批示" if instruction else "已阅"), instruction
    log(doc, reader.action, me, now, instruction)
    following = next((r for r in doc.readers if r.sent_at is None), None)
    if following is not None:
        following.sent_at = now
    elif doc.status == Status.CIRCULATING:
        doc.status = Status.CIRCULATED.value
    return reader, following


async def leave(
    session: AsyncSession, person: User, successor: User | None, now: datetime
) -> list[tuple[Document, DocumentReader | None]]:
    """A revoked leader leaves every 传阅 order they have not finished: the successor takes their
    place (unless already in it), or they are passed over. Returns each document with the reader
    it now waits on when that changed (None: unchanged, or circulation finished)."""
    query = select(DocumentReader).where(
        DocumentReader.user_id == person.id, DocumentReader.done_at.is_(None)
    )
    changed: list[tuple[Document, DocumentReader | None]] = []
    for reader in list(await session.scalars(query)):
        doc = await session.get(Document, reader.doc_id)
        if doc is None or doc.status == Status.ARCHIVED:
            continue
        was_current = doc.current is reader
        if successor is not None and all(r.user_id != successor.id for r in doc.readers):
            reader.user_id, reader.user = successor.id, successor
            log(doc, "传阅改送", None, now, f"{person.name} → {successor.name}")
            changed.append((doc, reader if was_current else None))
            continue
        reader.done_at, reader.action = now, "撤销"
        log(doc, "传阅略过", None, now, f"{person.name}（账号已撤销）")
        following = None
        if was_current:
            following = next((r for r in doc.readers if r.sent_at is None), None)
            if following is not None:
                following.sent_at = now
            elif doc.status == Status.CIRCULATING:
                doc.status = Status.CIRCULATED.value
        changed.append((doc, following))
    return changed


def answer(doc: Document, text: str, now: datetime, by: int) -> None:
    """答复: the 办件's result is recorded and its 催办 stop.

    Raises:
        UserError: a 阅件, or already answered or archived.
    """
    if doc.mode != "办件":
        raise UserError(f"{doc.label} 是阅件，无需答复；阅毕可归档：/doc_archive {doc.id}")
    if doc.status in CLOSED:
        raise UserError(f"{doc.label} 已{doc.status}，无需再答复")
    if not text.strip():
        raise UserError(f"请写办理结果，例如：公文 答复 {doc.id} 已按要求部署落实")
    doc.status, doc.replied_at, doc.reply = Status.REPLIED.value, now, text.strip()
    log(doc, "答复", by, now, text.strip())


def archive(doc: Document, now: datetime, by: int) -> None:
    """归档: nothing more is owed.

    Raises:
        UserError: already archived, still circulating, or a 办件 not yet answered.
    """
    if doc.status == Status.ARCHIVED:
        raise UserError(f"{doc.label} 已归档")
    if doc.current is not None:
        raise UserError(f"{doc.label} 还在传阅（待 {doc.current.user.name} 阅），传阅完毕后再归档")
    if doc.is_open_task:
        raise UserError(f"{doc.label} 是办件，尚未答复，请先：/doc_reply {doc.id} 办理结果")
    doc.status, doc.archived_at = Status.ARCHIVED.value, now
    log(doc, "归档", by, now)
