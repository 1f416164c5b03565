"""Chat use cases, one module per feature. ROUTERS is the one ordered list the bot serves;
REVOKE_HOOKS settle, per feature, what still names a person who is revoked; WEB_PAGES are the
features' web dashboard pages, in menu order (docs/web.md)."""

from bot.core.routing import Router
from bot.web.pages import WebPages
from handlers.admin import outbox
from handlers.admin import web as admin_web
from handlers.admin import web_export as admin_web_export
from handlers.broadcast import ack as broadcast_ack
from handlers.broadcast import commands as broadcast
from handlers.broadcast import manage as broadcast_manage
from handlers.broadcast import web as broadcast_web
from handlers.broadcast.revoke import settle_broadcasts
from handlers.deadlines import commands as deadlines
from handlers.directory import bind, groups, weblink
from handlers.documents import circulate as documents_circulate
from handlers.documents import commands as documents
from handlers.documents import register as documents_register
from handlers.documents.revoke import settle_documents
from handlers.duty import bulletin as duty_bulletin
from handlers.duty import daily as duty_daily
from handlers.duty import incident as duty_incident
from handlers.duty import log as duty_log
from handlers.duty import rollcall as duty_rollcall
from handlers.duty import roster as duty
from handlers.duty import shift as duty_shift
from handlers.duty import swap as duty_swap
from handlers.duty import unitcheck as duty_unitcheck
from handlers.duty import web as duty_web
from handlers.duty import web_export as duty_web_export
from handlers.duty import web_log as duty_web_log
from handlers.duty import web_rollcall as duty_web_rollcall
from handlers.duty import web_roster as duty_web_roster
from handlers.duty import web_units as duty_web_units
from handlers.duty.revoke import settle_duty
from handlers.help import commands as help
from handlers.meetings import answer as meetings_answer
from handlers.meetings import commands as meetings
from handlers.meetings import notices as meetings_notices
from handlers.meetings.revoke import settle_meetings
from handlers.petitions import commands as petitions
from handlers.petitions import review as petitions_review
from handlers.petitions import routes as petitions_routes
from handlers.petitions import view as petitions_view
from handlers.proposals import assign as proposals_assign
from handlers.proposals import commands as proposals
from handlers.proposals import view as proposals_view
from handlers.reminders import commands as remind
from handlers.reports import commands as reports
from handlers.reports import document as reports_document
from handlers.submissions import commands as submissions
from handlers.submissions import submit as submissions_submit
from handlers.supervision import commands as supervision
from handlers.supervision import flow as supervision_flow
from handlers.supervision import instructions
from handlers.supervision import notice as supervision_notice
from handlers.supervision import view as supervision_view
from handlers.supervision import web as supervision_web
from handlers.tickets import commands as tickets
from handlers.tickets import flow as tickets_flow
from handlers.tickets import stats as tickets_stats
from handlers.tickets import web as tickets_web
from handlers.vehicles import commands as vehicles
from handlers.vehicles import dispatch as vehicles_dispatch
from handlers.vehicles import fleet as vehicles_fleet
from handlers.vehicles.revoke import settle_vehicles
from models.directory.revoke import RevokeHook

ROUTERS: tuple[Router, ...] = (
    help.router,
    bind.router,
    weblink.router,
    groups.router,
    remind.router,
    outbox.router,
    duty.router,
    duty_swap.router,
    duty_shift.router,
    duty_log.router,
    duty_rollcall.router,
    duty_unitcheck.router,
    duty_incident.router,
    duty_bulletin.router,
    duty_daily.router,
    deadlines.router,
    supervision.router,
    supervision_flow.router,
    supervision_view.router,
    supervision_notice.router,
    reports.router,
    reports_document.router,
    proposals_assign.router,
    proposals.router,
    proposals_view.router,
    petitions.router,
    petitions_review.router,
    petitions_routes.router,
    petitions_view.router,
    instructions.router,
    meetings.router,
    meetings_notices.router,
    meetings_answer.router,
    documents.router,
    documents_register.router,
    documents_circulate.router,
    broadcast.router,
    broadcast_manage.router,
    broadcast_ack.router,
    tickets.router,
    tickets_flow.router,
    tickets_stats.router,
    vehicles.router,
    vehicles_dispatch.router,
    vehicles_fleet.router,
    submissions.router,
    submissions_submit.router,
)

REVOKE_HOOKS: tuple[RevokeHook, ...] = (
    settle_broadcasts,
    settle_duty,
    settle_meetings,
    settle_documents,
    remind.settle_reminders,
    settle_vehicles,
    weblink.settle_web,
)

WEB_PAGES: tuple[WebPages, ...] = (
    duty_web.pages,
    duty_web_roster.pages,
    duty_web_log.pages,
    duty_web_units.pages,
    supervision_web.pages,
    tickets_web.pages,
    broadcast_web.pages,
    duty_web_rollcall.pages,
    duty_web_export.pages,
    admin_web.pages,
    admin_web_export.pages,
)
