"""The start-up check reads the heads and the database's revision without Alembic, and agrees
with Alembic: same heads, None for an empty database, the heads after an upgrade; a database
behind is refused when it may not be upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.config import ConfigError
from bot.store.engine import make_engine
from bot.store.migrate import _alembic_config, current_revision, head_revision, prepare


def test_heads_are_alembics() -> None:
    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    assert head_revision() == "+".join(sorted(heads))
    assert len(heads) > 1  # the feature branches: a merge or a new branch changes this


async def test_current_revision_empty_then_heads_then_behind(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        assert await current_revision(engine) is None
        with pytest.raises(ConfigError, match="dutybot db upgrade"):
            await prepare(engine, auto_upgrade=False)
        await prepare(engine, auto_upgrade=True)
        assert await current_revision(engine) == head_revision()
        await prepare(engine, auto_upgrade=False)  # current: no error
        async with engine.begin() as conn:  # before merge 0015 of 0002 and 0003
            await conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0015'"))
            await conn.execute(text("INSERT INTO alembic_version VALUES ('0002'), ('0003')"))
        assert await current_revision(engine) != head_revision()
        with pytest.raises(ConfigError, match="需要"):
            await prepare(engine, auto_upgrade=False)
    finally:
        await engine.dispose()
