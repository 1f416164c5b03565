"""The bot's counters for /metrics (Prometheus) and the liveness marks /healthz reads.

One :class:`Metrics` per App, each with its own registry (never the global default one), so
several apps in one test process do not count into each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds: a reply goes out within a second or two; a routine push may wait minutes for a limit.
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)
# Unknown words are counted under one name: chat text must not become a label (cardinality).
UNKNOWN = "(unknown)"
# Commands that acknowledge (a broadcast's 收到, a roll call's 到), counted again as acks.
ACK_COMMANDS = frozenset({"ack", "here"})


@dataclass
class PlatformMarks:
    """When a platform last took a message, and last refused one."""

    last_sent: datetime | None = None
    last_error: datetime | None = None
    last_received: datetime | None = None  # a poller or webhook that falls silent shows here
    last_polled: datetime | None = None  # this instance's poller last had an answer (Telegram)

    @property
    def state(self) -> str:
        """``ok``, ``failing`` (the latest attempt failed) or ``idle`` (nothing sent yet)."""
        if self.last_error is not None and (
            self.last_sent is None or self.last_error > self.last_sent
        ):
            return "failing"
        return "ok" if self.last_sent is not None else "idle"


@dataclass
class Marks:
    """What /healthz compares with the clock: the last tick, the last sender pass, platforms."""

    started: datetime | None = None
    last_tick: datetime | None = None
    last_send_pass: datetime | None = None
    platforms: dict[str, PlatformMarks] = field(default_factory=dict)


class Metrics:
    """Counters, histograms and gauges of one running bot, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.marks = Marks()
        r = self.registry
        self.commands = Counter(
            "dutybot_commands",
            "Handled messages by command and outcome",
            ["command", "outcome"],
            registry=r,
        )
        self.deliveries = Counter(
            "dutybot_deliveries",
            "Outbox rows sent, by platform and kind",
            ["platform", "kind"],
            registry=r,
        )
        self.delivery_latency = Histogram(
            "dutybot_delivery_latency_seconds",
            "From queued to sent, by priority",
            ["priority"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.due_lateness = Histogram(
            "dutybot_due_lateness_seconds",
            "From due_at to fired, by kind",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.acks = Counter(
            "dutybot_acks",
            "Acknowledgements (收到, 到) recorded, by command",
            ["command"],
            registry=r,
        )
        self.errors = Counter(
            "dutybot_errors", "Failures by where they happened", ["where", "kind"], registry=r
        )
        self.outbox_depth = Gauge(
            "dutybot_outbox_depth",
            "Outbox rows by status and priority",
            ["status", "priority"],
            registry=r,
        )
        self.due_depth = Gauge("dutybot_due_depth", "Due items by status", ["status"], registry=r)
        self.due_lag = Gauge(
            "dutybot_due_lag_seconds",
            "How long the earliest due but unfired item has waited (0 when none)",
            registry=r,
        )
        self.last_tick = Gauge(
            "dutybot_last_tick_timestamp_seconds", "When the ticker last scanned", registry=r
        )
        self.last_send_pass = Gauge(
            "dutybot_last_send_pass_timestamp_seconds", "When the sender last looked", registry=r
        )
        self.oldest_unsent = Gauge(
            "dutybot_outbox_oldest_unsent_seconds",
            "Age of the oldest due but unsent outbox row (0 when none)",
            registry=r,
        )

    def command(self, name: str, outcome: str, platform: str, now: datetime) -> None:
        """Count one handled message (and mark its platform as heard from)."""
        self.platform(platform).last_received = now
        self.commands.labels(UNKNOWN if outcome == "unknown" else name, outcome).inc()
        if name in ACK_COMMANDS and outcome == "ok":
            self.acks.labels(name).inc()

    def sent(self, platform: str, kind: str, priority: int, seconds: float, now: datetime) -> None:
        """Count one delivered row and how long it waited."""
        self.deliveries.labels(platform, kind).inc()
        self.delivery_latency.labels(str(priority)).observe(max(seconds, 0.0))
        self.platform(platform).last_sent = now

    def send_failed(self, platform: str, now: datetime) -> None:
        """Count one failed send attempt (retried or final)."""
        self.errors.labels("sender", platform).inc()
        self.platform(platform).last_error = now

    def fired(self, kind: str, lateness: float) -> None:
        """Record how late a due item fired."""
        self.due_lateness.labels(kind).observe(max(lateness, 0.0))

    def platform(self, name: str) -> PlatformMarks:
        """The marks of ``name`` (created on first use)."""
        return self.marks.platforms.setdefault(name, PlatformMarks())

    def exposition(self) -> bytes:
        """The registry in Prometheus text format."""
        for gauge, when in (
            (self.last_tick, self.marks.last_tick),
            (self.last_send_pass, self.marks.last_send_pass),
        ):
            if when is not None:
                gauge.set(when.timestamp())
        return generate_latest(self.registry)
