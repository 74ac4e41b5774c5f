"""After a load, its name indexes are built in the background, ahead of the first answer; and
a statement read outside any snapshot never lands in another task's snapshot."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from storage import names, queries
from storage.digest import DigestConfig, get_config, save_config
from storage.store import READERS, Store, lazy_snapshot
from tests.storage.test_store import P7_STANCE, edit


async def warmed(store: Store) -> None:
    assert names._warming[store].generation == store.generation
    await names.warmed(store)


async def test_a_load_builds_its_name_indexes_ahead(store: Store, seeds: Path,
                                                   seed_folder: Path) -> None:
    await warmed(store)
    generation, built = names._cache[store]
    assert generation == store.generation
    assert set(built) == set(names.ENTITIES)
    assert "_vocabulary" in vars(built["actor"])  # the lookup structures too

    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    assert names._cache[store][0] == store.generation


async def test_an_answer_during_the_build_waits_for_it_instead_of_building_twice(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    build_on = names._build_on

    def counting(conn: sqlite3.Connection, entity: str) -> names.NameIndex:
        built.append(entity)
        return build_on(conn, entity)

    monkeypatch.setattr(names, "_build_on", counting)
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.load(seeds)
        answer = await queries.positions(store, actor="Peskov")  # while the build runs
        assert answer.items
        await warmed(store)
        assert sorted(built) == sorted(names.ENTITIES)  # each once


async def test_a_dry_run_builds_nothing_and_closing_stops_a_build(
        tmp_path: Path, seeds: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.load(seeds, dry_run=True)
    assert store not in names._warming
    await store.load(seeds)
    task = names._warming[store].task
    await store.close()  # at once, mid-build
    assert task.done()
    assert store not in names._warming


async def test_a_read_outside_any_snapshot_sees_the_latest_commit(store: Store) -> None:
    config = DigestConfig(1, 2, "08:00", "UTC", False, True, 0)
    release = asyncio.Event()
    all_begun = asyncio.Event()
    begun: list[int] = []

    async def answering() -> int:
        async with store.read() as conn:  # other tasks' snapshots, begun before the write
            async with conn.execute("SELECT count(*) FROM digest_settings") as cur:
                row = await cur.fetchone()
            begun.append(1)
            if len(begun) == READERS:
                all_begun.set()
            await release.wait()
            async with conn.execute("SELECT count(*) FROM digest_settings") as cur:
                again = await cur.fetchone()
            assert row is not None
            assert again is not None
            return int(again[0])

    await warmed(store)
    tasks = [asyncio.create_task(answering()) for _ in range(READERS)]  # every pooled one
    await all_begun.wait()
    await save_config(store, config, user_id=3)  # read back outside any snapshot
    saved = await get_config(store, 1)
    assert saved is not None
    assert saved.channel_id == 2
    release.set()
    assert await asyncio.gather(*tasks) == [0] * READERS  # their snapshots kept their facts


async def test_an_answer_cancelled_while_waiting_leaves_the_build_alone(
        tmp_path: Path, seeds: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.load(seeds)
        waiting = asyncio.create_task(queries.positions(store, actor="Peskov"))
        await asyncio.sleep(0)  # now waiting for the actor index
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await warmed(store)
        assert set(names._cache[store][1]) == set(names.ENTITIES)
        assert (await queries.positions(store, actor="Peskov")).items
    assert "not built ahead" not in caplog.text


async def test_an_answer_cancelled_with_a_statement_in_flight_leaves_its_connection_clean(
        store: Store) -> None:
    """The statement runs after the answer is gone (it BEGINs the snapshot on the
    connection's thread): the connection must not go back to the pool inside it."""
    started, go_on = threading.Event(), threading.Event()

    def held(conn: sqlite3.Connection) -> None:
        started.set()
        go_on.wait()
        conn.execute("SELECT count(*) FROM facts").fetchall()

    @lazy_snapshot
    async def answer(store: Store) -> None:
        await store.call(held)  # not its last statement: the snapshot stays open after it

    task = asyncio.create_task(answer(store))
    await asyncio.to_thread(started.wait)
    task.cancel()
    go_on.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(2 * READERS):  # every pooled connection, twice over
        assert (await queries.positions(store, actor="Peskov")).items
    for conn in store.readers:
        assert not conn.in_transaction


async def test_a_newer_load_stops_the_older_build(store: Store, seeds: Path,
                                                 seed_folder: Path) -> None:
    older = names._warming[store].task
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    assert older.done()
    assert names._cache[store][0] == store.generation
    assert set(names._cache[store][1]) == set(names.ENTITIES)
