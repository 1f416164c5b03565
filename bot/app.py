"""Composition root: config → database → command table, jobs, dispatcher, sender, ticker, adapters.

The only module that names concrete adapters, and the one list of the features' config sections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import config as kernel
from bot.adapters.webhook.adapter import create_webhook
from bot.config import Config, ConfigError, FeatureSection
from bot.core.clock import Clock, SystemClock
from bot.core.dispatcher import Dispatcher
from bot.core.health import Health
from bot.core.jobs import JobRegistry
from bot.core.metrics import Metrics
from bot.core.ports import Adapter, Leadership
from bot.core.private_files import private_dir
from bot.core.routing import CommandTable
from bot.core.ticker import Ticker
from bot.delivery.heartbeat import Heartbeat
from bot.delivery.sender import Sender
from bot.http.server import HttpServer
from bot.store import audit, instances
from bot.store.audit_key import load_key
from bot.store.engine import checkpoint, make_engine, make_sessionmaker
from bot.store.leader import AdvisoryLock, uses_locks
from bot.store.migrate import current_revision, head_revision, upgrade
from models.broadcast import records as broadcast
from models.broadcast.settings import BROADCAST
from models.deadlines import imported
from models.deadlines.settings import CALENDAR, SUPERVISION
from models.directory import groups
from models.directory.binding import Accounts, WebPeople
from models.documents.settings import DOCUMENTS
from models.duty.bulletin_settings import BULLETIN
from models.duty.settings import DUTY
from models.meetings.settings import MEETINGS
from models.petitions.settings import PETITIONS
from models.proposals.settings import PROPOSALS
from models.submissions.settings import SUBMISSIONS
from models.supervision.settings import SUPERVISION_DOCS
from models.tickets.settings import TICKETS
from models.tickets.webhook import TARGET as TICKET_EVENTS
from models.vehicles.settings import VEHICLES

log = logging.getLogger("dutybot.app")

#: Every feature's top-level section of config.yaml, validated with the kernel's on loading.
SECTIONS: tuple[FeatureSection[Any], ...] = (
    CALENDAR,
    DUTY,
    SUPERVISION,
    PROPOSALS,
    PETITIONS,
    TICKETS,
    BROADCAST,
    VEHICLES,
    SUBMISSIONS,
    BULLETIN,
    SUPERVISION_DOCS,
    MEETINGS,
    DOCUMENTS,
)


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """:func:`bot.config.load_config` with every feature's section: a bad key anywhere is a
    ConfigError now, not at its first use."""
    return kernel.load_config(path, env, SECTIONS)


def parse_config(data: dict[str, Any], env: dict[str, str] | None = None) -> Config:
    """:func:`bot.config.parse_config` with every feature's section."""
    return kernel.parse_config(data, env, SECTIONS)


def leaders(config: Config) -> Callable[[str], Leadership] | None:
    """Leadership by name for instances sharing PostgreSQL; None on SQLite (one instance)."""
    url = config.database.url
    if not uses_locks(url):
        return None
    return lambda name: AdvisoryLock(url, name)


def build_adapters(
    config: Config,
    http: HttpServer | None = None,
    console: Adapter | None = None,
    clock: Clock | None = None,
) -> dict[str, Adapter]:
    """Adapters for the enabled platforms; webhook-style adapters register routes on ``http``.

    The outbound ``webhook`` platform (ticket steps to the 12345 platform) joins them when
    ``tickets.webhook.url`` is set. Telegram polls only while it holds its lock (:func:`leaders`).
    """
    adapters: dict[str, Adapter] = {}
    webhook = create_webhook(TICKETS.of(config).webhook, TICKET_EVENTS.address, clock)
    if webhook is not None:
        adapters[webhook.platform] = webhook
    if config.platforms.console.enabled:
        if console is None:
            from bot.adapters.console import ConsoleAdapter, files_dir

            console = ConsoleAdapter(files=files_dir(config))
        adapters["console"] = console
    if config.platforms.telegram.enabled:
        from bot.adapters.telegram import create_adapter as create_telegram

        adapters["telegram"] = create_telegram(config, http, leaders(config))
    # Webhook platforms register their callback routes on ``http``.
    if config.platforms.wecom.enabled:
        from bot.adapters.wecom import create_adapter as create_wecom

        adapters["wecom"] = create_wecom(config, http, clock=clock)
    if config.platforms.dingtalk.enabled:
        from bot.adapters.dingtalk import create_adapter as create_dingtalk

        adapters["dingtalk"] = create_dingtalk(config, http, clock=clock)
    if config.platforms.feishu.enabled:
        from bot.adapters.feishu import create_adapter as create_feishu

        adapters["feishu"] = create_feishu(config, http, clock=clock)
    if config.platforms.sms.enabled:
        from bot.adapters.sms import create_sms

        adapters["sms"] = create_sms(config)
    if config.platforms.voice.enabled:
        from bot.adapters.sms import create_voice

        adapters["voice"] = create_voice(config)
    return adapters


async def prepare_database(engine: AsyncEngine, auto_upgrade: bool) -> None:
    """Upgrade the schema (embedded SQLite) or insist it is current (PostgreSQL)."""
    current, head = await current_revision(engine), head_revision()
    if current == head:
        return  # the usual start: Alembic is not even imported
    if auto_upgrade:
        await upgrade(engine)
        return
    raise ConfigError(
        f"数据库结构版本为 {current or '空'}，需要 {head}。请先运行：dutybot db upgrade"
    )


def audit_sessions(config: Config, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions carrying the audit key (DUTYBOT_AUDIT_KEY, else the key file; never the DB)."""
    private_dir(Path(config.data_dir))
    key = load_key(config.audit.key_path(config.data_dir))
    return make_sessionmaker(engine, key.key, key.old)


@dataclass
class App:
    """A running DutyBot."""

    config: Config
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    adapters: dict[str, Adapter]
    dispatcher: Dispatcher
    sender: Sender
    ticker: Ticker
    http: HttpServer
    heartbeat: Heartbeat | None = None
    metrics: Metrics = field(default_factory=Metrics)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _scheduler: Any = None

    @classmethod
    async def create(
        cls,
        config: Config,
        *,
        clock: Clock | None = None,
        adapters: dict[str, Adapter] | None = None,
        auto_upgrade: bool | None = None,
        routers: Any = None,
        registries: Any = None,
        http: HttpServer | None = None,
        web_pages: Any = None,
    ) -> App:
        """Wire everything; upgrades an embedded SQLite database on the way."""
        import handlers
        import schedules

        clock = clock or SystemClock()
        engine = make_engine(
            config.database.url,
            config.database.echo,
            sqlite_inline=config.database.sqlite_driver == "inline",
        )
        if auto_upgrade is None:
            auto_upgrade = config.database.url.startswith("sqlite")
        await prepare_database(engine, auto_upgrade)
        sessions = audit_sessions(config, engine)
        async with sessions.begin() as session:
            await audit.keep_months(session, config.audit.retention_months)
            await imported.load(session)  # holiday notices imported earlier, for the calendar
        http = http or HttpServer(config.http.host, config.http.port)
        adapters = adapters if adapters is not None else build_adapters(config, http, clock=clock)
        if config.http.enabled:
            from handlers.tickets.api import TicketsApi, api_keys

            TicketsApi(sessions, config, clock, api_keys(config)).register(http)
            if config.web.enabled:
                from bot.web.runtime import WebRuntime

                pages = web_pages if web_pages is not None else handlers.WEB_PAGES
                WebRuntime(sessions, config, clock, WebPeople(), pages).mount(http)
        directory = Accounts()
        metrics = Metrics()
        sender = Sender(
            sessions, adapters, config.outbox, config.platforms, clock, directory, metrics
        )
        table = CommandTable(routers if routers is not None else handlers.ROUTERS)
        registry = JobRegistry.merge(
            registries if registries is not None else schedules.REGISTRIES
        )
        dispatcher = Dispatcher(
            sessions,
            table,
            config,
            clock,
            directory,
            notify=sender.wake,
            on_chat_moved=(groups.move, broadcast.follow_chat),
            metrics=metrics,
        )
        ticker = Ticker(sessions, registry, config, clock, notify=sender.wake, metrics=metrics)
        heartbeat = None
        if config.instances.enabled:  # claims name this instance, so a live one can take over
            me = instances.new_id()
            sender.owner = ticker.worker = me
            heartbeat = Heartbeat(
                sessions, config.instances, clock, me, notify=sender.wake, marks=metrics.marks
            )
        health = Health(sessions, config, clock, metrics, tuple(adapters))
        http.observe(health.check, health.exposition)
        metrics.marks.started = clock.now()
        return cls(
            config,
            engine,
            sessions,
            clock,
            adapters,
            dispatcher,
            sender,
            ticker,
            http,
            heartbeat,
            metrics,
        )

    async def start(self, *, scheduler: bool = True) -> None:
        """Recover from a crash, catch up what fell due while down, then run in the background.

        A dead instance's claims are taken over first, so its rows and due items go out now.
        """
        if self.heartbeat is not None:
            await self.heartbeat.beat()
            self._tasks.append(asyncio.create_task(self.heartbeat.run(self._stop), name="beat"))
        resumed = await self.dispatcher.resume()
        ran = await self.ticker.catch_up()
        result = await self.ticker.tick()
        if resumed or ran or result.fired:
            log.info(
                "start-up: %s messages resumed, cron %s caught up, %s due items fired (%s late)",
                resumed,
                ran,
                result.fired,
                result.late,
            )
        for adapter in self.adapters.values():
            await adapter.start(self.dispatcher)
        if self.config.http.enabled:
            await self.http.start()
        self._tasks.append(asyncio.create_task(self.sender.run(self._stop), name="sender"))
        self.start_checkpoints()
        if scheduler:
            self._tasks.append(asyncio.create_task(self.ticker.run(self._stop), name="due-scan"))
            self._scheduler = self.ticker.scheduler()
            self._scheduler.start()

    def start_checkpoints(self) -> None:
        """Checkpoint an inline SQLite database's WAL periodically, off the event loop."""
        if self.config.database.sqlite_driver == "inline" and self.engine.dialect.name == "sqlite":
            self._tasks.append(asyncio.create_task(self._checkpoints(), name="checkpoints"))

    async def _checkpoints(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.config.database.checkpoint_seconds)
            try:
                await checkpoint(self.engine, "TRUNCATE" if self._stop.is_set() else "PASSIVE")
            except Exception:  # a busy database now is no reason to stop checkpointing later
                log.warning("WAL checkpoint failed; will retry", exc_info=True)

    async def stop(self) -> None:
        """Stop receiving, deliver what is due, and close the database."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        await self.http.stop()
        for adapter in self.adapters.values():
            with contextlib.suppress(Exception):
                await adapter.stop()
        self._stop.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.heartbeat is not None:
            with contextlib.suppress(Exception):  # its claims were put back; a row left is stale
                await self.heartbeat.leave()
        await self.engine.dispose()
