"""The load pipeline: scan the folders, read and check the sheets, diff them against what is
stored, and write them, all in one transaction.

A load that finds any problem writes nothing, and the facts before it keep answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage import memory
from storage.connections import Connections, on_thread
from storage.db import StoreError
from storage.load.diff import (
    KindDiff,
    LoadReport,
    compare,
    compare_batch,
    compare_lists,
    diff_lists,
    kind_diffs,
    merge,
)
from storage.load.plan import Plan, SlugCheck, make_plan, removed_articles
from storage.load.scan import Articles, Scan, Stored, scan_folders, stored_on
from storage.load.workers import Batch, read_batch, start_workers, worker_pool, workers
from storage.load.writes import (
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
from storage.names import ENTITIES, NameCache, update_directory
from storage.sheets import Problem, SheetError

# A load with more sheets to read than STREAM_AT (a first start on a big archive, a full reload)
# streams them BATCH at a time through the one transaction, so its memory stays flat.
STREAM_AT = 400
BATCH = 20
R = TypeVar("R")


class Loader:
    """Loads sheets into one store's database; one load at a time (the write lock)."""

    def __init__(self, conns: Connections, names: NameCache) -> None:
        self.conns = conns
        self.names = names
        # The entities whose name index the load being written changes (update_directory).
        self._index_changes: set[str] = set()
        # The writer's PRAGMA data_version as of the last applied load, and as read inside the
        # load being written: it moves only when another connection (another process's
        # `newsbot load`) commits, which this store's caches cannot have seen.
        self._data_version: int | None = None
        self._data_version_now: int | None = None

    @property
    def writer(self) -> aiosqlite.Connection:
        return self.conns.writer

    async def load(self, root: Path, *, only_changed: bool = True, dry_run: bool = False,
                   slugs: Sequence[str] | None = None, lock_held: bool = False) -> LoadReport:
        """Validate the sheets under ``root`` and replace their facts in one transaction.

        ``only_changed`` skips folders whose files are unchanged: their file stamp (sizes,
        mtimes, ctimes) equals the stored one, or else their content hash does (scan_folders).
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

        ``lock_held``: the caller holds the store's write lock already (it changes the files
        and loads them as one step: storage.reload.change_and_load).
        """
        started = time.perf_counter()
        async with _unless(lock_held, self.conns.write_lock), memory.no_full_collections(), \
                self._releasing_memory():
            self._index_changes, self._data_version_now = set(), None
            stored, articles = await self._stored_articles()
            loaded_at = self.conns.clock().isoformat(timespec="seconds")
            known = {slug for slug, _ in articles}
            scan = await asyncio.to_thread(scan_folders, root, stored, only_changed)
            if len(scan.to_read) > STREAM_AT:
                diff, loaded, unchanged, removed = await self._stream(
                    scan, stored, articles, known, slugs, loaded_at, dry_run)
            else:
                plan = await asyncio.to_thread(make_plan, scan, stored, articles, slugs, loaded_at)
                removed = plan.removed
                diff = await self._write(plan, removed, known, loaded_at, scan.restamp, dry_run)
                loaded, unchanged = plan.slugs, plan.unchanged
            if not dry_run:
                if self._data_version_now is None:  # nothing written: no transaction began
                    await self._note_other_writers()
                self.conns.generation += 1
                self._data_version = self._data_version_now
                self.names.start(self._index_changes)
        return LoadReport(diff=diff, loaded=loaded,
                          unchanged=unchanged, removed=removed, dry_run=dry_run,
                          seconds=time.perf_counter() - started)

    async def remove(self, slugs: Sequence[str], *, dry_run: bool = False,
                     lock_held: bool = False) -> LoadReport:
        """Stop serving the stored articles ``slugs`` (their files are the caller's business):
        their facts deleted in one transaction, each removal in the changes the digest reads.
        Slugs not stored are ignored. ``lock_held`` as for load."""
        started = time.perf_counter()
        async with _unless(lock_held, self.conns.write_lock):
            self._index_changes, self._data_version_now = set(), None
            _, articles = await self._stored_articles()
            loaded_at = self.conns.clock().isoformat(timespec="seconds")
            known = {slug for slug, _ in articles}
            removed = tuple(s for s in dict.fromkeys(slugs) if s in known)
            plan = Plan(rows=[], unchanged=(), removed=removed, flat=flat_rows([]))
            diff = await self._write(plan, removed, known, loaded_at, (), dry_run)
            if not dry_run:
                if self._data_version_now is None:
                    await self._note_other_writers()
                self.conns.generation += 1
                self._data_version = self._data_version_now
                self.names.start(self._index_changes)
        return LoadReport(diff=diff, loaded=(), unchanged=(), removed=removed, dry_run=dry_run,
                          seconds=time.perf_counter() - started)

    @asynccontextmanager
    async def _releasing_memory(self) -> AsyncIterator[None]:
        """After a load, applied or not: the writer's page cache emptied (the next load reads
        what it needs again, from the operating system's file cache) and the memory freed
        handed back (storage.memory). The bot then holds its answers' working set, not the
        high-water mark of its biggest load."""
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error, ValueError):  # ValueError: closed
                await self.writer.execute("PRAGMA shrink_memory")
            await asyncio.to_thread(memory.release)

    async def _stream(self, scan: Scan, stored: Stored, articles: Articles, known: set[str],
                      slugs: Sequence[str] | None, loaded_at: str, dry_run: bool
                      ) -> tuple[dict[str, KindDiff], tuple[str, ...], tuple[str, ...],
                                 tuple[str, ...]]:
        """A large load, batch by batch; the same checks, diff and result as make_plan's path
        (only the order of ids within a diff may differ)."""
        check = SlugCheck(scan, stored, slugs)
        read_problems: list[Problem] = []
        loaded: list[str] = []
        lists = diff_lists()
        batches = [scan.to_read[i:i + BATCH] for i in range(0, len(scan.to_read), BATCH)]
        began = False
        fts_trigger: str | None = None  # set while the FTS index waits for the end (_begin)
        # Reading and validating is pure Python (TOML parsing most of it): worker processes
        # leave this process's GIL to the event loop and the writer.
        processes = workers(first=not known)
        pool = worker_pool(processes)
        loop = asyncio.get_running_loop()
        ahead = processes + 1 if pool is not None else 1  # batches in flight

        def submit(batch: list[str]) -> asyncio.Future[Batch]:
            if pool is not None:
                return loop.run_in_executor(pool, read_batch, batch, scan.display_root,
                                            loaded_at, scan.now_ns)
            return asyncio.ensure_future(asyncio.to_thread(read_batch, batch, scan.display_root,
                                                           loaded_at, scan.now_ns))

        pending: deque[asyncio.Future[Batch]] = deque()
        try:
            if pool is not None:
                # Starting a process takes 5-10 ms of this thread: not on the event loop's.
                await asyncio.to_thread(start_workers, pool, processes)
            pending.extend(submit(b) for b in batches[:ahead])
            for i in range(len(batches)):
                sheets, problems, rows = await pending.popleft()
                if i + ahead < len(batches):  # keep reading ahead while this batch is written
                    pending.append(submit(batches[i + ahead]))
                read_problems.extend(problems)
                check.read(slug for slug, _ in sheets)
                if check.wanted is not None:
                    rows = [r for r, (slug, _) in zip(rows, sheets, strict=True)
                            if check.is_wanted(slug)]
                    sheets = [(slug, folder) for slug, folder in sheets if check.is_wanted(slug)]
                for slug, folder in sheets:
                    check.add(slug, folder)
                if read_problems or check.refused:
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
                part, changes, flat = compare_batch(rows, old, known, loaded_at)
                merge(lists, part)
                replaced = [r.slug for r in rows]
                loaded.extend(replaced)
                del sheets, rows, old
                if not dry_run:
                    await self._insert(flat, replaced, changes, stored_rows)
                del stored_rows
            problems = [*read_problems, *check.problems(scan)]
            if problems:
                raise SheetError(problems)
            removed = tuple(removed_articles(scan, articles, set(check.first),
                                             set(check.unchanged), check.folders,
                                             limited=slugs is not None))
            old = await self._old_payloads([s for s in removed if s in known])
            part, changes = await asyncio.to_thread(compare_lists, [], removed, old, known,
                                                    loaded_at)
            merge(lists, part)
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
        return kind_diffs(lists), tuple(loaded), tuple(check.unchanged), removed

    async def _on_writer(self, fn: Callable[..., R], *args: Any) -> R:
        """``fn(sqlite3_connection, *args)`` on the writer's thread, in one trip: bulk reads
        whose rows should not be turned into Python objects on the event loop."""
        return await on_thread(self.writer, fn, *args)

    async def _stored_articles(self) -> tuple[Stored, Articles]:
        """folder -> (slug, content hash, file stamp), and (slug, folder) of every article."""
        return await self._on_writer(stored_on)

    async def _old_payloads(self, slugs: Sequence[str]) -> dict[tuple[str, str], str]:
        """(kind, id) -> stored payload, for the articles about to be replaced or removed."""
        return await self._on_writer(old_payloads_on, list(slugs))

    async def _note_other_writers(self) -> None:
        """Inside a load's write transaction (nobody else can commit until it ends): if
        another connection has committed since this store's last applied load, any name
        index may differ from the one cached, so none is carried over (NameCache.start)."""
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

    async def _write(self, plan: Plan, removed: Sequence[str], known: set[str], loaded_at: str,
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
            diff, changes = await asyncio.to_thread(compare, plan.rows, removed, old, known,
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


def _unless(held: bool, lock: asyncio.Lock) -> contextlib.AbstractAsyncContextManager[object]:
    return contextlib.nullcontext() if held else lock


def _data_version_on(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])



def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the database is locked by another process; nothing changed, try again shortly"
    if "readonly" in text or "read-only" in text:
        return "the database file is read-only; nothing changed"
    return f"the database refused the load ({text}); nothing changed"
