"""The name indexes of a store's latest load: built ahead after each load, kept when a load
changed none of their names, and built on demand by an answer that finds none."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from storage.connections import Connections
from storage.db import StoreError, plain_rows
from storage.names.index import ENTITIES, NameIndex, article_names

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Warming:
    """The name indexes of the latest load being built ahead of the first answer."""

    generation: int
    task: asyncio.Task[None]
    built: dict[str, asyncio.Future[None]]  # entity -> done once its index is in the cache


class NameCache:
    """One per store: the indexes of one load generation, entity -> index."""

    def __init__(self, conns: Connections) -> None:
        self._conns = conns
        self._generation: int | None = None
        self._indexes: dict[str, NameIndex] = {}
        self._warming: Warming | None = None

    @property
    def generation(self) -> int | None:
        """The load generation the cached indexes are of (None: nothing cached yet)."""
        return self._generation

    def cached(self) -> dict[str, NameIndex]:
        """The indexes cached for ``generation``, entity -> index (a copy)."""
        return dict(self._indexes)

    @property
    def warming(self) -> Warming | None:
        """The build ahead of the latest load (None before any, and once stopped)."""
        return self._warming

    def start(self, changed: Collection[str] = ENTITIES) -> None:
        """After a load: build its name indexes now, in the background, then their lookup
        structures, rather than in the first answer that needs them (at 10,000 articles the
        actor index alone took 60 ms of the first answer after each reload or start-up). The
        build reads on the store's builder connection, which answers never hold: they may
        wait for it (``index``), so it must never wait for them.

        An entity the load left ``changed`` out of (update_directory: no name, key or shown
        name of it added, gone or altered) keeps the previous load's index, lookup structures
        included: an editor's correction to a few facts rebuilds nothing."""
        loop = asyncio.get_running_loop()
        if self._warming is not None:
            self._warming.task.cancel()  # an older load's: nobody will ask for its indexes
        self._carry(changed)
        generation = self._conns.generation
        built: dict[str, asyncio.Future[None]] = {e: loop.create_future() for e in ENTITIES}
        task = loop.create_task(self._warm(generation, built),
                                context=contextvars.Context())  # outside any snapshot
        # Whatever way the task ends (cancelled before it even began included), nobody waits
        # for what will not come: an answer still waiting then builds the index itself.
        task.add_done_callback(lambda _: _resolve(built))
        self._warming = Warming(generation, task, built)

    def _carry(self, changed: Collection[str]) -> None:
        """The previous load's indexes of the entities this one did not change, filed under
        this load's generation. Only from the generation right before it: an index cached
        then was read from a snapshot of that load's facts or later ones, and up to this load
        those entities' names did not change."""
        generation = self._conns.generation
        kept: dict[str, NameIndex] = {}
        if self._generation == generation - 1:
            kept = {entity: index.carried() for entity, index in self._indexes.items()
                    if entity not in changed}
        self._generation, self._indexes = generation, kept

    async def warmed(self) -> None:
        """Wait until the indexes of the latest load are built ahead (the benchmark measures
        answers once they are, as a bot that has been up for a second would)."""
        if self._warming is not None:
            await asyncio.wait([self._warming.task])

    async def stop(self) -> None:
        """Before the store closes: stop building (nothing is lost, answers build on demand).
        Waits for the build to end without awaiting it, so that the caller's own cancellation
        is never mistaken for the build's and swallowed."""
        warming, self._warming = self._warming, None
        if warming is not None and not warming.task.done():
            warming.task.cancel()
            await asyncio.wait([warming.task])

    async def _warm(self, generation: int, built: dict[str, asyncio.Future[None]]) -> None:
        try:
            async with self._conns.read_for_build():
                if self._conns.snapshot_generation != generation:
                    return  # another load has committed since: its own warming follows
                indexes = []
                for entity in ENTITIES:
                    indexes.append(await self.index(entity, warming=True))
                    built[entity].set_result(None)
            for index in indexes:
                # The lookup structures (typos, autocomplete), off the event loop: pure Python.
                await asyncio.to_thread(index.prepare)
        except (sqlite3.Error, ValueError, StoreError) as exc:  # ValueError: a closed connection
            log.debug("name indexes not built ahead: %s", exc)
        except Exception:  # never the answers' problem: they build what they need themselves
            log.exception("name indexes not built ahead")

    async def index(self, entity: str, *, warming: bool = False) -> NameIndex:
        """The index of ``entity`` as of this task's snapshot (else the latest load)."""
        generation = self._conns.snapshot_generation
        ahead = self._warming
        if not warming and ahead is not None and ahead.generation == generation:
            # Being built for this very load: wait for it rather than build it twice
            # (shielded: an answer cancelled while waiting must not cancel it for the others).
            await asyncio.shield(ahead.built[entity])
        if self._generation is not None and self._generation > generation:
            # A snapshot begun before the latest load: its own index, never filed over the
            # newer one (the answers after it would build theirs again).
            return await self._build(entity)
        if self._generation != generation:
            self._generation, self._indexes = generation, {}
        indexes = self._indexes
        if entity not in indexes:
            # Filed in the dict of the generation it was read for, even if a load moved the
            # cache on meanwhile.
            indexes[entity] = await self._build(entity)
        return indexes[entity]

    async def _build(self, entity: str) -> NameIndex:
        # On the snapshot connection's thread, in one trip.
        return await self._conns.call(build_index, entity)


def _resolve(built: dict[str, asyncio.Future[None]]) -> None:
    for future in built.values():
        if not future.done():
            future.set_result(None)


def build_index(conn: sqlite3.Connection, entity: str) -> NameIndex:
    """The index from the name directory (or from the names themselves, until a load has
    filled the directory of an existing database's articles)."""
    if plain_rows(conn, "SELECT 1 FROM name_directory_pending WHERE entity = ?", (entity,)):
        return scan_names(conn, entity)
    keys: dict[str, set[str]] = {}
    for folded, key in plain_rows(conn, "SELECT folded, key FROM name_keys WHERE entity = ?",
                                  (entity,)):
        keys.setdefault(folded, set()).add(key)
    display = dict(plain_rows(conn, "SELECT key, name FROM name_shown WHERE entity = ?",
                              (entity,)))
    return NameIndex(entity, {k: tuple(sorted(v)) for k, v in keys.items()}, display)


def scan_names(conn: sqlite3.Connection, entity: str) -> NameIndex:
    """The index built from every name of every article: what the directory must equal."""
    keys: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    if entity == "article":
        for key, shown in plain_rows(conn, "SELECT slug, title FROM articles"):
            display[key] = shown
            for folded in article_names(key, shown):
                keys.setdefault(folded, set()).add(key)
    else:
        order = {slug: (review == "reviewed", published is not None, published or "",
                        loaded_at) for slug, review, published, loaded_at in plain_rows(
                     conn, "SELECT slug, review, published, loaded_at FROM articles")}
        table = "actors" if entity == "actor" else "topics"
        shown_in = {(article, key): name for article, key, name
                    in plain_rows(conn, f"SELECT article, key, name FROM {table}")}
        rows = [r for r in plain_rows(conn, "SELECT article, key, folded FROM names "
                                            "WHERE entity = ? ORDER BY folded, article, key",
                                      (entity,))
                if (r[0], r[1]) in shown_in and r[0] in order]
        # Drafts first, then undated, then oldest to newest: the newest dated reviewed
        # article's name wins, as in who(); a draft's only where no reviewed article names
        # the key. (sort is stable: names of equally dated articles keep the folded order.)
        rows.sort(key=lambda r: order[r[0]])
        for article, key, folded in rows:
            display[key] = shown_in[(article, key)]
            keys.setdefault(folded, set()).add(key)
    return NameIndex(entity, {k: tuple(sorted(v)) for k, v in keys.items()}, display)
