"""Reminder moments come from the rule table: chases stop at the 回执 cut-off, the materials
reminder is skipped when the deadline is too near, and a county's own values move them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config
from models.meetings.plan import steps
from models.meetings.records import Meeting, MeetingStatus
from tests.conftest import make_config

TZ = "Asia/Shanghai"


def local(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00").astimezone(UTC)


def config(tmp_path: Path, **overrides: Any) -> Config:
    return make_config(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", **overrides)


def meeting(starts: str, notified: str, materials: str | None = None) -> Meeting:
    return Meeting(
        id=1,
        kind="专题会议",
        held_on=date(2026, 11, 27),
        title="防汛工作专题会",
        created_by=1,
        status=MeetingStatus.NOTIFIED.value,
        starts_at=local(starts),
        notified_at=local(notified),
        materials_due=local(materials) if materials else None,
    )


def test_default_rules(tmp_path: Path) -> None:
    got = steps(
        meeting("2026-11-27T15:00", "2026-11-26T09:00", "2026-11-27T12:00"),
        config(tmp_path),
        ZoneInfo(TZ),
    )
    assert got == {
        "chase1": local("2026-11-26T13:00"),
        "chase2": local("2026-11-26T17:00"),
        "materials": local("2026-11-26T12:00"),
        "prestart": local("2026-11-27T14:00"),
    }


def test_no_chase_after_the_cut_off_and_no_materials_reminder_too_near(tmp_path: Path) -> None:
    # starts 16:00 the same day: cut-off 14:00, so only the 13:00 chase; materials due at 12:00
    # are nearer than 24 hours: the notice says it, no separate reminder
    got = steps(
        meeting("2026-11-26T16:00", "2026-11-26T09:00", "2026-11-26T12:00"),
        config(tmp_path),
        ZoneInfo(TZ),
    )
    assert set(got) == {"chase1", "prestart"}
    assert got["prestart"] == local("2026-11-26T15:00")


def test_a_countys_rules_move_the_moments(tmp_path: Path) -> None:
    rules = {
        "meeting.rsvp_chase": {"amount": 2},
        "meeting.pre_start": {"amount": 30, "unit": "分钟"},
    }
    got = steps(
        meeting("2026-11-27T15:00", "2026-11-26T09:00"),
        config(tmp_path, rules=rules, meetings={"max_chases": 3}),
        ZoneInfo(TZ),
    )
    assert got == {
        "chase1": local("2026-11-26T11:00"),
        "chase2": local("2026-11-26T13:00"),
        "chase3": local("2026-11-26T15:00"),
        "prestart": local("2026-11-27T14:30"),
    }


def test_nothing_for_a_meeting_not_notified_or_cancelled(tmp_path: Path) -> None:
    found = meeting("2026-11-27T15:00", "2026-11-26T09:00")
    found.status = MeetingStatus.CANCELLED.value
    assert steps(found, config(tmp_path), ZoneInfo(TZ)) == {}
    found.status = MeetingStatus.REGISTERED.value
    assert steps(found, config(tmp_path), ZoneInfo(TZ)) == {}
