"""After a load, its name indexes are built in the background, ahead of the first answer; and
a statement read outside any snapshot never lands in another task's snapshot."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

import storage.names.cache
from storage import names, queries
from storage.connections import READERS, lazy_snapshot, on_thread
from storage.digest import DigestConfig, get_config, save_config
from storage.store import Store
from tests.storage.test_store import P7_STANCE, edit


def building(store: Store) -> asyncio.Task[None]:
    """The build ahead of the store's latest load."""
    warming = store.names.warming
    assert warming is not None
    return warming.task


async def warmed(store: Store) -> None:
    assert store.names.warming is not None
    assert store.names.warming.generation == store.generation
    await store.names.warmed()


async def test_a_load_builds_its_name_indexes_ahead(store: Store, seeds: Path,
                                                   seed_folder: Path) -> None:
    await warmed(store)
    generation, built = store.names.generation, store.names.cached()
    assert generation == store.generation
    assert set(built) == set(names.ENTITIES)
    assert "_vocabulary" in vars(built["actor"])  # the lookup structures too

    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    assert store.names.generation == store.generation


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The entities whose index is built from the database from now on, in order."""
    entities: list[str] = []
    build_on = names.build_index

    def counting(conn: sqlite3.Connection, entity: str) -> names.NameIndex:
        entities.append(entity)
        return build_on(conn, entity)

    monkeypatch.setattr(storage.names.cache, "build_index", counting)
    return entities


async def test_an_answer_during_the_build_waits_for_it_instead_of_building_twice(
        tmp_path: Path, seeds: Path, built: list[str]) -> None:
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
    assert store.names.warming is None
    await store.load(seeds)
    task = building(store)
    await store.close()  # at once, mid-build
    assert task.done()
    assert store.names.warming is None


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
        assert set(store.names.cached()) == set(names.ENTITIES)
        assert (await queries.positions(store, actor="Peskov")).items
    assert "not built ahead" not in caplog.text


@contextlib.asynccontextmanager
async def threads_busy(conns: list[aiosqlite.Connection]) -> AsyncIterator[threading.Event]:
    """Each connection's thread held in a call until the event is set: whatever is sent to
    them meanwhile only queues."""
    release = threading.Event()
    started = [threading.Event() for _ in conns]

    def hold(_: sqlite3.Connection, begun: threading.Event) -> None:
        begun.set()
        release.wait()

    held = [asyncio.ensure_future(on_thread(conn, hold, begun))
            for conn, begun in zip(conns, started, strict=True)]
    try:
        for begun in started:
            await asyncio.to_thread(begun.wait)
        yield release
    finally:
        release.set()
        await asyncio.gather(*held)


async def answers_work(store: Store) -> None:
    for _ in range(2 * READERS):  # every pooled connection, twice over
        assert (await queries.positions(store, actor="Peskov")).items
    for conn in store.readers:
        assert not conn.in_transaction


async def cancelled_while_queued(store: Store, reading: Coroutine[Any, Any, None]) -> None:
    """Start ``reading`` with every pooled connection's thread busy, so that what its first
    step sends only queues; cancel it; let the threads go; then answers must still work."""
    await warmed(store)  # the pool is the answers' alone
    async with threads_busy(store.readers) as release:
        task = asyncio.create_task(reading)
        await asyncio.sleep(0)  # its first step takes a connection and sends a statement
        assert store.idle_readers == READERS - 1
        task.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
    await answers_work(store)


async def test_an_answer_cancelled_with_a_statement_queued_leaves_its_connection_clean(
        store: Store) -> None:
    """The statement runs after the answer is gone (it BEGINs the snapshot on the
    connection's thread): the connection must not go back to the pool inside it."""
    ran = threading.Event()

    def statement(conn: sqlite3.Connection) -> None:
        ran.set()
        conn.execute("SELECT count(*) FROM facts").fetchall()

    @lazy_snapshot
    async def answer(store: Store) -> None:
        await store.call(statement)  # not its last statement: the snapshot stays open after it

    await cancelled_while_queued(store, answer(store))
    assert ran.is_set()  # it did run, after the answer was cancelled


async def test_a_snapshot_cancelled_before_its_begin_ran_leaves_its_connection_clean(
        store: Store) -> None:
    entered = False

    async def reading() -> None:
        nonlocal entered
        async with store.read():
            entered = True

    await cancelled_while_queued(store, reading())  # with its BEGIN queued
    assert not entered


async def test_answers_waiting_for_the_build_never_hold_what_it_needs(
        store: Store, seeds: Path, seed_folder: Path) -> None:
    """Answers queued for the pool when a load commits take every pooled connection, then
    wait for the build of the new load's index: the build must not need one of them."""
    await warmed(store)
    release, all_held = asyncio.Event(), asyncio.Event()
    holding: list[int] = []

    async def holder() -> None:
        async with store.read():
            holding.append(1)
            if len(holding) == READERS:
                all_held.set()
            await release.wait()

    holders = [asyncio.create_task(holder()) for _ in range(READERS)]
    await all_held.wait()
    answers = [asyncio.create_task(queries.positions(store, actor="Peskov"))
               for _ in range(READERS)]  # queued for the pool
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)  # the build of its indexes starts
    release.set()  # the queued answers take the pool, at the new load's generation
    done, pending = await asyncio.wait(answers, timeout=30)  # a guard, never reached if sound
    for task in pending:
        task.cancel()
    assert not pending, "the answers and the build waited for each other"
    assert all(task.result().items for task in done)
    await asyncio.gather(*holders)
    await warmed(store)
    assert store.names.generation == store.generation


async def test_an_answer_from_before_a_load_never_replaces_the_newer_index(
        store: Store, seeds: Path, seed_folder: Path) -> None:
    release, begun = asyncio.Event(), asyncio.Event()

    async def older_answer() -> names.NameIndex:
        async with store.read():
            begun.set()
            await release.wait()  # a load commits meanwhile
            return await store.names.index("actor")

    task = asyncio.create_task(older_answer())
    await begun.wait()
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    newer = store.names.cached()
    release.set()
    older = await task
    assert older is not newer["actor"]  # built from its own snapshot
    assert older.resolve("Peskov")
    assert store.names.cached()["actor"] is newer["actor"]
    assert store.names.generation == store.generation


async def test_a_build_cancelled_before_it_began_leaves_nobody_waiting(store: Store) -> None:
    await warmed(store)
    store.names.start()  # as a load does, for the generation answers will read at
    warming = store.names.warming
    assert warming is not None
    warming.task.cancel()  # before its first step
    answer = asyncio.create_task(queries.positions(store, actor="Peskov"))
    done, _ = await asyncio.wait([answer], timeout=30)  # a guard, never reached if sound
    assert done, "the answer waited for a build that never ran"
    assert answer.result().items
    assert warming.task.cancelled()
    assert all(future.done() for future in warming.built.values())


async def test_closing_cancelled_while_it_stops_the_build_is_cancelled(
        tmp_path: Path, seeds: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    # The builder's thread held: the build cannot end before it is stopped (the load hands
    # memory back after starting it, long enough for a small build to finish).
    async with threads_busy([store.builder]):
        await store.load(seeds)
        build = building(store)
        closing = asyncio.create_task(store.names.stop())
        await asyncio.sleep(0)  # it has cancelled the build and waits for it to end
        assert not build.done()
        closing.cancel()
        with pytest.raises(asyncio.CancelledError):  # the caller's cancellation, not swallowed
            await closing
    await asyncio.wait([build])
    await store.close()


async def test_a_newer_load_stops_the_older_build(store: Store, seeds: Path,
                                                 seed_folder: Path) -> None:
    older = building(store)
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    assert older.done()
    assert store.names.generation == store.generation
    assert set(store.names.cached()) == set(names.ENTITIES)


async def test_a_load_that_changes_no_name_keeps_the_indexes_it_did_not_change(
        store: Store, seeds: Path, seed_folder: Path, built: list[str]) -> None:
    await warmed(store)
    before = dict(store.names.cached())
    assert (await queries.positions(store, actor="Russia")).items  # a roll-up remembered
    assert before["actor"].rollup(("russia",)) is not None
    built.clear()  # what the first load built
    # An editor's correction to a fact: no name added, gone or shown otherwise.
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    assert built == []
    after = store.names.cached()
    assert store.names.generation == store.generation
    for entity in names.ENTITIES:
        assert after[entity] == before[entity]
        assert after[entity].keys_by_folded is before[entity].keys_by_folded
    assert after["actor"].rollup(("russia",)) is None  # affiliations may change without names

    # An actor's affiliation changed: its roll-ups follow, from the same names.
    edit(seed_folder / "facts.toml", 'role = "Russian President"\naffiliation = "russia"',
         'role = "Russian President"\naffiliation = "us"')
    await store.load(seeds)
    await warmed(store)
    assert built == []
    russia = await queries.positions(store, actor="Russia")
    assert all(item.actor != "putin" for item in russia.items)
    assert any(item.actor == "putin" for item in (await queries.positions(store, actor="US")).items)


@pytest.mark.parametrize(("old", "new", "entity"), [
    ('name = "Vladimir Putin"', 'name = "Vladimir V. Putin"', "actor"),  # shown otherwise
    ('aliases = ["Putin"]', 'aliases = ["Putin", "V.V.P."]', "actor"),  # a name added
    ('aliases = ["Peskov", "Dmitri Peskov"]', 'aliases = ["Peskov"]', "actor"),  # one gone
])
async def test_a_load_that_changes_names_rebuilds_that_index(
        store: Store, seeds: Path, seed_folder: Path, old: str, new: str, entity: str) -> None:
    await warmed(store)
    before = store.names.cached()[entity]
    edit(seed_folder / "facts.toml", old, new)
    await store.load(seeds)
    await warmed(store)
    after = store.names.cached()[entity]
    assert after != before
    assert after == await store.call(names.build_index, entity)
    assert after.keys_by_folded is not before.keys_by_folded


async def test_a_new_title_rebuilds_the_article_index_only(
        store: Store, seeds: Path, seed_folder: Path) -> None:
    await warmed(store)
    before = dict(store.names.cached())
    text = (seed_folder / "facts.toml").read_text(encoding="utf-8")
    title = text.split('title = "', 1)[1].split('"', 1)[0]
    # A new title is no longer the article's first line: the sheet says it is a headline.
    edit(seed_folder / "facts.toml", f'title = "{title}"\ntitle_source = "first-line"',
         f'title = "{title}, updated"')
    await store.load(seeds)
    await warmed(store)
    after = store.names.cached()
    assert after["article"] != before["article"]
    assert after["article"] == await store.call(names.build_index, "article")
    assert after["actor"].keys_by_folded is before["actor"].keys_by_folded
    assert after["topic"].keys_by_folded is before["topic"].keys_by_folded


@pytest.mark.parametrize("changed", [True, False])
async def test_a_load_by_another_process_is_never_hidden_by_a_kept_index(
        store: Store, seeds: Path, seed_folder: Path, tmp_path: Path, changed: bool) -> None:
    """`newsbot load` run while the bot is up: the bot's next load finds the files as the
    other one left them, yet its cached indexes predate that load."""
    await warmed(store)
    text = (seed_folder / "facts.toml").read_text(encoding="utf-8")
    title = text.split('title = "', 1)[1].split('"', 1)[0]
    edit(seed_folder / "facts.toml", f'title = "{title}"\ntitle_source = "first-line"',
         'title = "Brand New Title"')
    async with await Store.open(store.path) as other:  # another process's store
        await other.load(seeds)
    if changed:  # and something else for this load to write
        edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    index = store.names.cached()["article"]
    assert index == await store.call(names.build_index, "article")
    assert index.resolve("Brand New Title")


async def test_this_stores_own_writes_keep_the_indexes(store: Store, seeds: Path,
                                                     seed_folder: Path, built: list[str]) -> None:
    await warmed(store)
    await save_config(store, DigestConfig(1, 2, "08:00", "UTC", False, True, 0), user_id=3)
    built.clear()
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    await store.load(seeds)
    await warmed(store)
    assert built == []
