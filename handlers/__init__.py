"""Chat use cases, one module per feature. ROUTERS is the one ordered list the bot serves."""

from bot.core.routing import Router
from handlers import (
    bind,
    duty,
    duty_incident,
    duty_log,
    duty_rollcall,
    duty_shift,
    duty_swap,
    groups,
    help,
    outbox,
    remind,
)

ROUTERS: tuple[Router, ...] = (
    help.router,
    bind.router,
    groups.router,
    remind.router,
    outbox.router,
    duty.router,
    duty_swap.router,
    duty_shift.router,
    duty_log.router,
    duty_rollcall.router,
    duty_incident.router,
)
