"""Forgiving name lookups: case, accents, aliases and small typos.

The names of actors, topics and articles are few next to the facts, so each is held in memory
per store generation and matched with rapidfuzz. The index is read from the name directory
(migration 0005), which every load keeps up to date in its own transaction
(``update_directory``), so building it is reading some 25,000 small rows, not every name of
every article.

Autocomplete and typo lookups never score every name: sorted names answer prefixes (bisect),
a word index answers word prefixes, and the fuzzy scorers only see the names that share a word
with what was typed, within a small edit distance.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import heapq
import itertools
import logging
import sqlite3
import weakref
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, DamerauLevenshtein, Levenshtein

from storage.db import StoreError, chunks
from storage.results import Match, NotFound
from storage.text import fold_name

if TYPE_CHECKING:
    from storage.store import Store

SUGGESTIONS = 3
FUZZY_CANDIDATES = 100  # names the final WRatio ranking sees, at most
_HIGH = "\U0010ffff"    # sorts after every folded name: the end of a prefix range


@dataclass(frozen=True)
class NameIndex:
    entity: str
    # folded name -> the keys it names, sorted. Tuples of strings, not sets: the cyclic
    # garbage collector stops tracking them, and a full collection of a bot with 10,000
    # articles' indexes walked 65,000 sets and lists (27 ms, holding the event loop) that it
    # now skips (5 ms).
    keys_by_folded: dict[str, tuple[str, ...]]
    display: dict[str, str]        # key -> display name
    folded: tuple[str, ...] = field(init=False)  # every folded name, sorted (for bisect)
    # For actors: keys -> (those keys and every actor affiliated to them, their names), filled
    # by storage.queries as answers ask; as fresh as the index itself (one per load).
    rollups: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = field(
        init=False, default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", tuple(sorted(self.keys_by_folded)))

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
        # Only names whose length is within ``allowed`` can be that close, and Levenshtein
        # (bit-parallel, fast) is at most twice Damerau-Levenshtein: the slow exact scorer
        # sees a few names instead of all of them, with the same result.
        near_length = [n for size in range(len(wanted) - allowed, len(wanted) + allowed + 1)
                       for n in self._by_length.get(size, ())]
        rough = [n for n, _, _ in process.extract(wanted, near_length, scorer=Levenshtein.distance,
                                                  score_cutoff=2 * allowed, limit=None)]
        near = process.extract(wanted, sorted(rough), scorer=DamerauLevenshtein.distance,
                               score_cutoff=allowed, limit=20)
        keys = frozenset(k for name, _, _ in near for k in self.keys_by_folded[name])
        return keys if len(keys) == 1 else None

    def suggest(self, wanted: str, limit: int = SUGGESTIONS) -> tuple[str, ...]:
        found: list[str] = []
        for name, _, _ in process.extract(wanted, self._fuzzy_candidates(wanted, 25 * limit),
                                          scorer=fuzz.WRatio, score_cutoff=60, limit=limit * 4):
            for key in sorted(self.keys_by_folded[name]):
                shown = self.display[key]
                if shown not in found:
                    found.append(shown)
        return tuple(found[:limit])

    def ranked(self, typed: str, limit: int) -> list[tuple[str, str]]:
        """(key, display name) best first, for autocomplete; everything when nothing typed.

        Names that start with what was typed come first (shortest first), then names with a
        later word starting with it (every typed word a prefix of one of the name's words),
        then, to fill the list, names close to it (a typo in a word) ranked by WRatio."""
        wanted = fold_name(typed)
        if not wanted:
            return self._alphabetical[:limit]
        seen: dict[str, None] = {}
        for kind in range(3):  # each kind of match only when the ones before fell short
            names = (self._starting(wanted, limit) if kind == 0 else
                     self._words_starting(wanted) if kind == 1 else
                     self._fuzzy(wanted, limit * 3))
            for name in names:
                seen.update(dict.fromkeys(sorted(self.keys_by_folded[name])))
                if len(seen) >= limit:
                    return [(k, self.display[k]) for k in list(seen)[:limit]]
        return [(k, self.display[k]) for k in seen]

    def _match(self, query: str, keys: Collection[str], corrected: bool) -> Match:
        ordered = tuple(sorted(keys))
        return Match(self.entity, query, ordered, " / ".join(self.display[k] for k in ordered),
                     corrected)

    # --- lookup structures, built on first use -------------------------------------------

    def prepare(self) -> None:
        """Build every lookup structure now (start_warming does, off the event loop)."""
        for name in ("_alphabetical", "_by_length", "_postings", "_vocabulary"):
            getattr(self, name)

    @cached_property
    def _alphabetical(self) -> list[tuple[str, str]]:
        return sorted(self.display.items(), key=lambda kv: kv[1].casefold())

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        sizes: dict[int, list[str]] = {}
        for name in self.folded:
            sizes.setdefault(len(name), []).append(name)
        return sizes

    @cached_property
    def _postings(self) -> dict[str, tuple[int, ...]]:
        """word -> positions in ``folded`` of the names that have it (tuples: see
        keys_by_folded)."""
        words: dict[str, list[int]] = {}
        for i, name in enumerate(self.folded):
            for word in set(name.split()):
                words.setdefault(word, []).append(i)
        return {word: tuple(found) for word, found in words.items()}

    @cached_property
    def _vocabulary(self) -> list[str]:
        return sorted(self._postings)

    def _near_words(self, word: str) -> tuple[list[str], dict[str, list[str]]]:
        """What a typed ``word`` may be a typo of: the first len(word) letters of every word
        that begins with the same letter (or with its first two letters swapped), and such
        whole words up to two letters shorter or longer; each -> the words it stands for.
        A typo in the very first letter is not corrected: people rarely make one, and
        checking only those words is what makes this fast."""
        size = len(word)
        cache: dict[tuple[int, str], tuple[list[str], dict[str, list[str]]]] = (
            self.__dict__.setdefault("_near_cache", {}))
        found = cache.get((size, word[:2]))
        if found is None:
            words: dict[str, list[str]] = {}
            for start in dict.fromkeys((word[0], word[1] + word[0])):
                vocabulary = self._vocabulary
                lo = bisect_left(vocabulary, start)
                for other in vocabulary[lo:bisect_left(vocabulary, start + _HIGH, lo)]:
                    if len(other) >= size:
                        words.setdefault(other[:size], []).append(other)
                    if size - 2 <= len(other) <= size + 2 and len(other) != size:
                        words.setdefault(other, []).append(other)
            found = (list(words), words)
            if len(cache) < 4096:
                cache[(size, word[:2])] = found
        return found

    # --- the three kinds of match ---------------------------------------------------------

    def _starting(self, wanted: str, limit: int) -> Iterator[str]:
        lo = bisect_left(self.folded, wanted)
        hi = bisect_left(self.folded, wanted + _HIGH, lo)
        return _shortest_first(self.folded[lo:hi], 4 * limit)

    def _word_ids(self, word: str, prefix: bool) -> set[int]:
        if not prefix:
            return set(self._postings.get(word, ()))
        vocabulary = self._vocabulary
        lo = bisect_left(vocabulary, word)
        hi = bisect_left(vocabulary, word + _HIGH, lo)
        ids: set[int] = set()
        for w in vocabulary[lo:hi]:
            ids.update(self._postings[w])
        return ids

    def _words_starting(self, wanted: str) -> Iterator[str]:
        """Names where each typed word starts one of the name's words (the last typed word
        may be cut short; the others too, as people abbreviate)."""
        ids: set[int] | None = None
        # The longest typed word first: it has the fewest names, and the rest only filter.
        for word in sorted(set(wanted.split()), key=len, reverse=True):
            found = self._word_ids(word, prefix=True)
            ids = found if ids is None else ids & found
            if not ids:
                return iter(())
        names = [self.folded[i] for i in sorted(ids or ())]
        return _shortest_first(names, 100)

    def _fuzzy_candidates(self, wanted: str, enough: int = FUZZY_CANDIDATES) -> list[str]:
        """Names with a word (or a word's beginning) within a small edit distance of a typed
        word of 3 letters or more: those matching the most typed words first, then the
        closest, then the shortest; at most ``enough``."""
        found: dict[int, list[int]] = {}  # position in folded -> [-words matched, distance]
        plenty = 10 * enough  # names per typed word to choose the best ``enough`` from
        for word in set(wanted.split()):
            if len(word) < 3:
                continue
            allowed = 1 if len(word) == 3 else 2
            targets, near = self._near_words(word)
            best: dict[int, int] = {}
            tier = 0
            # Closest first, a whole distance at a time, until there are enough names.
            for target, distance, _ in process.extract(word, targets, scorer=OSA.distance,
                                                       score_cutoff=allowed, limit=None):
                if distance > tier:
                    if len(best) >= enough:
                        break
                    tier = int(distance)
                for w in near[target]:
                    for i in self._postings[w][:plenty]:
                        best.setdefault(i, tier)
                if len(best) >= plenty:
                    break
            for i, distance in best.items():
                score = found.setdefault(i, [0, 0])
                score[0] -= 1
                score[1] += distance
        folded = self.folded
        return [folded[i] for i in heapq.nsmallest(
            enough, found, key=lambda i: (found[i][0], found[i][1], len(folded[i]), i))]

    def _fuzzy(self, wanted: str, limit: int) -> Iterator[str]:
        candidates = self._fuzzy_candidates(wanted, limit)
        return (name for name, _, _ in process.extract(wanted, candidates, scorer=fuzz.WRatio,
                                                       score_cutoff=50, limit=limit))


def _shortest_first(names: Sequence[str], enough: int) -> Iterator[str]:
    """``sorted(names, key=len)``, lazily: the first ``enough`` without sorting them all."""
    if len(names) <= enough:
        yield from sorted(names, key=len)
        return
    yield from heapq.nsmallest(enough, names, key=len)  # == sorted(...)[:enough]
    yield from sorted(names, key=len)[enough:]  # only when those were not enough


_cache: weakref.WeakKeyDictionary[Store, tuple[int, dict[str, NameIndex]]] = (
    weakref.WeakKeyDictionary())
ENTITIES = ("actor", "topic", "article")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Warming:
    """The name indexes of a store's latest load being built ahead of the first answer."""

    generation: int
    task: asyncio.Task[None]
    built: dict[str, asyncio.Future[None]]  # entity -> done once its index is in the cache


_warming: weakref.WeakKeyDictionary[Store, _Warming] = weakref.WeakKeyDictionary()


def start_warming(store: Store, changed: Collection[str] = ENTITIES) -> None:
    """After a load: build its name indexes now, in the background, then their lookup
    structures, rather than in the first answer that needs them (at 10,000 articles the
    actor index alone took 60 ms of the first answer after each reload or start-up). The
    build reads on the store's builder connection, which answers never hold: they may wait
    for it (name_index), so it must never wait for them.

    An entity the load left ``changed`` out of (update_directory: no name, key or shown name
    of it added, gone or altered) keeps the previous load's index, lookup structures
    included: an editor's correction to a few facts rebuilds nothing."""
    loop = asyncio.get_running_loop()
    previous = _warming.get(store)
    if previous is not None:
        previous.task.cancel()  # an older load's: nobody will ask for its indexes
    _carry(store, changed)
    built: dict[str, asyncio.Future[None]] = {e: loop.create_future() for e in ENTITIES}
    task = loop.create_task(_warm(store, store.generation, built),
                            context=contextvars.Context())  # outside any snapshot
    # Whatever way the task ends (cancelled before it even began included), nobody waits for
    # what will not come: an answer still waiting then builds the index itself.
    task.add_done_callback(lambda _: _resolve(built))
    _warming[store] = _Warming(store.generation, task, built)


def _carry(store: Store, changed: Collection[str]) -> None:
    """The previous load's indexes of the entities this one did not change, filed under this
    load's generation. Only from the generation right before it: an index cached then was
    read from a snapshot of that load's facts or later ones, and up to this load those
    entities' names did not change."""
    cached = _cache.get(store)
    kept: dict[str, NameIndex] = {}
    if cached is not None and cached[0] == store.generation - 1:
        for entity, index in cached[1].items():
            if entity not in changed:
                kept[entity] = copy.copy(index)  # the same names and lookup structures
                object.__setattr__(kept[entity], "rollups", {})  # affiliations may differ
    _cache[store] = (store.generation, kept)


def _resolve(built: dict[str, asyncio.Future[None]]) -> None:
    for future in built.values():
        if not future.done():
            future.set_result(None)


async def warmed(store: Store) -> None:
    """Wait until the indexes of the store's latest load are built ahead (the benchmark
    measures answers once they are, as a bot that has been up for a second would)."""
    warming = _warming.get(store)
    if warming is not None:
        await asyncio.wait([warming.task])


async def stop_warming(store: Store) -> None:
    """Before the store closes: stop building (nothing is lost, answers build on demand).
    Waits for the build to end without awaiting it, so that the caller's own cancellation
    is never mistaken for the build's and swallowed."""
    warming = _warming.pop(store, None)
    if warming is not None and not warming.task.done():
        warming.task.cancel()
        await asyncio.wait([warming.task])


async def _warm(store: Store, generation: int, built: dict[str, asyncio.Future[None]]) -> None:
    try:
        async with store.read_for_build():
            if store.snapshot_generation != generation:
                return  # another load has committed since: its own warming follows
            indexes = []
            for entity in ENTITIES:
                indexes.append(await name_index(store, entity, warming=True))
                built[entity].set_result(None)
        for index in indexes:
            # The lookup structures (typos, autocomplete), off the event loop: pure Python.
            await asyncio.to_thread(index.prepare)
    except (sqlite3.Error, ValueError, StoreError) as exc:  # ValueError: a closed connection
        log.debug("name indexes not built ahead: %s", exc)
    except Exception:  # never the answers' problem: they build what they need themselves
        log.exception("name indexes not built ahead")


async def name_index(store: Store, entity: str, *, warming: bool = False) -> NameIndex:
    generation = store.snapshot_generation
    ahead = _warming.get(store)
    if not warming and ahead is not None and ahead.generation == generation:
        # Being built for this very load: wait for it rather than build it twice (shielded:
        # an answer cancelled while waiting must not cancel it for the others).
        await asyncio.shield(ahead.built[entity])
    cached = _cache.get(store)
    if cached is not None and cached[0] > generation:
        # A snapshot begun before the latest load: its own index, never filed over the
        # newer one (the answers after it would build theirs again).
        return await _build(store, entity)
    if cached is None or cached[0] != generation:
        cached = (generation, {})
        _cache[store] = cached
    if entity not in cached[1]:
        cached[1][entity] = await _build(store, entity)
    return cached[1][entity]


async def _build(store: Store, entity: str) -> NameIndex:
    # On the snapshot connection's thread, in one trip.
    return await store.call(_build_on, entity)


def _build_on(conn: sqlite3.Connection, entity: str) -> NameIndex:
    """The index from the name directory (or from the names themselves, until a load has
    filled the directory of an existing database's articles)."""
    if _all(conn, "SELECT 1 FROM name_directory_pending WHERE entity = ?", (entity,)):
        return scan_names(conn, entity)
    keys: dict[str, set[str]] = {}
    for folded, key in _all(conn, "SELECT folded, key FROM name_keys WHERE entity = ?",
                            (entity,)):
        keys.setdefault(folded, set()).add(key)
    display = dict(_all(conn, "SELECT key, name FROM name_shown WHERE entity = ?", (entity,)))
    return NameIndex(entity, {k: tuple(sorted(v)) for k, v in keys.items()}, display)


def scan_names(conn: sqlite3.Connection, entity: str) -> NameIndex:
    """The index built from every name of every article: what the directory must equal."""
    keys: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    if entity == "article":
        for key, shown in _all(conn, "SELECT slug, title FROM articles"):
            display[key] = shown
            for folded in _article_names(key, shown):
                keys.setdefault(folded, set()).add(key)
    else:
        order = {slug: (published is not None, published or "", loaded_at) for
                 slug, published, loaded_at in _all(conn, "SELECT slug, published, loaded_at "
                                                          "FROM articles")}
        table = "actors" if entity == "actor" else "topics"
        shown_in = {(article, key): name for article, key, name
                    in _all(conn, f"SELECT article, key, name FROM {table}")}
        rows = [r for r in _all(conn, "SELECT article, key, folded FROM names WHERE entity = ? "
                                      "ORDER BY folded, article, key", (entity,))
                if (r[0], r[1]) in shown_in and r[0] in order]
        # Undated first, then oldest to newest: the newest dated article's name wins, as in
        # who(). (sort is stable: names of equally dated articles keep the folded order.)
        rows.sort(key=lambda r: order[r[0]])
        for article, key, folded in rows:
            display[key] = shown_in[(article, key)]
            keys.setdefault(folded, set()).add(key)
    return NameIndex(entity, {k: tuple(sorted(v)) for k, v in keys.items()}, display)


def _all(conn: sqlite3.Connection, sql: str, params: tuple[str, ...] = ()) -> list[Any]:
    """Every row as a plain tuple (cheaper than sqlite3.Row over many thousands)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


# --- keeping the directory up to date ----------------------------------------------------

# A candidate for the name a key is shown by: (dated, published, loaded_at, top, article, name).
_Shown = tuple[int, str, str, str, str, str]
_ENTITY_TABLE = {"actor": "actors", "topic": "topics"}


def update_directory(conn: sqlite3.Connection, replaced: Sequence[str],
                     rows: dict[str, list[tuple[Any, ...]]]) -> set[str]:
    """Inside a load's transaction, before ``replaced`` articles are deleted and ``rows``
    (storage.store's flat rows: articles, actors, topics, names...) inserted: bring the name
    directory (and the affiliation links) to what they will be after them, for only the keys
    they touch. Returns the entities whose name index this changes (a name or key added or
    gone, a key shown by another name): the others' indexes stay as they are."""
    # The first load after migration 0005 fills the articles' directory: every index anew.
    changed: set[str] = set(ENTITIES) if _fill_pending(conn) else set()
    gone = set(replaced)
    _count_affiliations(conn, gone, rows["actors"])
    old: list[tuple[str, str, str, str]] = []  # (article, entity, key, folded)
    for chunk in chunks(sorted(gone)):
        marks = ",".join("?" * len(chunk))
        old += _all(conn, f"SELECT article, entity, key, folded FROM names "
                          f"WHERE article IN ({marks})", tuple(chunk))
        for slug, title in _all(conn, f"SELECT slug, title FROM articles WHERE slug IN ({marks})",
                                tuple(chunk)):
            old += [(slug, "article", slug, folded) for folded in _article_names(slug, title)]
    dates = {r[0]: (int(r[4] is not None), r[4] or "", r[10]) for r in rows["articles"]}
    shown_in = {("actor", r[0], r[1]): r[2] for r in rows["actors"]}
    shown_in.update({("topic", r[0], r[1]): r[2] for r in rows["topics"]})
    new = [(r[0], r[1], r[2], r[4]) for r in rows["names"]
           if (r[1], r[0], r[2]) in shown_in and r[0] in dates]
    for r in rows["articles"]:
        new += [(r[0], "article", r[0], folded) for folded in _article_names(r[0], r[1])]
        shown_in[("article", r[0], r[0])] = r[1]

    # A name goes only when no article that stays gives it; most of a load's names are
    # already there (the same actors recur), and those cost one lookup each.
    old_names = {(entity, folded, key) for _, entity, key, folded in old}
    new_names = {(entity, folded, key) for _, entity, key, folded in new}
    for sql, names in (
            ("INSERT OR IGNORE INTO name_keys (entity, folded, key) VALUES (?,?,?)",
             sorted(new_names - old_names)),
            ("DELETE FROM name_keys WHERE entity = ? AND folded = ? AND key = ?",
             [n for n in sorted(old_names - new_names)
              if n[0] == "article" or not _given_elsewhere(conn, n, gone)])):
        for entity in ENTITIES:  # one statement per entity, to tell which ones changed
            before = conn.total_changes
            conn.executemany(sql, [n for n in names if n[0] == entity])
            if conn.total_changes != before:
                changed.add(entity)

    # The shown name: the best of the current one (if its article stays) and the new rows.
    offered: dict[tuple[str, str], _Shown] = {}
    for article, entity, key, folded in new:
        dated, published, loaded_at = dates[article]
        mine = offered.get((entity, key))
        candidate = (dated, published, loaded_at, folded, article,
                     shown_in[(entity, article, key)])
        if mine is None or candidate[:5] > mine[:5]:
            offered[(entity, key)] = candidate
    touched = {(entity, key) for _, entity, key, _ in old} | set(offered)
    current = _current_shown(conn, touched)
    for entity, key in sorted(touched):
        now = current.get((entity, key))
        mine = offered.get((entity, key))
        if now is None or now[4] not in gone:
            best = now
        elif mine is not None and mine[:5] >= now[:5]:
            best = mine  # it beats the old best, so every stored one: no need to read them
        else:
            best = _best_stored(conn, entity, key, gone)
        if mine is not None and (best is None or mine[:5] > best[:5]):
            best = mine
        if best is None:
            conn.execute("DELETE FROM name_shown WHERE entity = ? AND key = ?", (entity, key))
            if now is not None:
                changed.add(entity)
        elif best != now:
            conn.execute("INSERT OR REPLACE INTO name_shown (entity, key, name, article, dated, "
                         "published, loaded_at, top) VALUES (?,?,?,?,?,?,?,?)",
                         (entity, key, best[5], best[4], *best[:4]))
            if now is None or now[5] != best[5]:  # shown by another name
                changed.add(entity)
    return changed


def _count_affiliations(conn: sqlite3.Connection, gone: set[str],
                        actors: Sequence[tuple[Any, ...]]) -> None:
    """``affiliations`` (migration 0010) after the ``gone`` articles' actor rows make way for
    ``actors``: each link's count of articles moves by the difference."""
    delta: dict[tuple[str, str], int] = {}
    for chunk in chunks(sorted(gone)):
        for link in _all(conn, "SELECT affiliation, key FROM actors WHERE affiliation IS NOT "
                               f"NULL AND article IN ({','.join('?' * len(chunk))})",
                         tuple(chunk)):
            delta[link] = delta.get(link, 0) - 1
    for row in actors:  # (article, key, name, kind, role, affiliation, payload)
        if row[5] is not None:
            link = (row[5], row[1])
            delta[link] = delta.get(link, 0) + 1
    changed = sorted((n, *link) for link, n in delta.items() if n)
    conn.executemany("INSERT INTO affiliations (affiliation, key, articles) VALUES (?2, ?3, ?1) "
                     "ON CONFLICT DO UPDATE SET articles = articles + ?1", changed)
    conn.executemany("DELETE FROM affiliations WHERE affiliation = ? AND key = ? "
                     "AND articles <= 0", [link for n, *link in changed if n < 0])


def _given_elsewhere(conn: sqlite3.Connection, name: tuple[str, str, str],
                     gone: set[str]) -> bool:
    """Whether an article that stays gives this (entity, folded name, key)."""
    cursor = conn.execute("SELECT article FROM names WHERE entity = ? AND folded = ? "
                          "AND key = ?", name)
    try:
        return any(article not in gone for (article,) in cursor)
    finally:
        cursor.close()


def _current_shown(conn: sqlite3.Connection, touched: Iterable[tuple[str, str]]
                   ) -> dict[tuple[str, str], _Shown]:
    found: dict[tuple[str, str], _Shown] = {}
    by_entity: dict[str, list[str]] = {}
    for entity, key in touched:
        by_entity.setdefault(entity, []).append(key)
    for entity, keys in by_entity.items():
        for chunk in chunks(keys):
            for key, name, article, dated, published, loaded_at, top in _all(
                    conn, f"SELECT key, name, article, dated, published, loaded_at, top "
                          f"FROM name_shown WHERE entity = ? AND key IN "
                          f"({','.join('?' * len(chunk))})", (entity, *chunk)):
                found[(entity, key)] = (dated, published, loaded_at, top, article, name)
    return found


def _best_stored(conn: sqlite3.Connection, entity: str, key: str, gone: set[str]
                 ) -> _Shown | None:
    """The best shown name among the stored articles that stay (only when the current one's
    article is being replaced by a lesser one or removed: every article of the key is read,
    over covering indexes)."""
    table = _ENTITY_TABLE.get(entity)
    if table is None:  # an article's name is its own title; a replaced one comes back in rows
        return None
    stored = [(int(published is not None), published or "", loaded_at, article, name)
              for article, name, published, loaded_at in _all(
                  conn, f"SELECT x.article, x.name, ar.published, ar.loaded_at FROM {table} x "
                        f"JOIN articles ar INDEXED BY articles_by_date ON ar.slug = x.article "
                        f"WHERE x.key = ?", (key,))
              if article not in gone]
    stored.sort(reverse=True)
    # The newest date first; among equal dates, the greatest top (read for those only).
    for _, group in itertools.groupby(stored, key=lambda s: s[:3]):
        tops = []
        for dated, published, loaded_at, article, name in group:
            row = _all(conn, "SELECT max(folded) FROM names WHERE article = ? "
                             "AND +entity = ? AND +key = ?", (article, entity, key))
            if row and row[0][0] is not None:
                tops.append((dated, published, loaded_at, row[0][0], article, name))
        if tops:
            return max(tops, key=lambda s: s[:5])
    return None


def _fill_pending(conn: sqlite3.Connection) -> bool:
    """The first load after migration 0005 fills the articles' directory (SQL cannot fold).
    True if it did."""
    if not _all(conn, "SELECT 1 FROM name_directory_pending WHERE entity = 'article'"):
        return False
    keys: set[tuple[str, str]] = set()
    shown = []
    for slug, title, published, loaded_at in _all(
            conn, "SELECT slug, title, published, loaded_at FROM articles"):
        keys.update((folded, slug) for folded in _article_names(slug, title))
        shown.append(("article", slug, title, slug, int(published is not None), published or "",
                      loaded_at, fold_name(slug)))
    conn.execute("DELETE FROM name_keys WHERE entity = 'article'")
    conn.execute("DELETE FROM name_shown WHERE entity = 'article'")
    conn.executemany("INSERT INTO name_keys (entity, folded, key) VALUES ('article',?,?)",
                     sorted(keys))
    conn.executemany("INSERT INTO name_shown (entity, key, name, article, dated, published, "
                     "loaded_at, top) VALUES (?,?,?,?,?,?,?,?)", shown)
    conn.execute("DELETE FROM name_directory_pending WHERE entity = 'article'")
    return True


def _article_names(slug: str, title: str) -> tuple[str, str]:
    """The folded names an article is found by: its slug and its title."""
    return fold_name(slug), fold_name(title)
