"""The first load into an empty database fills the full-text index once, at the end, inside
its one transaction: same index as row by row, and nothing changed if it fails."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import storage.load.pipeline
import storage.store
from storage.store import Store
from tests.factory import failing_writes, write_sheet

ARTICLES = 9


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loads of more than two sheets stream, three at a time, read in a thread."""
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 2)
    monkeypatch.setattr(storage.load.pipeline, "BATCH", 3)
    monkeypatch.setattr(storage.load.pipeline, "worker_pool", lambda workers: None)


def write_corpus(root: Path, stance: str = "supports") -> None:
    for i in range(ARTICLES):
        write_sheet(root / f"a{i}", f"a{i}", positions=3, stance=stance)


async def one(store: Store, sql: str, params: tuple[Any, ...] = ()) -> Any:
    async with store.reader.execute(sql, params) as cur:
        row = await cur.fetchone()
    assert row is not None
    return row[0]


async def trigger_sql(store: Store) -> str | None:
    async with store.reader.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND name = 'facts_fts_insert'") as cur:
        row = await cur.fetchone()
    return None if row is None else str(row[0])


async def matches(store: Store, term: str) -> int:
    return int(await one(store, "SELECT count(*) FROM facts_fts WHERE facts_fts MATCH ?",
                         (f'"{term}"',)))


async def test_a_streamed_first_load_indexes_every_fact(
        tmp_path: Path, streamed: None) -> None:
    root = tmp_path / "seeds"
    write_corpus(root)
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        trigger = await trigger_sql(store)
        assert trigger is not None
        report = await store.load(root)
        assert len(report.loaded) == ARTICLES
        facts = int(await one(store, "SELECT count(*) FROM facts"))
        assert await matches(store, "alpha") == facts  # the actor of every position
        assert await matches(store, "supports") == ARTICLES * 3
        await store.writer.execute(
            "INSERT INTO facts_fts(facts_fts, rank) VALUES ('integrity-check', 1)")
        assert await trigger_sql(store) == trigger  # put back as it was
        # And it indexes what later loads write.
        write_sheet(root / "late", "late", positions=1, stance="opposes")
        await store.load(root)
        assert await matches(store, "opposes") == 1


async def test_a_failed_first_load_leaves_an_empty_database_with_its_trigger(
        tmp_path: Path, streamed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "seeds"
    write_corpus(root)
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        trigger = await trigger_sql(store)
        inserted: list[str] = []

        def second_batch(sql: str, _: int) -> bool:
            if sql.startswith("INSERT INTO facts "):
                inserted.append(sql)
            return len(inserted) == 2

        with failing_writes(store, second_batch), pytest.raises(RuntimeError,
                                                                 match="disk on fire"):
            await store.load(root)
        assert not store.writer.in_transaction
        assert await trigger_sql(store) == trigger
        for table in ("articles", "facts", "facts_fts"):
            assert await one(store, f"SELECT count(*) FROM {table}") == 0, table
        # The next try goes through, indexed.
        await store.load(root)
        assert await matches(store, "alpha") == int(await one(store, "SELECT count(*) FROM facts"))


async def test_a_load_into_a_database_with_facts_keeps_the_trigger(
        tmp_path: Path, streamed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "seeds"
    write_corpus(root)
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.load(root)
        ran: list[str] = []
        real = store.writer.execute

        async def recording(sql: str, *args: Any) -> Any:
            ran.append(sql)
            return await real(sql, *args)

        monkeypatch.setattr(store.writer, "execute", recording)
        write_corpus(root, stance="opposes")
        await store.load(root)
        assert await matches(store, "opposes") == ARTICLES * 3
        assert await matches(store, "supports") == 0
        assert not any("DROP" in sql for sql in ran)


@pytest.mark.parametrize("cores", [2, 4])
async def test_a_reload_leaves_a_core_to_the_bot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int) -> None:
    """The first load reads with every core; a reload, while the bot answers, with one less."""
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 2)
    monkeypatch.setattr(storage.load.pipeline, "BATCH", 3)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    asked: list[int] = []

    def pool(workers: int) -> None:
        asked.append(workers)  # and no processes: a thread reads

    monkeypatch.setattr(storage.load.pipeline, "worker_pool", pool)
    write_corpus(tmp_path / "seeds")
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.load(tmp_path / "seeds")
        await store.load(tmp_path / "seeds", only_changed=False)
    assert asked == [cores, cores - 1]
