"""An answer's options, resolved: names to keys (forgiving, with roll-ups of affiliated actors),
then to parts of the facts' condition (storage.queries.planner)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from storage.connections import fetchall
from storage.model import FactKind
from storage.names import NameIndex
from storage.queries.planner import Filters, column_in
from storage.results import Match, NotFound
from storage.store import Store


async def resolve(store: Store, f: Filters, option: str, entity: str, value: str | None,
                  rollup: bool = False) -> Match | None:
    """What ``value`` names, recorded in ``f`` as understood (or as not found)."""
    if value is None or not value.strip() or f.not_found is not None:
        return None
    f.typed[option] = value
    result = (await store.names.index(entity)).resolve(value)
    if isinstance(result, NotFound):
        f.not_found = result
        return None
    if rollup:
        keys, names = await roll_up(store, result.keys)
        result = Match(result.entity, result.query, keys, result.name, result.corrected, names)
    f.matches.append(result)
    return result


async def filter_by(store: Store, f: Filters, option: str, entity: str, value: str | None,
                    column: str, rollup: bool = False) -> None:
    """Only the facts whose ``column`` holds what ``value`` names (nothing if it names nothing:
    ``f.not_found`` says so)."""
    match = await resolve(store, f, option, entity, value, rollup)
    if match:
        f.add(column_in(column, match.keys))


async def involving(store: Store, f: Filters, kind: FactKind, option: str,
                    value: str | None) -> None:
    """Only the facts of ``kind`` that involve the actor ``value`` names, or one affiliated
    to it (fact_actors: speaker, respondents, actors named)."""
    match = await resolve(store, f, option, "actor", value, rollup=True)
    if match:
        f.involving(kind, match.keys)


async def roll_up(store: Store, keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys plus every actor whose affiliation chain leads to one of them, and the
    display names of those others. Remembered until the next load: a big country's members
    cost 0.3 ms to find at 10,000 articles, and the same names are asked for again and again
    (every page of an answer, every reporter on the same story)."""
    actors = await store.names.index("actor")
    wanted = tuple(keys)
    known = actors.rollup(wanted)
    if known is None:
        found = await store.call(members_on, wanted)
        known = found, member_names(actors, wanted, found)
        actors.remember_rollup(wanted, known)
    return known


def members_on(conn: sqlite3.Connection, keys: Sequence[str]) -> tuple[str, ...]:
    seeds = ",".join("(?)" for _ in keys)
    sql = (f"WITH RECURSIVE members(key) AS (VALUES {seeds} "
           "UNION SELECT l.key FROM affiliations l JOIN members m ON l.affiliation = m.key) "
           "SELECT key FROM members")
    found = [row["key"] for row in fetchall(conn, sql, keys)]
    return (*keys, *[k for k in found if k not in keys])


def member_names(actors: NameIndex, keys: Sequence[str], found: Sequence[str]
                 ) -> tuple[str, ...]:
    return tuple(sorted(actors.display.get(k, k) for k in found if k not in keys))
