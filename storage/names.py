"""Forgiving name lookups: case, accents, aliases and small typos.

The names of actors, topics and articles are few next to the facts, so each is held in memory
per store generation (rebuilt after a load) and matched with rapidfuzz.
"""

from __future__ import annotations

import sqlite3
import weakref
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from storage.results import Match, NotFound
from storage.store import Store
from storage.text import fold_name

SUGGESTIONS = 3


@dataclass(frozen=True)
class NameIndex:
    entity: str
    keys_by_folded: dict[str, frozenset[str]]
    display: dict[str, str]        # key -> display name
    folded: tuple[str, ...]        # every folded name, for fuzzy matching

    def resolve(self, query: str) -> Match | NotFound:
        wanted = fold_name(query)
        if not wanted:
            return NotFound(self.entity, query, ())
        exact = self.keys_by_folded.get(wanted)
        if exact:
            return self._match(query, exact, corrected=False)
        typo = self._typo(wanted)
        if typo:
            return self._match(query, typo, corrected=True)
        return NotFound(self.entity, query, self.suggest(wanted))

    def _typo(self, wanted: str) -> frozenset[str] | None:
        """Keys within a small edit distance, when they all point to one thing."""
        if len(wanted) < 4:
            return None
        allowed = 1 if len(wanted) <= 7 else 2
        near = process.extract(wanted, self.folded, scorer=DamerauLevenshtein.distance,
                               score_cutoff=allowed, limit=20)
        keys = frozenset(k for name, _, _ in near for k in self.keys_by_folded[name])
        return keys if len(keys) == 1 else None

    def suggest(self, wanted: str, limit: int = SUGGESTIONS) -> tuple[str, ...]:
        found: list[str] = []
        for name, _, _ in process.extract(wanted, self.folded, scorer=fuzz.WRatio,
                                          score_cutoff=60, limit=limit * 4):
            for key in sorted(self.keys_by_folded[name]):
                shown = self.display[key]
                if shown not in found:
                    found.append(shown)
        return tuple(found[:limit])

    def ranked(self, typed: str, limit: int) -> list[tuple[str, str]]:
        """(key, display name) best first, for autocomplete; everything when nothing typed."""
        wanted = fold_name(typed)
        if not wanted:
            return sorted(self.display.items(), key=lambda kv: kv[1].casefold())[:limit]
        seen: dict[str, None] = {}
        prefix = [n for n in self.folded if n.startswith(wanted)]
        for name in sorted(prefix, key=len):
            seen.update(dict.fromkeys(sorted(self.keys_by_folded[name])))
        for name, _, _ in process.extract(wanted, self.folded, scorer=fuzz.WRatio,
                                          score_cutoff=50, limit=limit * 3):
            seen.update(dict.fromkeys(sorted(self.keys_by_folded[name])))
        return [(k, self.display[k]) for k in list(seen)[:limit]]

    def _match(self, query: str, keys: frozenset[str], corrected: bool) -> Match:
        ordered = tuple(sorted(keys))
        return Match(self.entity, query, ordered, " / ".join(self.display[k] for k in ordered),
                     corrected)


_SQL = {
    "actor": ("SELECT n.key, n.folded, a.name AS display FROM names n "
              "JOIN actors a ON a.article = n.article AND a.key = n.key "
              "JOIN articles ar ON ar.slug = n.article WHERE n.entity = 'actor' "
              "ORDER BY ar.published IS NULL DESC, ar.published, ar.loaded_at"),
    "topic": ("SELECT n.key, n.folded, t.name AS display FROM names n "
              "JOIN topics t ON t.article = n.article AND t.key = n.key "
              "JOIN articles ar ON ar.slug = n.article WHERE n.entity = 'topic' "
              "ORDER BY ar.published IS NULL DESC, ar.published, ar.loaded_at"),
    "article": "SELECT slug AS key, slug AS name, title AS display FROM articles",
}

_cache: weakref.WeakKeyDictionary[Store, tuple[int, dict[str, NameIndex]]] = (
    weakref.WeakKeyDictionary())


async def name_index(store: Store, entity: str) -> NameIndex:
    generation = store.snapshot_generation
    cached = _cache.get(store)
    if cached is None or cached[0] != generation:
        cached = (generation, {})
        _cache[store] = cached
    if entity not in cached[1]:
        cached[1][entity] = await _build(store, entity)
    return cached[1][entity]


async def _build(store: Store, entity: str) -> NameIndex:
    # On the snapshot connection's thread, in one trip: at newsroom scale this is hundreds of
    # thousands of rows, which would otherwise take thousands of trips and hold the loop.
    return await store.call(_build_on, entity)


def _build_on(conn: sqlite3.Connection, entity: str) -> NameIndex:
    keys: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    if entity == "article":
        for key, _, shown in _all(conn, _SQL[entity]):
            display[key] = shown
            for name in (key, shown):
                keys.setdefault(fold_name(name), set()).add(key)
    else:
        # What _SQL[entity] returns, in its order, from three plain scans (over covering
        # indexes, migration 0004) instead of one join: the join visits an article row (past
        # its body, on overflow pages) and an actor row for every one of hundreds of thousands
        # of names: 7 s at 10,000 articles, against 2 s this way.
        order = {slug: (published is not None, published or "", loaded_at) for
                 slug, published, loaded_at in _all(conn, "SELECT slug, published, loaded_at "
                                                          "FROM articles")}
        table = "actors" if entity == "actor" else "topics"
        shown_in = {(article, key): name for article, key, name
                    in _all(conn, f"SELECT article, key, name FROM {table}")}
        rows = [r for r in _all(conn, "SELECT article, key, folded FROM names WHERE entity = ? "
                                      "ORDER BY folded", (entity,))
                if (r[0], r[1]) in shown_in and r[0] in order]
        # Undated first, then oldest to newest: the newest dated article's name wins, as in
        # who(). (sort is stable: names of equally dated articles keep the folded order.)
        rows.sort(key=lambda r: order[r[0]])
        for article, key, folded in rows:
            display[key] = shown_in[(article, key)]
            keys.setdefault(folded, set()).add(key)
    return NameIndex(entity, {k: frozenset(v) for k, v in keys.items()}, display, tuple(keys))


def _all(conn: sqlite3.Connection, sql: str, params: tuple[str, ...] = ()) -> list[Any]:
    """Every row as a plain tuple (cheaper than sqlite3.Row over hundreds of thousands)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
