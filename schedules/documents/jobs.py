"""办件 催办: before the limit to the unit's liaisons, the day after it to them and the registrar,
and later to the unit's leaders too; nothing once the 办件 is answered or archived."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.core.roles import Role
from bot.store.due import ClaimedItem
from handlers import notify
from handlers.documents import cards
from models.directory import units as org_units
from models.documents import records as documents
from models.documents.flow import KIND

jobs = JobRegistry("documents")


@jobs.due(KIND)
async def chase(ctx: JobContext, due_item: ClaimedItem) -> None:
    """Send one 催办 step of an open 办件."""
    doc = await ctx.session.get(documents.Document, int(due_item.payload["doc"]))
    step = str(due_item.payload["step"])
    if doc is None or not doc.is_open_task or doc.org is None:
        return  # answered or archived since: nothing is owed
    people = [u.id for u in await org_units.unit_people(ctx.session, doc.org.id, Role.LIAISON)]
    if step == "chase":
        leaders = await org_units.unit_people(ctx.session, doc.org.id, Role.LEADER)
        people = [u.id for u in leaders] + people
    if step != "soon":
        people.append(doc.created_by)  # the registrar follows an overdue 办件 up
    people = list(dict.fromkeys(people))
    documents.log(doc, "催办", None, ctx.now, cards.HEADS[step])
    await notify.tell(
        ctx,
        people,
        cards.push(step, doc, ctx.today),
        key=f"doc:{doc.id}:{step}:{ctx.scheduled_for}",
        kind="documents",
        fallback=[doc.created_by],
    )
