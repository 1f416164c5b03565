"""Chinese keyword search over tickets: one jieba path feeds SQLite FTS5 and PostgreSQL tsvector.

Each ticket keeps ``tokens`` — jieba ``cut_for_search`` words of its content and address, joined
by spaces. SQLite indexes them with FTS5 (unicode61, external content, kept by triggers);
PostgreSQL with a GIN index on ``to_tsvector('simple', tokens)``. Both are written by hand in
migration 0004. A query word must match as a token *and* as a literal substring (``instr`` /
``strpos``), so multi-token words stay exact; when the word path finds nothing (a fragment inside
a word, 山林 in 南山林场, or one character) a substring scan answers instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import segment
from bot.store.base import is_postgres

# Objects migration 0004 writes by hand; autogenerate and the migration check leave them alone.
HAND_WRITTEN = ("ticket_fts", "ix_tickets_search")


def teach(words: Iterable[str]) -> None:
    """Make the user dictionary's words (places, units, 12345 terms) single tokens."""
    segment.add_words(words)


# Plain words only — ASCII letter runs, digit runs, other word characters: "12345-20231108-000123"
# is 12345 / 20231108 / 000123 and "120.5mm" is 120 / 5 / mm whichever segmenter joined or split
# them, and FTS5 and tsvector parse the same words.
_PLAIN = re.compile(r"[a-z]+|[0-9]+|[^\W\da-z_]+")


def _plain(tokens: Iterable[str]) -> list[str]:
    return [p for t in tokens for p in _PLAIN.findall(t.lower())]


def index_tokens(*parts: str, cut: Callable[[str], list[str]] = segment.for_search) -> str:
    """The ``tokens`` column for a ticket's number, content and address."""
    return " ".join(t for part in parts for t in _plain(cut(part)))


def query_tokens(word: str) -> list[str]:
    """The index tokens one query word must all have."""
    return _plain(segment.words(word))


def _fts5_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _ts_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def split_query(query: str) -> list[str]:
    """The words a user typed (spaces, full-width spaces and commas separate them)."""
    for sep in ("\u3000", "，", ",", "、"):
        query = query.replace(sep, " ")
    return [w for w in query.split() if w]


async def search(
    session: AsyncSession, query: str, *, limit: int = 20, unit: str | None = None
) -> list[int]:
    """Ids of tickets whose number, content or address holds every word of ``query``, newest
    first; with ``unit``, only tickets that unit leads or helps with (a liaison's scope).

    "Newest" is registration order (the id), which an index can walk backwards without sorting.
    """
    words = split_query(query)
    if not words:
        return []
    found = await _by_words(session, words, limit, unit)
    if found:
        return found
    return await scan(session, words, limit=limit, unit=unit)


async def newest(session: AsyncSession, *, limit: int = 20, unit: str | None = None) -> list[int]:
    """Ids of the newest tickets (no words: the dashboard's list), within ``unit`` as
    :func:`search` — led or helped with."""
    params: dict[str, object] = {"limit": limit}
    where = "1 = 1" + _unit_clause(unit, params)
    sql = f"SELECT t.id FROM tickets t WHERE {where} ORDER BY t.id DESC LIMIT :limit"
    return list((await session.execute(text(sql), params)).scalars())


def _unit_clause(unit: str | None, params: dict[str, object]) -> str:
    """`` AND`` the ticket is led by or co-handled by ``unit`` (co_orgs is a JSON list)."""
    if unit is None:
        return ""
    params["unit"], params["unit_json"] = unit, f'%"{unit}"%'
    return (
        " AND (t.lead_org_id IN (SELECT o.id FROM org_units o WHERE o.name = :unit)"
        " OR t.co_orgs LIKE :unit_json)"
    )


def _literal(words: Sequence[str], pg: bool, params: dict[str, object]) -> list[str]:
    clauses = []
    for i, word in enumerate(words):
        params[f"w{i}"] = word.lower()
        body = "lower(t.number || ' ' || t.content || ' ' || t.address)"
        clauses.append(f"strpos({body}, :w{i}) > 0" if pg else f"instr({body}, :w{i}) > 0")
    return clauses


async def _by_words(
    session: AsyncSession, words: Sequence[str], limit: int, unit: str | None
) -> list[int]:
    tokens = list(dict.fromkeys(t for w in words for t in query_tokens(w)))
    if not tokens:
        return []
    pg = is_postgres(session)
    params: dict[str, object] = {"limit": limit}
    where = " AND ".join(_literal(words, pg, params)) + _unit_clause(unit, params)
    if pg:
        params["q"] = " & ".join(_ts_quote(t) for t in tokens)
        sql = (
            "SELECT t.id FROM tickets t WHERE to_tsvector('simple', t.tokens) "
            f"@@ to_tsquery('simple', :q) AND {where} ORDER BY t.id DESC LIMIT :limit"
        )
    else:
        params["q"] = " AND ".join(_fts5_quote(t) for t in tokens)
        sql = (
            "SELECT t.id FROM ticket_fts f JOIN tickets t ON t.id = f.rowid "
            f"WHERE ticket_fts MATCH :q AND {where} ORDER BY f.rowid DESC LIMIT :limit"
        )
    return list((await session.execute(text(sql), params)).scalars())


async def scan(
    session: AsyncSession, words: Sequence[str], *, limit: int = 20, unit: str | None = None
) -> list[int]:
    """The substring scan: every word a literal part of content or address (also the baseline)."""
    params: dict[str, object] = {"limit": limit}
    clauses = []
    for i, word in enumerate(words):
        params[f"p{i}"] = (
            "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        clauses.append(
            f"lower(t.number || ' ' || t.content || ' ' || t.address) LIKE :p{i} ESCAPE '\\'"
        )
    where = " AND ".join(clauses) + _unit_clause(unit, params)
    sql = f"SELECT t.id FROM tickets t WHERE {where} ORDER BY t.id DESC LIMIT :limit"
    return list((await session.execute(text(sql), params)).scalars())


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare: object
) -> bool:
    """Alembic filter: skip the hand-written search objects (and FTS5's shadow tables)."""
    return not (
        reflected and compare is None and name is not None and name.startswith(HAND_WRITTEN)
    )
