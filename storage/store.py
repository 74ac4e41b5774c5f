"""The store: one SQLite database, a reader for answers and a writer for loads.

Two connections on purpose: a load writes inside one transaction on the writer while the reader
keeps answering from the last committed facts (WAL), so no answer ever sees half a load.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import aiosqlite

from storage.db import StoreError, connect, migrate
from storage.model import DIFF_KINDS, Sheet
from storage.rows import SheetRows, sheet_rows
from storage.sheets import (
    Problem,
    SheetError,
    content_hash,
    discover,
    duplicate_slugs,
    read_sheet,
)

Clock = Callable[[], datetime]
READERS = 2  # connections answering queries; each answer holds one for its snapshot
P = ParamSpec("P")
R = TypeVar("R")
# The connection of the snapshot a task answers from, and the load generation it started at.
_snapshot: ContextVar[tuple[aiosqlite.Connection, int] | None] = ContextVar("snapshot", default=None)


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
    readers: list[aiosqlite.Connection]
    writer: aiosqlite.Connection
    clock: Clock = utc_now
    # Bumped after every committed load; caches built from the facts key on it.
    generation: int = 0
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _pool: asyncio.Queue[aiosqlite.Connection] = field(default_factory=asyncio.Queue)

    def __post_init__(self) -> None:
        for conn in self.readers:
            self._pool.put_nowait(conn)

    @property
    def reader(self) -> aiosqlite.Connection:
        """A read connection for a single statement, when no snapshot is open."""
        return self.readers[0]

    @property
    def db(self) -> aiosqlite.Connection:
        """The connection of the snapshot this task is answering from, else ``reader``."""
        current = _snapshot.get()
        return current[0] if current else self.readers[0]

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
            yield self.db
            return
        conn = await self._pool.get()
        token = _snapshot.set((conn, self.generation))
        try:
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("COMMIT")
        finally:
            _snapshot.reset(token)
            self._pool.put_nowait(conn)

    async def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Every row of one statement, read from this task's snapshot (else ``reader``), in
        one trip to the connection's thread (aiosqlite's execute, fetch and close take three
        or more, and each trip costs more than a small indexed query)."""
        return await self.call(_fetchall, sql, tuple(params))

    async def call(self, fn: Callable[..., R], *args: Any) -> R:
        """``fn(sqlite3_connection, *args)`` on the thread of ``db``, in one trip: for reads
        that would take many trips, or Python work on many rows that should not hold the
        event loop. ``fn`` must only read."""
        conn = self.db
        run = cast(Callable[..., Awaitable[R]], conn._execute)
        return await run(fn, conn._conn, *args)

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
            readers: list[aiosqlite.Connection] = []
            for _ in range(READERS):
                readers.append(await connect(path, read_only=True))
                opened.append(readers[-1])
        except BaseException as exc:
            for conn in opened:
                await conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open the database {path}: {exc}") from exc
            raise
        return cls(path=path, readers=readers, writer=writer, clock=clock)

    async def close(self) -> None:
        for conn in self.readers:
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

        ``only_changed`` skips folders whose content hash matches what is stored. ``slugs``
        limits the load to those articles (and removes nothing else). With every folder under
        ``root`` loaded, articles whose folders are gone are removed. Raises SheetError with
        every problem found, and then changes nothing.
        """
        started = time.perf_counter()
        async with self._write_lock:
            stored = await self._stored_articles()
            loaded_at = self.clock().isoformat(timespec="seconds")
            plan = await asyncio.to_thread(_plan, root, stored, only_changed, slugs, loaded_at)
            removed = plan.removed if slugs is None else ()
            known = {slug for slug, _ in stored.values()}
            old = await self._old_payloads([s for s in (*plan.slugs, *removed) if s in known])
            diff, changes = await asyncio.to_thread(_compare, plan, removed, old, known, loaded_at)
            if not dry_run:
                await self._write(plan, removed, changes)
                self.generation += 1
        return LoadReport(diff=diff, loaded=plan.slugs,
                          unchanged=plan.unchanged, removed=removed, dry_run=dry_run,
                          seconds=time.perf_counter() - started)

    async def _stored_articles(self) -> dict[str, tuple[str, str]]:
        """folder -> (slug, content hash) of what is stored."""
        async with self.writer.execute("SELECT slug, folder, content_hash FROM articles") as cur:
            return {row["folder"]: (row["slug"], row["content_hash"]) async for row in cur}

    async def _old_payloads(self, slugs: Sequence[str]) -> dict[tuple[str, str], str]:
        """(kind, id) -> stored payload, for the articles about to be replaced or removed."""
        old: dict[tuple[str, str], str] = {}
        queries = (
            "SELECT 'article' AS kind, slug AS id, payload FROM articles WHERE slug IN ({})",
            "SELECT 'actor' AS kind, article || '/' || key AS id, payload FROM actors "
            "WHERE article IN ({})",
            "SELECT 'topic' AS kind, article || '/' || key AS id, payload FROM topics "
            "WHERE article IN ({})",
            "SELECT kind, id, payload FROM facts WHERE article IN ({})",
        )
        for start in range(0, len(slugs), 500):
            chunk = list(slugs[start:start + 500])
            marks = ",".join("?" for _ in chunk)
            for sql in queries:
                async with self.writer.execute(sql.format(marks), chunk) as cur:
                    for row in await cur.fetchall():
                        old[(row["kind"], row["id"])] = row["payload"]
        return old

    async def _write(self, plan: _Plan, removed: Sequence[str],
                     changes: Sequence[tuple[object, ...]]) -> None:
        db = self.writer
        rows = plan.flat
        try:
            await db.execute("BEGIN IMMEDIATE")
            # Deleting the article cascades to its actors, topics, names, facts (and FTS rows).
            await db.executemany("DELETE FROM articles WHERE slug = ?",
                                 [(s,) for s in [*removed, *plan.slugs]])
            await db.executemany(
                "INSERT INTO articles (slug, title, outlet, url, published, language, body, "
                "folder, content_hash, payload, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows["articles"])
            await db.executemany("INSERT INTO actors VALUES (?,?,?,?,?,?,?)", rows["actors"])
            await db.executemany("INSERT INTO topics VALUES (?,?,?,?)", rows["topics"])
            await db.executemany("INSERT INTO names VALUES (?,?,?,?,?)", rows["names"])
            await db.executemany(
                "INSERT INTO facts (id, article, kind, seq, actor, topic, label, text, folded, "
                "parent, search, payload) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows["facts"])
            await db.executemany("INSERT INTO fact_actors VALUES (?,?)", rows["fact_actors"])
            await db.executemany(
                "INSERT INTO changes (at, article, kind, fact_id, change, old, new) "
                "VALUES (?,?,?,?,?,?,?)", changes)
            await db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(_explain(exc)) from exc
            raise


def _fetchall(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
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


def _compare(plan: _Plan, removed: Sequence[str], old: dict[tuple[str, str], str],
             known: set[str], at: str) -> tuple[dict[str, KindDiff], list[tuple[object, ...]]]:
    """Runs in a worker thread: the diff per kind, and the change rows the digest reads."""
    fresh: dict[tuple[str, str], str] = {}
    for rows in plan.rows:
        fresh.update(rows.payloads)
    result: dict[str, dict[str, list[str]]] = {
        k: {"added": [], "changed": [], "removed": []} for k in DIFF_KINDS}
    changes: list[tuple[object, ...]] = []

    def article_of(kind: str, ident: str) -> str:
        return ident if kind == "article" else ident.split("/", 1)[0]

    def record(kind: str, ident: str, change: str, before: str | None, after: str | None) -> None:
        result[kind][change].append(ident)
        slug = article_of(kind, ident)
        # A new or removed article is one digest line; facts count inside known articles.
        whole = slug not in known or slug in removed
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
    diff = {k: KindDiff(tuple(v["added"]), tuple(v["changed"]), tuple(v["removed"]))
            for k, v in result.items()}
    return diff, changes


def _plan(root: Path, stored: dict[str, tuple[str, str]], only_changed: bool,
          slugs: Sequence[str] | None, loaded_at: str) -> _Plan:
    """Runs in a worker thread: reads, hashes and validates sheets, off the event loop."""
    root = root.resolve()
    if not root.exists():
        raise SheetError([Problem(str(root), None, "", "no such file or folder")])
    folders = [str(f.resolve()) for f in discover(root)]
    if not folders:
        raise SheetError([Problem(str(root), None, "", "no article folders found "
                                  "(each needs facts.toml and article.txt)")])
    display_root = root if root.is_dir() else root.parent
    unchanged: list[str] = []
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    for folder in folders:
        previous = stored.get(folder)
        if only_changed and previous and previous[1] == content_hash(Path(folder)):
            unchanged.append(previous[0])
            continue
        result = read_sheet(Path(folder), display_root)
        if isinstance(result, Sheet):
            sheets.append(result)
        else:
            problems.extend(result)
    if slugs is not None:
        wanted = set(slugs)
        known = {s.article.slug for s in sheets} | set(unchanged)
        for slug in sorted(wanted - known):
            problems.append(Problem(str(root), None, "", f"no article with slug {slug!r}"))
        sheets = [s for s in sheets if s.article.slug in wanted]
        unchanged = [s for s in unchanged if s in wanted]
    # A slug must stay unique against unchanged articles too.
    kept = {slug: folder for folder, (slug, _) in stored.items()
            if folder in folders and slug in unchanged}
    problems.extend(duplicate_slugs(sheets))
    for sheet in sheets:
        other = kept.get(sheet.article.slug)
        if other is not None and other != sheet.folder:
            problems.append(Problem(str(Path(sheet.folder) / "facts.toml"), None, "article.slug",
                                    f"slug {sheet.article.slug!r} is already used by {other}"))
    if problems:
        raise SheetError(problems)
    new_slugs = {s.article.slug for s in sheets}
    # Folders under this root that are gone, and folders whose sheet now carries another slug.
    # Articles loaded from elsewhere are never removed by loading this root.
    removed = sorted(
        slug for folder, (slug, _) in stored.items()
        if slug not in new_slugs and slug not in unchanged and Path(folder).is_relative_to(root)
        and (folder not in folders or any(s.folder == folder for s in sheets)))
    if not root.is_dir() or discover(root) == [root]:
        # Loading a single article folder never removes the others.
        removed = [slug for folder, (slug, _) in stored.items()
                   if slug not in new_slugs and any(s.folder == folder for s in sheets)]
    rows = [sheet_rows(s, s.folder, loaded_at) for s in sheets]
    flat = {table: [row for r in rows for row in getattr(r, table)]
            for table in ("actors", "topics", "names", "facts", "fact_actors")}
    flat["articles"] = [r.article for r in rows]
    return _Plan(rows=rows, unchanged=tuple(unchanged), removed=tuple(removed), flat=flat)


def snapshot(fn: Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]
             ) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    """Run a query function inside one read snapshot, so its answer never mixes two loads."""

    @functools.wraps(fn)
    async def wrapper(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        async with store.read():
            return await fn(store, *args, **kwargs)

    return wrapper
