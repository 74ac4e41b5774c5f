"""The store: one SQLite database, a reader for answers and a writer for loads.

Two connections on purpose: a load writes inside one transaction on the writer while the reader
keeps answering from the last committed facts (WAL), so no answer ever sees half a load.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import multiprocessing
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import aiosqlite

from storage import memory
from storage.db import StoreError, connect, migrate
from storage.model import DIFF_KINDS, Sheet
from storage.names import ENTITIES, start_warming, stop_warming, update_directory
from storage.rows import SheetRows, sheet_rows
from storage.sheets import (
    FACTS_FILE,
    TEXT_FILE,
    Problem,
    SheetError,
    content_hash,
    discover,
    duplicate_slugs,
    file_stamp,
    read_sheet,
)
from storage.writes import (
    Rows,
    defer_fts_on,
    fill_fts_on,
    flat_rows,
    old_payloads_on,
    old_rows_on,
    payloads_of,
    removed_counts_on,
    write_ops,
)

Clock = Callable[[], datetime]
# folder -> (slug, content hash, file stamp or None) of each stored article
_Stored = dict[str, tuple[str, str, str | None]]
# (slug, folder) of every stored article: removals are decided on these, so that an article
# never hides behind another of the same folder (a database that an older version left with
# two articles from one folder after a slug change loaded by slug)
_Articles = list[tuple[str, str]]
READERS = 2  # connections answering queries; each answer holds one for its snapshot
# A load with more sheets to read than STREAM_AT (a first start on a big archive, a full reload)
# streams them BATCH at a time through the one transaction, so its memory stays flat.
STREAM_AT = 400
BATCH = 20
WORKER_NICE = 10  # the worker processes' scheduling priority, below the bot's
# SQLite's page cache per connection (its default is 2 MiB): a load writes into every index of
# a large database, and answers read the same pages again and again. Used as needed, not
# reserved up front.
WRITER_CACHE_KIB = 65536
READER_CACHE_KIB = 16384
P = ParamSpec("P")
R = TypeVar("R")
# The connection of the snapshot a task answers from, and the load generation it started at.
_snapshot: ContextVar[tuple[aiosqlite.Connection, int] | None] = ContextVar("snapshot", default=None)


@dataclass
class _Lazy:
    """A snapshot whose BEGIN rides with its first statement and whose COMMIT may ride with
    its last (``read_lazily``): each trip to a connection's thread costs more than a small
    indexed query, so an answer of one statement takes one trip instead of three."""

    begun: bool = False
    done: bool = False


_lazy: ContextVar[_Lazy | None] = ContextVar("lazy_snapshot", default=None)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class KindDiff:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class LoadReport:
    """What a load did (or, for a dry run, would do)."""

    diff: dict[str, KindDiff]
    loaded: tuple[str, ...]       # slugs whose facts were (re)written
    unchanged: tuple[str, ...]    # slugs skipped because their files did not change
    removed: tuple[str, ...]      # slugs whose folders are gone
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def changed_anything(self) -> bool:
        return any(not d.empty for d in self.diff.values())


@dataclass(eq=False)  # identity, so caches can key on the store
class Store:
    path: Path
    readers: list[aiosqlite.Connection]  # one per snapshot being read (the pool)
    writer: aiosqlite.Connection
    # For a statement read outside any snapshot. Never one of the pool's: a statement sent to
    # a connection another task holds a snapshot on would run inside that task's read
    # transaction and see the facts as they were when it began (a digest setting just saved
    # read back as missing while the name indexes were built ahead).
    single: aiosqlite.Connection
    # The snapshot the name indexes are built ahead on after a load (storage.names). Its own,
    # never the pool's: answers wait for that build, so had it waited for their connections,
    # neither would ever move on (two answers queued when a load committed took the pool).
    builder: aiosqlite.Connection
    clock: Clock = utc_now
    # Bumped after every committed load; caches built from the facts key on it.
    generation: int = 0
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _pool: asyncio.Queue[aiosqlite.Connection] = field(default_factory=asyncio.Queue)
    # The builder, one snapshot at a time (a cancelled build ends its own before the next).
    _builder_pool: asyncio.Queue[aiosqlite.Connection] = field(default_factory=asyncio.Queue)
    # The entities whose name index the load being written changes (update_directory).
    _index_changes: set[str] = field(default_factory=set)
    # The writer's PRAGMA data_version as of the last applied load, and as read inside the
    # load being written: it moves only when another connection (another process's
    # `newsbot load`) commits, which this store's caches cannot have seen.
    _data_version: int | None = None
    _data_version_now: int | None = None

    def __post_init__(self) -> None:
        for conn in self.readers:
            self._pool.put_nowait(conn)
        self._builder_pool.put_nowait(self.builder)

    @property
    def reader(self) -> aiosqlite.Connection:
        """A read connection for a single statement, when no snapshot is open."""
        return self.single

    @property
    def db(self) -> aiosqlite.Connection:
        """The connection of the snapshot this task is answering from, else ``reader``."""
        current = _snapshot.get()
        return current[0] if current else self.single

    @property
    def snapshot_generation(self) -> int:
        """The generation caches may key on: taken before the snapshot's first read, so the
        facts seen are never older than it (a cache can't file old names under a new key)."""
        current = _snapshot.get()
        return current[1] if current else self.generation

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer, for small writes (audit rows, digest settings): taken under the load
        lock, so they never join, or vanish with, a load's transaction."""
        async with self._write_lock:
            yield self.writer

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """One consistent snapshot: every statement inside sees the same committed facts,
        even if a load commits meanwhile."""
        if _snapshot.get() is not None:  # already inside one: reuse it
            state = _lazy.get()
            if state is not None and not state.begun:  # a lazy one: begin it now
                await self.db.execute("BEGIN")
                state.begun = True
            yield self.db
            return
        async with self._snapshot_from(self._pool) as conn:
            yield conn

    @asynccontextmanager
    async def read_for_build(self) -> AsyncIterator[aiosqlite.Connection]:
        """A snapshot on the builder (see ``builder``), for building ahead."""
        async with self._snapshot_from(self._builder_pool) as conn:
            yield conn

    @asynccontextmanager
    async def _snapshot_from(self, pool: asyncio.Queue[aiosqlite.Connection]
                             ) -> AsyncIterator[aiosqlite.Connection]:
        conn = await pool.get()
        token = _snapshot.set((conn, self.generation))
        try:
            try:
                await conn.execute("BEGIN")
                yield conn
            finally:
                # As read_lazily: once the thread has run all that was sent (a BEGIN still
                # queued when the task was cancelled included), no transaction is left open.
                await on_thread(conn, _end_read)
        finally:
            _snapshot.reset(token)
            pool.put_nowait(conn)

    @asynccontextmanager
    async def read_lazily(self) -> AsyncIterator[None]:
        """Like ``read``, for code that reads only through ``rows`` and ``call``: the BEGIN
        goes with the first statement, and the COMMIT with one marked ``last``."""
        if _snapshot.get() is not None:  # already inside one: reuse it
            yield
            return
        conn = await self._pool.get()
        state = _Lazy()
        token = _snapshot.set((conn, self.generation))
        lazy_token = _lazy.set(state)
        try:
            yield
        finally:
            _lazy.reset(lazy_token)
            _snapshot.reset(token)
            try:
                if not state.done:
                    # Ended without its last statement (an error, or the answer cancelled):
                    # a statement may still be queued on the connection's thread, and would
                    # BEGIN after this; the connection goes back once its thread has run
                    # everything sent to it, with no transaction left open.
                    await on_thread(conn, _end_read)
            finally:
                self._pool.put_nowait(conn)

    async def rows(self, sql: str, params: Sequence[Any] = (), *,
                   last: bool = False) -> list[sqlite3.Row]:
        """Every row of one statement, read from this task's snapshot (else ``reader``), in
        one trip to the connection's thread (aiosqlite's execute, fetch and close take three
        or more, and each trip costs more than a small indexed query). ``last``: nothing
        more will be read in this snapshot, so a lazy one may end in the same trip."""
        return await self.call(fetchall, sql, tuple(params), last=last)

    async def call(self, fn: Callable[..., R], *args: Any, last: bool = False) -> R:
        """``fn(sqlite3_connection, *args)`` on the thread of ``db``, in one trip: for reads
        that would take many trips, or Python work on many rows that should not hold the
        event loop. ``fn`` must only read."""
        conn = self.db
        state = _lazy.get()
        if state is not None and not state.done:
            return await on_thread(conn, _in_lazy, state, last, fn, *args)
        return await on_thread(conn, fn, *args)

    @classmethod
    async def open(cls, path: Path, clock: Clock = utc_now) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc.strerror}") from exc
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await connect(path)
            opened.append(writer)
            await migrate(writer)
            await writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            readers: list[aiosqlite.Connection] = []
            for _ in range(READERS):
                readers.append(await connect(path, read_only=True))
                opened.append(readers[-1])
                await readers[-1].execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            single = await connect(path, read_only=True)  # small reads: the default cache
            opened.append(single)
            builder = await connect(path, read_only=True)  # reads each page once: the default
            opened.append(builder)
        except BaseException as exc:
            for conn in opened:
                await conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open the database {path}: {exc}") from exc
            raise
        return cls(path=path, readers=readers, writer=writer, single=single, builder=builder,
                   clock=clock)

    async def close(self) -> None:
        await stop_warming(self)
        for conn in (*self.readers, self.single, self.builder):
            await conn.close()
        await self.writer.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def loading(self) -> bool:
        return self._write_lock.locked()

    async def load(self, root: Path, *, only_changed: bool = True, dry_run: bool = False,
                   slugs: Sequence[str] | None = None) -> LoadReport:
        """Validate the sheets under ``root`` and replace their facts in one transaction.

        ``only_changed`` skips folders whose files are unchanged: their file stamp (sizes,
        mtimes, ctimes) equals the stored one, or else their content hash does (_scan).
        ``only_changed=False`` (``newsbot load --all``, a full ``/reload``) trusts neither and
        reads, checks and compares every sheet again, recording fresh stamps. ``slugs``
        limits the load to those articles (and removes nothing else but the article one of
        their folders held under an older slug). With every folder under
        ``root`` loaded, articles whose folders are gone are removed. Raises SheetError with
        every problem found, and then changes nothing.

        With more than STREAM_AT sheets to read, the sheets are read, validated, compared and
        written BATCH at a time inside that one transaction (the next batch is read while one
        is written), so memory does not grow with the archive; a problem anywhere still
        refuses the whole load: the remaining sheets are checked, so that every problem is
        reported, and the transaction is rolled back.
        """
        started = time.perf_counter()
        async with self._write_lock, _no_full_collections(), self._releasing_memory():
            self._index_changes, self._data_version_now = set(), None
            stored, articles = await self._stored_articles()
            loaded_at = self.clock().isoformat(timespec="seconds")
            known = {slug for slug, _ in articles}
            scan = await asyncio.to_thread(_scan, root, stored, only_changed)
            if len(scan.to_read) > STREAM_AT:
                diff, loaded, unchanged, removed = await self._stream(
                    scan, stored, articles, known, slugs, loaded_at, dry_run)
            else:
                plan = await asyncio.to_thread(_plan, scan, stored, articles, slugs, loaded_at)
                removed = plan.removed
                diff = await self._write(plan, removed, known, loaded_at, scan.restamp, dry_run)
                loaded, unchanged = plan.slugs, plan.unchanged
            if not dry_run:
                if self._data_version_now is None:  # nothing written: no transaction began
                    await self._note_other_writers()
                self.generation += 1
                self._data_version = self._data_version_now
                start_warming(self, self._index_changes)
        return LoadReport(diff=diff, loaded=loaded,
                          unchanged=unchanged, removed=removed, dry_run=dry_run,
                          seconds=time.perf_counter() - started)

    @asynccontextmanager
    async def _releasing_memory(self) -> AsyncIterator[None]:
        """After a load, applied or not: the writer's page cache emptied (the next load reads
        what it needs again, from the operating system's file cache) and the memory freed
        handed back (storage.memory). The bot then holds its answers' working set, not the
        high-water mark of its biggest load: 152 -> 88 MB after a full reload of 10,000
        articles."""
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error, ValueError):  # ValueError: closed
                await self.writer.execute("PRAGMA shrink_memory")
            await asyncio.to_thread(memory.release)

    async def _stream(self, scan: _Scan, stored: _Stored, articles: _Articles, known: set[str],
                      slugs: Sequence[str] | None, loaded_at: str, dry_run: bool
                      ) -> tuple[dict[str, KindDiff], tuple[str, ...], tuple[str, ...],
                                 tuple[str, ...]]:
        """A large load, batch by batch; the same checks, diff and result as _plan's path
        (only the order of ids within a diff may differ)."""
        wanted = set(slugs) if slugs is not None else None
        unchanged = [s for s in scan.unchanged if wanted is None or s in wanted]
        unchanged_set = set(unchanged)
        kept = {slug: folder for folder, (slug, *_) in stored.items()
                if folder in scan.found and slug in unchanged_set}
        read_problems: list[Problem] = []
        duplicates: list[Problem] = []
        clashes: list[Problem] = []
        seen: set[str] = set()
        first: dict[str, str] = {}
        sheet_folders: set[str] = set()
        loaded: list[str] = []
        lists = _diff_lists()
        batches = [scan.to_read[i:i + BATCH] for i in range(0, len(scan.to_read), BATCH)]
        began = False
        fts_trigger: str | None = None  # set while the FTS index waits for the end (_begin)
        # Reading and validating is pure Python (TOML parsing most of it): worker processes
        # leave this process's GIL to the event loop and the writer.
        workers = _workers(first=not known)
        pool = _worker_pool(workers)
        loop = asyncio.get_running_loop()
        ahead = workers + 1 if pool is not None else 1  # batches in flight

        def submit(batch: list[str]) -> asyncio.Future[_Batch]:
            if pool is not None:
                return loop.run_in_executor(pool, _read_batch, batch, scan.display_root,
                                            loaded_at, scan.now_ns)
            return asyncio.ensure_future(asyncio.to_thread(_read_batch, batch, scan.display_root,
                                                           loaded_at, scan.now_ns))

        pending: deque[asyncio.Future[_Batch]] = deque()
        try:
            if pool is not None:
                # Starting a process takes 5-10 ms of this thread: not on the event loop's.
                await asyncio.to_thread(_start_workers, pool, workers)
            pending.extend(submit(b) for b in batches[:ahead])
            for i in range(len(batches)):
                sheets, problems, rows = await pending.popleft()
                if i + ahead < len(batches):  # keep reading ahead while this batch is written
                    pending.append(submit(batches[i + ahead]))
                read_problems.extend(problems)
                seen.update(slug for slug, _ in sheets)
                if wanted is not None:
                    rows = [r for r, (slug, _) in zip(rows, sheets, strict=True)
                            if slug in wanted]
                    sheets = [(slug, folder) for slug, folder in sheets if slug in wanted]
                for slug, folder in sheets:  # as duplicate_slugs and _plan report them
                    if slug in first:
                        duplicates.append(Problem(str(Path(folder) / FACTS_FILE), None,
                                                  "article.slug", f"slug {slug!r} is already "
                                                                  f"used by {first[slug]}"))
                    else:
                        first[slug] = folder
                    clash = _slug_clash(slug, folder, kept)
                    if clash:
                        clashes.append(clash)
                    sheet_folders.add(folder)
                if read_problems or duplicates or clashes:
                    continue  # refused: keep checking the rest, write nothing
                if not dry_run and not began:
                    fts_trigger = await self._begin(first=not known)
                    began = True
                # The stored rows, read inside the load's transaction: both the diff and the
                # rows to write are computed from them.
                stored_rows = await self._on_writer(
                    old_rows_on, sorted(r.slug for r in rows if r.slug in known))
                old = payloads_of(stored_rows)
                # A batch is small (about 1 ms of work here): on the loop it costs less than
                # a thread that contends for the GIL with the writer and the result unpickling.
                part, changes, flat = _compare_batch(rows, old, known, loaded_at)
                _merge(lists, part)
                replaced = [r.slug for r in rows]
                loaded.extend(replaced)
                del sheets, rows, old
                if not dry_run:
                    await self._insert(flat, replaced, changes, stored_rows)
                del stored_rows
            slug_problems = [] if wanted is None else [
                Problem(str(scan.root), None, "", f"no article with slug {slug!r}")
                for slug in sorted(wanted - (seen | set(scan.unchanged)))]
            problems = [*read_problems, *slug_problems, *duplicates, *clashes]
            if problems:
                raise SheetError(problems)
            new_slugs = set(first)
            removed = tuple(_removed(scan, articles, new_slugs, unchanged_set, sheet_folders,
                                     limited=slugs is not None))
            old = await self._old_payloads([s for s in removed if s in known])
            part, changes = await asyncio.to_thread(_compare_lists, [], removed, old, known,
                                                    loaded_at)
            _merge(lists, part)
            if not dry_run:
                if not began:
                    fts_trigger = await self._begin(first=not known)
                    began = True
                await self._insert(flat_rows([]), removed, changes)
                await self._restamp(scan.restamp)
                if fts_trigger is not None:
                    await self._on_writer(fill_fts_on, fts_trigger)
                await self.writer.execute("COMMIT")
        except BaseException as exc:
            for future in pending:  # let the batches being read finish; report what failed first
                with contextlib.suppress(BaseException):
                    await future
            if began and self.writer.in_transaction:
                await self.writer.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(_explain(exc)) from exc
            raise
        finally:
            if pool is not None:
                await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        diff = {k: KindDiff(tuple(v["added"]), tuple(v["changed"]), tuple(v["removed"]))
                for k, v in lists.items()}
        return diff, tuple(loaded), tuple(unchanged), removed

    async def _on_writer(self, fn: Callable[..., R], *args: Any) -> R:
        """``fn(sqlite3_connection, *args)`` on the writer's thread, in one trip: bulk reads
        whose rows should not be turned into Python objects on the event loop."""
        return await on_thread(self.writer, fn, *args)

    async def _stored_articles(self) -> tuple[_Stored, _Articles]:
        """folder -> (slug, content hash, file stamp), and (slug, folder) of every article."""
        return await self._on_writer(_stored_on)

    async def _old_payloads(self, slugs: Sequence[str]) -> dict[tuple[str, str], str]:
        """(kind, id) -> stored payload, for the articles about to be replaced or removed."""
        return await self._on_writer(old_payloads_on, list(slugs))

    async def _note_other_writers(self) -> None:
        """Inside a load's write transaction (nobody else can commit until it ends): if
        another connection has committed since this store's last applied load, any name
        index may differ from the one cached, so none is carried over (start_warming)."""
        self._data_version_now = await self._on_writer(_data_version_on)
        if self._data_version_now != self._data_version:
            self._index_changes |= set(ENTITIES)

    async def _begin(self, *, first: bool) -> str | None:
        """BEGIN a streamed load's transaction. For the first load into an empty database,
        the full-text index is filled once at the end (fill_fts_on) instead of row by row:
        returns the SQL of the trigger set aside meanwhile, inside the same transaction (a
        rollback or a crash puts it back with everything else)."""
        await self.writer.execute("BEGIN IMMEDIATE")
        await self._note_other_writers()
        if not first:
            return None
        return await self._on_writer(defer_fts_on)

    async def _write(self, plan: _Plan, removed: Sequence[str], known: set[str], loaded_at: str,
                     restamp: Sequence[tuple[str, str]], dry_run: bool) -> dict[str, KindDiff]:
        """The plan's diff against what is stored and, unless a dry run, the plan written, in
        one transaction: the stored rows of the articles it replaces are read once, inside
        it, for both the diff and the writes (as a streamed load does, batch by batch)."""
        db = self.writer
        try:
            if not dry_run:
                await db.execute("BEGIN IMMEDIATE")
                await self._note_other_writers()
            stored_rows = await self._on_writer(
                old_rows_on, sorted(s for s in plan.slugs if s in known))
            old = payloads_of(stored_rows) | await self._old_payloads(
                [s for s in removed if s in known])
            diff, changes = await asyncio.to_thread(_compare, plan.rows, removed, old, known,
                                                    loaded_at)
            if not dry_run:
                await self._insert(plan.flat, [*removed, *plan.slugs], changes, stored_rows)
                await self._restamp(restamp)
                await db.execute("COMMIT")
            return diff
        except BaseException as exc:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(_explain(exc)) from exc
            raise

    async def _restamp(self, restamp: Sequence[tuple[str, str]]) -> None:
        """Inside the load's transaction: the new file stamps of unchanged articles."""
        if restamp:
            await self.writer.executemany("UPDATE articles SET file_stamp = ? WHERE slug = ?",
                                          restamp)

    async def _insert(self, rows: dict[str, list[tuple[object, ...]]], replaced: Sequence[str],
                      changes: Sequence[tuple[object, ...]], old: Rows | None = None) -> None:
        """Inside the load's transaction: replace the ``replaced`` articles (those loaded and
        those removed) by ``rows``. ``old``: the stored rows of the loaded articles, when
        already read in this transaction (old_rows_on).

        An article already stored is brought to its new rows by writing only the rows that
        differ: an editor's correction changes a fact or two of an article's thirty, and
        deleting and inserting all of them rewrote every index and full-text entry of the
        article (most of a reload's time). The rows are the same either way; only the rowids
        of rows that did not change are kept.
        """
        db = self.writer
        # The name directory first: it reads the names of the articles about to go.
        self._index_changes |= await self._on_writer(update_directory, replaced, rows)
        loaded = {r[0] for r in rows["articles"]}
        removed = [(s,) for s in replaced if s not in loaded]
        # Deleting an article cascades to its actors, topics, names, facts (and FTS rows).
        uncounted: list[tuple[str, str, int]] = []
        if removed:
            uncounted = await self._on_writer(removed_counts_on, [s for s, in removed])
            await db.executemany("DELETE FROM articles WHERE slug = ?", removed)
        if old is None:
            old = await self._on_writer(old_rows_on, sorted(loaded))
        if sum(len(v) for v in (*old.values(), *rows.values())) > 2000:  # off the event loop
            ops = await asyncio.to_thread(write_ops, rows, old, uncounted)
        else:
            ops = write_ops(rows, old, uncounted)
        for sql, params in ops:
            await db.executemany(sql, params)
        if changes:
            await db.executemany(
                "INSERT INTO changes (at, article, kind, fact_id, change, old, new) "
                "VALUES (?,?,?,?,?,?,?)", changes)


@contextlib.asynccontextmanager
async def _no_full_collections() -> AsyncIterator[None]:
    """For the length of a load, Python's cyclic garbage collector makes no full collection.
    A load allocates (parsing, validating, rows) enough for full collections to run during
    it, and each walked the whole heap, the bot's caches included, holding the GIL and so the
    event loop: 40-100 ms each at 10,000 articles. The young generations are still collected
    (each walks only what was allocated since the one before); full collections resume
    after the last load running in the process ends. (It used to set the whole heap aside
    with gc.freeze() and unfreeze it afterwards, which also undid the bot's freeze of what
    start-up built: bot.client.)"""
    global _loads_running, _saved_threshold
    if _loads_running == 0:
        _saved_threshold = gc.get_threshold()
        gc.set_threshold(_saved_threshold[0], _saved_threshold[1], NO_FULL_COLLECTIONS)
    _loads_running += 1
    try:
        yield
    finally:
        _loads_running -= 1
        if _loads_running == 0:
            gc.set_threshold(*_saved_threshold)


NO_FULL_COLLECTIONS = 1 << 30  # the oldest generation's threshold during loads
_loads_running = 0
_saved_threshold: tuple[int, int, int] = gc.get_threshold()


def on_thread(conn: aiosqlite.Connection, fn: Callable[..., R], *args: Any) -> Awaitable[R]:
    """``fn(sqlite3_connection, *args)`` on the connection's own thread, in one trip
    (aiosqlite's execute, fetch and close take a trip each). Queued behind whatever was sent
    to that connection before."""
    run = cast(Callable[..., Awaitable[R]], conn._execute)
    return run(fn, conn._conn, *args)


def _data_version_on(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _end_read(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("COMMIT")


def _in_lazy(conn: sqlite3.Connection, state: _Lazy, last: bool, fn: Callable[..., R],
             *args: Any) -> R:
    """On the connection's thread: BEGIN if this is the snapshot's first statement, run
    ``fn``, and COMMIT if it is the last."""
    if not state.begun:
        conn.execute("BEGIN")
        state.begun = True
    try:
        return fn(conn, *args)
    finally:
        if last:
            conn.execute("COMMIT")
            state.done = True


def fetchall(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()
             ) -> list[sqlite3.Row]:
    """Every row of one statement, on the connection's own thread (inside ``Store.call``)."""
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the database is locked by another process; nothing changed, try again shortly"
    if "readonly" in text or "read-only" in text:
        return "the database file is read-only; nothing changed"
    return f"the database refused the load ({text}); nothing changed"


@dataclass(frozen=True)
class _Plan:
    rows: list[SheetRows]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    flat: dict[str, list[tuple[object, ...]]]  # table -> rows to insert, built off the loop

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(r.slug for r in self.rows)


# Kinds the digest reports at fact level; actors and topics only matter through them.
DIGEST_KINDS = ("article", "position", "quote", "claim", "question")
_DiffLists = dict[str, dict[str, list[str]]]


def _diff_lists() -> _DiffLists:
    return {k: {"added": [], "changed": [], "removed": []} for k in DIFF_KINDS}


def _merge(into: _DiffLists, part: _DiffLists) -> None:
    for kind, changes in part.items():
        for change, ids in changes.items():
            into[kind][change].extend(ids)


def _compare(rows: Sequence[SheetRows], removed: Sequence[str], old: dict[tuple[str, str], str],
             known: set[str], at: str) -> tuple[dict[str, KindDiff], list[tuple[object, ...]]]:
    """Runs in a worker thread: the diff per kind, and the change rows the digest reads."""
    result, changes = _compare_lists(rows, removed, old, known, at)
    diff = {k: KindDiff(tuple(v["added"]), tuple(v["changed"]), tuple(v["removed"]))
            for k, v in result.items()}
    return diff, changes


def _compare_lists(rows: Sequence[SheetRows], removed: Sequence[str],
                   old: dict[tuple[str, str], str], known: set[str], at: str
                   ) -> tuple[_DiffLists, list[tuple[object, ...]]]:
    fresh: dict[tuple[str, str], str] = {}
    for sheet in rows:
        fresh.update(sheet.payloads)
    result = _diff_lists()
    changes: list[tuple[object, ...]] = []
    gone = set(removed)

    def article_of(kind: str, ident: str) -> str:
        return ident if kind == "article" else ident.split("/", 1)[0]

    def record(kind: str, ident: str, change: str, before: str | None, after: str | None) -> None:
        result[kind][change].append(ident)
        slug = article_of(kind, ident)
        # A new or removed article is one digest line; facts count inside known articles.
        whole = slug not in known or slug in gone
        if kind in DIGEST_KINDS and (kind == "article" or not whole):
            changes.append((at, slug, kind, ident, change, before, after))

    for key, payload in fresh.items():
        if key not in old:
            record(key[0], key[1], "added", None, payload)
        elif old[key] != payload:
            record(key[0], key[1], "changed", old[key], payload)
    for key, payload in old.items():
        if key not in fresh:
            record(key[0], key[1], "removed", payload, None)
    return result, changes


def _compare_batch(rows: Sequence[SheetRows], old: dict[tuple[str, str], str], known: set[str],
                   at: str) -> tuple[_DiffLists, list[tuple[object, ...]],
                                     dict[str, list[tuple[object, ...]]]]:
    """One streamed batch's diff, change rows and rows to insert."""
    result, changes = _compare_lists(rows, (), old, known, at)
    return result, changes, flat_rows(rows)


@dataclass(frozen=True)
class _Scan:
    """What is under the root, and which folders need reading."""

    root: Path
    display_root: Path
    folders: list[str]     # every article folder found, resolved
    single: bool           # the root is itself one article folder
    to_read: list[str]     # folders whose files changed (every folder, unless only_changed)
    unchanged: list[str]   # slugs of the stored articles whose files did not change
    now_ns: int            # time.time_ns() before any file was looked at (file_stamp)
    # (file stamp, slug) of unchanged articles whose stored stamp is missing or out of date
    # (touched, copied, or stored before stamps): written with the load.
    restamp: list[tuple[str, str]] = field(default_factory=list)

    @functools.cached_property
    def found(self) -> frozenset[str]:
        """``folders``, for membership tests."""
        return frozenset(self.folders)


def _scan(root: Path, stored: _Stored, only_changed: bool) -> _Scan:
    """Runs in a worker thread: finds the article folders and which of them changed.

    A stored folder whose file stamp (sizes and times) matches the stored one is unchanged
    without reading it; otherwise its files are hashed, and the content hash decides (a file
    touched but not changed is unchanged, and its new stamp is recorded). ``only_changed``
    False (``load --all``, a full reload) trusts neither: every folder is read again.
    """
    now_ns = time.time_ns()
    root = root.resolve()
    if not root.exists():
        raise SheetError([Problem(str(root), None, "", "no such file or folder")])
    top = str(root)
    stamps: dict[str, str | None] = {}  # taken while finding the folders
    if root.is_dir() and not (root / FACTS_FILE).exists() and not (root / TEXT_FILE).exists():
        found: list[Path] = []
        folders = _article_folders(top, stored if only_changed else {}, now_ns, stamps)
    else:
        # One article folder (the root, or a file's folder): already resolved with the root.
        found = discover(root)
        folders = [str(f) for f in found]
    if not folders:
        raise SheetError([Problem(str(root), None, "", "no article folders found "
                                  "(each needs facts.toml and article.txt)")])
    display_root = root if root.is_dir() else root.parent
    unchanged: list[str] = []
    to_read: list[str] = []
    restamp: list[tuple[str, str]] = []
    for folder in folders:
        previous = stored.get(folder)
        if not only_changed or previous is None:
            to_read.append(folder)
            continue
        slug, digest, stamp = previous
        # Stamped before hashing: the stamp recorded never vouches for newer bytes than hashed.
        current = stamps[folder] if folder in stamps else file_stamp(folder, now_ns)
        if current is not None and current == stamp:
            unchanged.append(slug)
        elif content_hash(folder) == digest:
            unchanged.append(slug)
            if current is not None:
                restamp.append((current, slug))
        else:
            to_read.append(folder)
    return _Scan(root, display_root, folders, found == [root], to_read, unchanged, now_ns,
                 restamp)


def _article_folders(top: str, stored: _Stored, now_ns: int, stamps: dict[str, str | None]
                     ) -> list[str]:
    """discover()'s answer for a seeds folder ``top`` (resolved), as resolved strings, in one
    pass over it: the file stamp of a stored folder (put in ``stamps``) also proves that its
    files exist, so at start-up most folders cost two stat calls and nothing else."""
    with os.scandir(top) as entries:
        # is_dir() follows symlinks, as Path.is_dir; both mostly answered without a system call.
        children = sorted((entry.name, entry.is_symlink()) for entry in entries if entry.is_dir())
    folders = []
    for name, link in children:
        folder = str(Path(top, name).resolve()) if link else f"{top}{os.sep}{name}"
        previous = stored.get(folder)
        if previous is not None and previous[2] is not None:
            stamps[folder] = stamp = file_stamp(folder, now_ns)
            if stamp is not None:
                folders.append(folder)
                continue
        if os.path.exists(os.path.join(folder, FACTS_FILE)) or os.path.exists(
                os.path.join(folder, TEXT_FILE)):
            folders.append(folder)
    return folders


def _read(folders: Sequence[str], display_root: Path, now_ns: int
          ) -> tuple[list[Sheet], list[Problem], dict[str, str | None]]:
    """The valid sheets, every problem, and folder -> file stamp of each folder read (taken
    before its files are read: see file_stamp)."""
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    stamps: dict[str, str | None] = {}
    for folder in folders:
        stamps[folder] = file_stamp(folder, now_ns)
        result = read_sheet(Path(folder), display_root)
        if isinstance(result, Sheet):
            sheets.append(result)
        else:
            problems.extend(result)
    return sheets, problems, stamps


def _rows(sheets: Sequence[Sheet], stamps: dict[str, str | None], loaded_at: str
          ) -> list[SheetRows]:
    rows = []
    for sheet in sheets:
        r = sheet_rows(sheet, sheet.folder, loaded_at)
        r.article = (*r.article, stamps.get(sheet.folder))  # the articles.file_stamp column
        rows.append(r)
    return rows


# A streamed batch: (slug, folder) of each valid sheet, the problems, the rows to insert.
_Batch = tuple[list[tuple[str, str]], list[Problem], list[SheetRows]]


def _read_batch(folders: Sequence[str], display_root: Path, loaded_at: str, now_ns: int
                ) -> _Batch:
    """Runs in a worker process (or thread): one streamed batch, read, validated and turned
    into rows; only what the load needs goes back."""
    sheets, problems, stamps = _read(folders, display_root, now_ns)
    return ([(s.article.slug, s.folder) for s in sheets], problems, _rows(sheets, stamps, loaded_at))


def _workers(*, first: bool) -> int:
    """How many worker processes read a streamed load. The first load into an empty database
    (at start-up, in setup_hook, before the gateway connects) takes every core: it is the one
    whose length is felt. A reload runs while the bot answers: it leaves a core to this
    process (the event loop, the writer, the batches coming back). With both cores reading,
    the loop waited 4-9 ms at a time for a CPU and its longest stall during a full reload of
    10,000 articles was 18-21.5 ms; with one, 13-15.5 ms, for a reload about 20 % longer
    (34-44 -> 42-50 s; five runs each, alternating)."""
    cores = os.cpu_count() or 1
    return cores if first else max(1, cores - 1)


def _worker_pool(workers: int) -> ProcessPoolExecutor | None:
    """``workers`` processes for a streamed load; None (a thread reads instead) on one core
    or where processes cannot be started. Spawned, not forked: this process runs threads
    (aiosqlite's), which fork does not mix with."""
    if (os.cpu_count() or 1) < 2:
        return None
    try:
        # Niced: they take the cores this process leaves idle, and never the event loop's
        # turn (with every core busy validating, the loop's wake-ups came 20-60 ms late).
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(WORKER_NICE,))
    except (OSError, NotImplementedError, ValueError):
        return None


def _start_worker(nice: int) -> None:
    """Runs first in every worker process. A worker ends with the process that started it,
    whatever killed that one: after a SIGKILL nothing in the parent can shut the pool down, and
    the workers (with multiprocessing's resource tracker, kept alive by their copies of its
    pipe) would live on under PID 1, one set per crash."""
    os.nice(nice)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    # join() returns when the pipe the parent holds open for this worker's life reads EOF:
    # at its death, never before. os._exit: the task running in the main thread is moot.
    parent.join()
    os._exit(1)


def _start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker process now, from the calling thread (a submit starts one when
    none is idle)."""
    for _ in range(workers):
        pool.submit(os.getpid)


def _plan(scan: _Scan, stored: _Stored, articles: _Articles, slugs: Sequence[str] | None,
          loaded_at: str) -> _Plan:
    """Runs in a worker thread: reads and validates the sheets, off the event loop."""
    sheets, problems, stamps = _read(scan.to_read, scan.display_root, scan.now_ns)
    unchanged = scan.unchanged
    if slugs is not None:
        wanted = set(slugs)
        known = {s.article.slug for s in sheets} | set(unchanged)
        for slug in sorted(wanted - known):
            problems.append(Problem(str(scan.root), None, "", f"no article with slug {slug!r}"))
        sheets = [s for s in sheets if s.article.slug in wanted]
        unchanged = [s for s in unchanged if s in wanted]
    # A slug must stay unique against unchanged articles too.
    unchanged_set = set(unchanged)
    kept = {slug: folder for folder, (slug, *_) in stored.items()
            if folder in scan.found and slug in unchanged_set}
    problems.extend(duplicate_slugs(sheets))
    problems.extend(p for p in (_slug_clash(s.article.slug, s.folder, kept) for s in sheets) if p)
    if problems:
        raise SheetError(problems)
    removed = _removed(scan, articles, {s.article.slug for s in sheets}, unchanged_set,
                       {s.folder for s in sheets}, limited=slugs is not None)
    rows = _rows(sheets, stamps, loaded_at)
    return _Plan(rows=rows, unchanged=tuple(unchanged), removed=tuple(removed), flat=flat_rows(rows))


def _slug_clash(slug: str, folder: str, kept: dict[str, str]) -> Problem | None:
    """A sheet whose slug an unchanged article in another folder already has."""
    other = kept.get(slug)
    if other is None or other == folder:
        return None
    return Problem(str(Path(folder) / FACTS_FILE), None, "article.slug",
                   f"slug {slug!r} is already used by {other}")


def _removed(scan: _Scan, articles: _Articles, new_slugs: set[str], unchanged: set[str],
             sheet_folders: set[str], *, limited: bool) -> list[str]:
    """The stored articles a load replaces or removes. A folder whose sheet was read and now
    carries another slug replaces its stored article (also in a load ``limited`` to some
    slugs, and in a load of one folder, which remove nothing else). A load of a whole seeds
    folder also removes the articles of its folders that are gone, and any second article
    still stored for one folder, linked folders kept elsewhere included. Other articles
    loaded from elsewhere are never removed by it."""
    if limited or not scan.root.is_dir() or scan.single:
        return sorted(slug for slug, folder in articles
                      if slug not in new_slugs and slug not in unchanged
                      and folder in sheet_folders)
    # scan.found: resolved, so a linked folder is found under its own path.
    return sorted(slug for slug, folder in articles
                  if slug not in new_slugs and slug not in unchanged
                  and (folder in scan.found or Path(folder).is_relative_to(scan.root)))


def _stored_on(conn: sqlite3.Connection) -> tuple[_Stored, _Articles]:
    # In the covering index's order: ORDER BY slug would read every row through the other
    # index, twice the time at start-up (17 -> 39 ms at 10,000 articles).
    rows = conn.execute("SELECT slug, folder, content_hash, file_stamp FROM articles").fetchall()
    return ({folder: (slug, digest, stamp) for slug, folder, digest, stamp in rows},
            [(slug, folder) for slug, folder, *_ in rows])


def lazy_snapshot(fn: Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]
                  ) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    """``snapshot`` for query functions that read only through ``Store.rows`` and
    ``Store.call``: same consistency, fewer trips to the connection's thread."""

    @functools.wraps(fn)
    async def wrapper(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        async with store.read_lazily():
            return await fn(store, *args, **kwargs)

    return wrapper


def snapshot(fn: Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]
             ) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    """Run a query function inside one read snapshot, so its answer never mixes two loads."""

    @functools.wraps(fn)
    async def wrapper(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        async with store.read():
            return await fn(store, *args, **kwargs)

    return wrapper
