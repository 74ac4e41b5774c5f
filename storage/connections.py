"""The database's connections and the snapshots answers read from.

Five connections, each with one job: a writer for loads and small writes; a pool of READERS,
each holding one answer's snapshot; ``single`` for a statement read outside any snapshot;
``builder`` for building the name indexes ahead. In WAL mode a load writes inside one
transaction while the readers keep answering from the last committed facts, so no answer
ever sees half a load.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar, cast

import aiosqlite

from storage.db import StoreError, connect, migrate

Clock = Callable[[], datetime]
READERS = 2  # connections answering queries; each answer holds one for its snapshot
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



@dataclass(eq=False)  # identity, so caches can key on the store
class Connections:
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
    # Held by a load for its whole length, and by the small writes (``writing``).
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _pool: asyncio.Queue[aiosqlite.Connection] = field(default_factory=asyncio.Queue)
    # The builder, one snapshot at a time (a cancelled build ends its own before the next).
    _builder_pool: asyncio.Queue[aiosqlite.Connection] = field(default_factory=asyncio.Queue)

    def __post_init__(self) -> None:
        for conn in self.readers:
            self._pool.put_nowait(conn)
        self._builder_pool.put_nowait(self.builder)

    @property
    def idle_readers(self) -> int:
        """Pooled connections no snapshot holds now."""
        return self._pool.qsize()

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
        async with self.write_lock:
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
    async def open(cls, path: Path, clock: Clock = utc_now) -> Self:
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
        for conn in (*self.readers, self.single, self.builder):
            await conn.close()
        await self.writer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def on_thread(conn: aiosqlite.Connection, fn: Callable[..., R], *args: Any) -> Awaitable[R]:
    """``fn(sqlite3_connection, *args)`` on the connection's own thread, in one trip
    (aiosqlite's execute, fetch and close take a trip each). Queued behind whatever was sent
    to that connection before."""
    run = cast(Callable[..., Awaitable[R]], conn._execute)
    return run(fn, conn._conn, *args)


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
    """Every row of one statement, on the connection's own thread (inside ``call``)."""
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()



# A query function's first argument: the store (or any Connections).
C = TypeVar("C", bound="Connections")


def lazy_snapshot(fn: Callable[Concatenate[C, P], Coroutine[Any, Any, R]]
                  ) -> Callable[Concatenate[C, P], Coroutine[Any, Any, R]]:
    """``snapshot`` for query functions that read only through ``rows`` and ``call``: same
    consistency, fewer trips to the connection's thread."""

    @functools.wraps(fn)
    async def wrapper(store: C, /, *args: P.args, **kwargs: P.kwargs) -> R:
        async with store.read_lazily():
            return await fn(store, *args, **kwargs)

    return wrapper


def snapshot(fn: Callable[Concatenate[C, P], Coroutine[Any, Any, R]]
             ) -> Callable[Concatenate[C, P], Coroutine[Any, Any, R]]:
    """Run a query function inside one read snapshot, so its answer never mixes two loads."""

    @functools.wraps(fn)
    async def wrapper(store: C, /, *args: P.args, **kwargs: P.kwargs) -> R:
        async with store.read():
            return await fn(store, *args, **kwargs)

    return wrapper
