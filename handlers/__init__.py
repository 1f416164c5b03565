"""Chat use cases, one module per feature. ROUTERS is the one ordered list the bot serves."""

from bot.core.routing import Router
from handlers import bind, broadcast, broadcast_ack, broadcast_manage, groups, help, outbox, remind

ROUTERS: tuple[Router, ...] = (
    help.router,
    bind.router,
    groups.router,
    remind.router,
    outbox.router,
    broadcast.router,
    broadcast_manage.router,
    broadcast_ack.router,
)
