"""The editors' desk in the database: every version of a sheet the desk has seen or written
(history, for /sheet history and /sheet revert), the audit trail of the desk's actions, and
where an article's files are. The files themselves stay the source of truth (bot.desk)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from storage.db import StoreError
from storage.sheets import parse_toml
from storage.store import Store

VersionAction = Literal["found", "add", "put", "publish", "revert"]
Outcome = Literal["done", "checked", "refused", "failed", "cancelled", "expired"]
# The kinds of entry a version's counts cover, in the sheet's order.
COUNTED = ("actors", "topics", "positions", "quotes", "claims", "questions", "timeline")


@dataclass(frozen=True)
class SheetVersion:
    article: str
    version: int
    sha256: str
    saved_at: str
    user_id: int | None
    action: VersionAction
    counts: dict[str, int]
    diff: dict[str, list[int]] = field(default_factory=dict)  # kind -> [added, changed, removed]


@dataclass(frozen=True)
class DeskEntry:
    at: str
    user_id: int | None
    guild_id: int | None
    action: str
    article: str | None
    outcome: Outcome
    detail: str | None = None


@dataclass(frozen=True)
class Located:
    """Where a stored article's files are, and whether its facts are a draft."""

    slug: str
    title: str
    folder: Path
    review: str


def sha256_of(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def sheet_counts(content: str) -> dict[str, int]:
    """Entries per kind in a sheet's text (empty for text that is not TOML)."""
    try:
        data = parse_toml(content)
    except tomllib.TOMLDecodeError:
        return {}
    return {kind: len(v) for kind in COUNTED if isinstance(v := data.get(kind), list)}


async def locate(store: Store, slug: str) -> Located | None:
    async with store.single.execute(
            "SELECT slug, title, folder, review FROM articles WHERE slug = ?", (slug,)) as cur:
        row = await cur.fetchone()
    return Located(row["slug"], row["title"], Path(row["folder"]), row["review"]) if row else None


async def latest_version(store: Store, slug: str) -> SheetVersion | None:
    found = await versions(store, slug, limit=1)
    return found[0] if found else None


async def versions(store: Store, slug: str, limit: int | None = 25) -> list[SheetVersion]:
    """The article's versions, newest first (all of them with ``limit`` None)."""
    async with store.single.execute(
            "SELECT article, version, sha256, saved_at, user_id, action, counts, diff "
            "FROM sheet_versions WHERE article = ? ORDER BY version DESC LIMIT ?",
            (slug, -1 if limit is None else limit)) as cur:
        rows = await cur.fetchall()
    return [SheetVersion(r["article"], r["version"], r["sha256"], r["saved_at"], r["user_id"],
                         r["action"], json.loads(r["counts"]),
                         json.loads(r["diff"]) if r["diff"] else {}) for r in rows]


async def version_content(store: Store, slug: str, number: int) -> str | None:
    async with store.single.execute(
            "SELECT content FROM sheet_versions WHERE article = ? AND version = ?",
            (slug, number)) as cur:
        row = await cur.fetchone()
    return str(row["content"]) if row else None


async def record_version(store: Store, slug: str, content: str, action: VersionAction,
                         user_id: int | None, diff: dict[str, list[int]] | None = None) -> int:
    """Keep ``content`` as the article's next version, unless it is the latest one already;
    returns its number. Raises StoreError when the database cannot take it."""
    digest = sha256_of(content)
    at = store.clock().isoformat(timespec="seconds")
    try:
        async with store.writing() as writer:
            async with writer.execute(
                    "SELECT version, sha256 FROM sheet_versions WHERE article = ? "
                    "ORDER BY version DESC LIMIT 1", (slug,)) as cur:
                row = await cur.fetchone()
            if row is not None and row["sha256"] == digest and action == "found":
                return int(row["version"])
            number = (int(row["version"]) if row else 0) + 1
            await writer.execute(
                "INSERT INTO sheet_versions (article, version, sha256, content, saved_at, "
                "user_id, action, counts, diff) VALUES (?,?,?,?,?,?,?,?,?)",
                (slug, number, digest, content, at, user_id, action,
                 json.dumps(sheet_counts(content)), json.dumps(diff) if diff else None))
    except sqlite3.Error as exc:
        raise StoreError(f"could not keep the sheet's version: {exc}") from exc
    return number


async def log_action(store: Store, entry: DeskEntry) -> bool:
    """Append to the desk's audit trail; False (and the caller logs it) when the database
    cannot take it: the editor's action itself is not undone for that."""
    try:
        async with store.writing() as writer:
            await writer.execute(
                "INSERT INTO desk_log (at, user_id, guild_id, action, article, outcome, detail) "
                "VALUES (?,?,?,?,?,?,?)",
                (entry.at, entry.user_id, entry.guild_id, entry.action, entry.article,
                 entry.outcome, entry.detail))
    except sqlite3.Error:
        return False
    return True


async def recent_actions(store: Store, limit: int = 5) -> list[DeskEntry]:
    async with store.db.execute(
            "SELECT * FROM desk_log ORDER BY at DESC, id DESC LIMIT ?", (limit,)) as cur:
        rows = await cur.fetchall()
    return [DeskEntry(r["at"], r["user_id"], r["guild_id"], r["action"], r["article"],
                      r["outcome"], r["detail"]) for r in rows]
