"""What /status reports from the store: facts loaded, recent reloads, database size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.connections import snapshot
from storage.desk import DeskEntry, recent_actions
from storage.reload import ReloadEntry, recent_reloads
from storage.store import Store


@dataclass(frozen=True)
class StoreStatus:
    articles: int
    facts: dict[str, int]
    reloads: tuple[ReloadEntry, ...]
    database_bytes: int
    schema_version: int
    desk: tuple[DeskEntry, ...] = ()  # the editors' desk's last actions


@snapshot
async def store_status(store: Store, reloads: int = 5) -> StoreStatus:
    db = store.db
    async with db.execute("SELECT count(*) FROM articles") as cur:
        row = await cur.fetchone()
        articles = int(row[0]) if row else 0
    async with db.execute("SELECT kind, count(*) AS n FROM facts GROUP BY kind") as cur:
        facts = {r["kind"]: int(r["n"]) async for r in cur}
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
        version = int(row[0]) if row else 0
    size = sum(p.stat().st_size for p in _files(store.path) if p.exists())
    return StoreStatus(articles, facts, tuple(await recent_reloads(store, reloads)), size, version,
                       tuple(await recent_actions(store, reloads)))


def _files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
