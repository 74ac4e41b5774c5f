"""Connections, pragmas and migrations."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


class StoreError(Exception):
    """The database cannot do what was asked (locked, unwritable, too new...)."""


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """``items`` a few hundred at a time: an ``IN (?, ?, ...)`` list per statement stays far
    below SQLite's limit on bound parameters."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plain_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Every row as a plain tuple (cheaper than sqlite3.Row over many thousands)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration file, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        m = re.match(r"^(\d{4})_(\w+)\.sql$", entry.name)
        if m:
            found.append((int(m[1]), m[2], entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise StoreError(f"migration files must be numbered 0001, 0002... without gaps: {numbers}")
    return found


async def connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a load is exactly one transaction.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        if read_only:
            await conn.execute("PRAGMA query_only = ON")
        else:
            # WAL lets the reader keep answering from the last committed facts while a load writes.
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        await conn.close()
        raise
    return conn


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply the migrations newer than ``PRAGMA user_version``; return the resulting version."""
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    known = migrations()
    if current > len(known):
        raise StoreError(f"the database is at schema version {current}, newer than this bot "
                         f"({len(known)}); upgrade the bot or use another DATABASE_PATH")
    for number, _name, sql in known[current:]:
        try:
            await conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        current = number
    return current
