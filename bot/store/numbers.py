"""Document numbers per series and year (期号 第N期, 文号 …〔2027〕N号): one counter row per
(series, year), advanced by a single upsert so that two transactions never get the same number.

The upsert takes the row's write lock (PostgreSQL: the conflicting row; SQLite: the database),
so a second transaction waits for the first to commit and then counts on from its number. A
transaction that rolls back takes its number back with it (the next one gets it: no gap). A
new year starts at 1 because its row does not exist yet. Features keep the number they were
given on their own rows, with their own uniqueness; the series names are theirs (``值班信息``,
``县政府办督``).
"""

from __future__ import annotations

from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class DocumentNumber(Base):
    """The last number given in one series and year."""

    __tablename__ = "document_numbers"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


async def next_number(session: AsyncSession, series: str, year: int) -> int:
    """Take the next number of ``series`` in ``year`` (1 for the first of the year)."""
    from sqlalchemy.dialects import postgresql, sqlite

    table = DocumentNumber.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DocumentNumber)
        .values(series=series, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[table.c.series, table.c.year], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )
    return int((await session.execute(statement)).scalar_one())


async def last_number(session: AsyncSession, series: str, year: int) -> int:
    """The last number given in ``series`` and ``year``; 0 when none yet."""
    found = await session.scalar(
        select(DocumentNumber.last).where(
            DocumentNumber.series == series, DocumentNumber.year == year
        )
    )
    return int(found or 0)
