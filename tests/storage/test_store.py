"""The store: migrations, loads and their diffs, refusals, atomicity and locking."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

import storage.db
import storage.load.pipeline
import storage.rows
import storage.store
from storage import queries
from storage.connections import READERS
from storage.db import StoreError, migrate
from storage.load import KindDiff, LoadReport
from storage.model import DIFF_KINDS, Sheet
from storage.rows import SheetRows
from storage.sheets import SheetError
from storage.store import Store
from tests.factory import failing_writes
from tests.storage.names.test_directory import assert_directory_is_the_scan

SLUG = "kremlin-peacekeepers"
SECOND = "second-story"
TABLES = ("articles", "actors", "topics", "names", "facts", "fact_actors")
MIGRATIONS = Path(storage.db.__file__).resolve().parent / "migrations"

# What the seed sheet holds, per kind of diff entry.
SEED_COUNTS = {"article": 1, "actor": 13, "topic": 8, "position": 12, "quote": 2, "claim": 3,
               "response": 3, "question": 13, "event": 5}

P7_STANCE = 'id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\nstance = "unclear"'
P7_SUMMARY = 'summary = "Seemed to downplay the discussion of peacekeepers in a recent interview."'

SECOND_ARTICLE = (
    "Bridge to open in May\n"
    "Mayor Ana Lopes said the new bridge would open in May. “We are ready to cut the ribbon,” "
    "Lopes told reporters on Friday. Critics questioned the cost.\n"
)
SECOND_FACTS = """\
[article]
slug = "second-story"
title = "Bridge to open in May"
outlet = "Test Gazette"
published = 2025-03-01
language = "en"

[[actors]]
id = "lopes"
name = "Ana Lopes"
kind = "person"
aliases = ["Lopes", "Mayor Lopes"]
role = "Mayor"
evidence = "Mayor Ana Lopes"

[[topics]]
id = "bridge"
name = "The new bridge"
aliases = ["bridge"]

[[positions]]
id = "p1"
actor = "lopes"
topic = "bridge"
stance = "supports"
summary = "Says the new bridge will open in May."
evidence = "Mayor Ana Lopes said the new bridge would open in May."

[[quotes]]
id = "q1"
speaker = "lopes"
text = "We are ready to cut the ribbon"
cue = "told reporters"
topic = "bridge"
evidence = "“We are ready to cut the ribbon,” Lopes told reporters on Friday."

[[questions]]
id = "oq1"
question = "How much will the bridge cost?"
status = "open"
topic = "bridge"
actors = ["lopes"]
evidence = "Critics questioned the cost."

[[timeline]]
id = "t1"
when = "Friday"
event = "Lopes tells reporters the bridge is ready."
actors = ["lopes"]
evidence = "Lopes told reporters on Friday."
"""


# --- helpers ----------------------------------------------------------------------------

def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected exactly one {old!r} in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def write_second(seeds: Path) -> Path:
    folder = seeds / SECOND
    folder.mkdir()
    (folder / "article.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    (folder / "facts.toml").write_text(SECOND_FACTS, encoding="utf-8")
    return folder


def changes(report: LoadReport) -> dict[str, KindDiff]:
    return {kind: diff for kind, diff in report.diff.items() if not diff.empty}


def fid(local: str, slug: str = SLUG) -> str:
    return f"{slug}/{local}"


async def scalar(conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    async with conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    assert row is not None
    return row[0]


async def row_counts(store: Store) -> dict[str, int]:
    return {table: int(await scalar(store.reader, f"SELECT count(*) FROM {table}"))
            for table in TABLES}


async def article_rows(store: Store, slug: str) -> dict[str, int]:
    sql = {
        "articles": "SELECT count(*) FROM articles WHERE slug = ?",
        "actors": "SELECT count(*) FROM actors WHERE article = ?",
        "topics": "SELECT count(*) FROM topics WHERE article = ?",
        "names": "SELECT count(*) FROM names WHERE article = ?",
        "facts": "SELECT count(*) FROM facts WHERE article = ?",
        "fact_actors": "SELECT count(*) FROM fact_actors WHERE fact LIKE ? || '/%'",
    }
    return {table: int(await scalar(store.reader, q, (slug,))) for table, q in sql.items()}


async def answers(store: Store) -> dict[str, object]:
    """The full results of a spread of queries, to compare before and after."""
    return {
        "positions": await queries.positions(store),
        "positions_russia": await queries.positions(store, actor="Russia"),
        "quotes": await queries.quotes(store),
        "claims": await queries.claims(store),
        "questions": await queries.questions(store),
        "timeline": await queries.timeline(store),
        "articles": await queries.articles(store),
        "search_tass": await queries.search(store, "TASS"),
        "search_peacekeepers": await queries.search(store, "peacekeepers"),
        "who": await queries.who(store, "Peskov"),
        "source": await queries.source(store, fid("p2")),
        "ids": await queries.fact_ids(store, "", limit=10_000),
    }


async def assert_untouched(store: Store, before: dict[str, object], counts: dict[str, int],
                           generation: int) -> None:
    """A load that failed left everything as it was: no transaction open, the same facts
    answering, the same rows, no new generation."""
    assert not store.writer.in_transaction
    assert store.generation == generation
    assert await answers(store) == before
    assert await row_counts(store) == counts


async def assert_p7_applies(store: Store, seeds: Path) -> None:
    """The load a test made fail (p7 edited to "opposes") now goes through."""
    report = await store.load(seeds)
    assert changes(report) == {"position": KindDiff(changed=(fid("p7"),))}
    assert await stance(store, fid("p7")) == "opposes"


async def stance(store: Store, fact_id: str) -> str:
    answer = await queries.positions(store)
    return {p.fact_id: p.stance for p in answer.items}[fact_id]


def migration_files() -> list[Path]:
    return sorted(p for p in MIGRATIONS.iterdir() if re.fullmatch(r"\d{4}_\w+\.sql", p.name))


# --- migrations ---------------------------------------------------------------------------

async def test_new_database_is_migrated_to_the_last_migration(empty_store):
    files = migration_files()
    assert files
    assert len(storage.db.migrations()) == len(files)
    for conn in (empty_store.writer, empty_store.reader):
        assert await scalar(conn, "PRAGMA user_version") == len(files)
        assert str(await scalar(conn, "PRAGMA journal_mode")).lower() == "wal"
        assert await scalar(conn, "PRAGMA foreign_keys") == 1
    tables = {row[0] for row in await (await empty_store.reader.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")).fetchall()}
    assert set(TABLES) | {"facts_fts"} <= tables


async def test_reopening_does_not_reapply_migrations(tmp_path, seeds):
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as first:
        await first.load(seeds)
        counts = await row_counts(first)
        before = await answers(first)
    # Re-running 0001 would fail on CREATE TABLE (and wipe nothing silently): it must not run.
    async with await Store.open(path) as again:
        assert await scalar(again.writer, "PRAGMA user_version") == len(migration_files())
        assert await migrate(again.writer) == len(migration_files())
        assert await row_counts(again) == counts
        assert await answers(again) == before
        report = await again.load(seeds)
        assert report.unchanged == (SLUG,)
        assert not report.changed_anything


def make_newer(path: Path) -> int:
    newer = len(migration_files()) + 1
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA user_version = {newer}")
    finally:
        conn.close()
    return newer


@pytest.fixture
async def connections(monkeypatch) -> AsyncIterator[list[aiosqlite.Connection]]:
    """Every aiosqlite connection made; whatever is still open is closed at teardown."""
    opened: list[aiosqlite.Connection] = []
    real_connect = aiosqlite.connect

    def recording(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
        made = real_connect(*args, **kwargs)
        opened.append(made)
        return made

    monkeypatch.setattr(aiosqlite, "connect", recording)
    try:
        yield opened
    finally:
        for made in opened:
            await made.close()


async def test_newer_database_is_refused(tmp_path, seeds, connections):
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as first:
        await first.load(seeds)
    newer = make_newer(path)
    with pytest.raises(StoreError):
        await Store.open(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == newer
        assert conn.execute("SELECT count(*) FROM facts WHERE article = ?", (SLUG,)).fetchone()[0] > 0
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["newer-schema", "not-a-database"])
async def test_refused_open_closes_its_connections(tmp_path, connections, damage):
    path = tmp_path / "db.sqlite3"
    if damage == "newer-schema":
        async with await Store.open(path):
            pass
        make_newer(path)
    else:
        path.write_bytes(b"this is not an SQLite database, just some text " * 100)
    connections.clear()
    with pytest.raises(StoreError):
        await Store.open(path)
    assert connections
    for made in connections:
        # A connection left open here leaks a non-daemon worker thread and a file handle.
        with pytest.raises(ValueError, match=r"(?i)connection"):
            await made.execute("SELECT 1")


@pytest.mark.parametrize("fail_at", range(1, READERS + 3))  # the pool, single, builder
async def test_open_failing_on_a_reader_closes_every_connection(tmp_path, connections, monkeypatch, fail_at):
    real_connect = storage.db.connect
    read_only_calls = 0

    async def flaky(p: Path, *, read_only: bool = False) -> aiosqlite.Connection:
        nonlocal read_only_calls
        if read_only:
            read_only_calls += 1
            if read_only_calls == fail_at:
                raise sqlite3.OperationalError("disk I/O error")
        return await real_connect(p, read_only=read_only)

    monkeypatch.setattr(storage.connections, "connect", flaky)
    try:
        opened = await Store.open(tmp_path / "db.sqlite3")
    except StoreError:
        pass
    else:
        await opened.close()
        raise AssertionError(f"the store opened without its read-only connection {fail_at}")
    assert connections
    for made in connections:
        with pytest.raises(ValueError, match=r"(?i)connection"):
            await made.execute("SELECT 1")


# --- loads and diffs ----------------------------------------------------------------------

async def test_first_load_adds_everything(empty_store, seeds):
    report = await empty_store.load(seeds)
    assert report.loaded == (SLUG,)
    assert report.unchanged == ()
    assert report.removed == ()
    assert not report.dry_run
    assert report.changed_anything
    assert set(report.diff) == set(DIFF_KINDS)
    assert {kind: len(d.added) for kind, d in report.diff.items()} == SEED_COUNTS
    assert all(not d.changed and not d.removed for d in report.diff.values())
    assert report.diff["article"].added == (SLUG,)
    assert fid("peskov") in report.diff["actor"].added
    assert fid("peacekeepers") in report.diff["topic"].added
    # Positions are stored by topic, in the order the sheet declares its topics.
    assert report.diff["position"].added == tuple(fid(f"p{i}") for i in (
        1, 2, 4, 5, 6, 7, 3, 9, 10, 11, 8, 12))
    assert report.diff["quote"].added == (fid("q1"), fid("q2"))
    assert report.diff["claim"].added == (fid("c1"), fid("c2"), fid("c3"))
    assert report.diff["response"].added == tuple(fid(f"c1/r{i}") for i in range(1, 4))
    # In the sheet's order, which lists oq12 and oq13, then oq10 and oq11 before oq9.
    assert report.diff["question"].added == (*(fid(f"oq{i}") for i in range(1, 9)), fid("oq12"),
                                             fid("oq13"), fid("oq10"), fid("oq11"), fid("oq9"))
    assert report.diff["event"].added == tuple(fid(f"t{i}") for i in range(1, 6))
    assert empty_store.generation == 1


async def test_second_load_skips_unchanged_sheet(store, seeds):
    counts = await row_counts(store)
    before = await answers(store)
    report = await store.load(seeds)
    assert report.loaded == ()
    assert report.unchanged == (SLUG,)
    assert report.removed == ()
    assert not report.changed_anything
    assert changes(report) == {}
    assert await row_counts(store) == counts
    assert await answers(store) == before


async def test_full_reload_of_unchanged_sheet_changes_nothing(store, seeds):
    before = await answers(store)
    report = await store.load(seeds, only_changed=False)
    assert report.loaded == (SLUG,)
    assert not report.changed_anything
    assert await answers(store) == before


async def test_editing_a_stance_changes_exactly_that_position(store, seeds, seed_folder):
    ids = await queries.fact_ids(store, "", limit=10_000)
    assert await stance(store, fid("p7")) == "unclear"
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    report = await store.load(seeds)
    assert report.loaded == (SLUG,)
    assert changes(report) == {"position": KindDiff(changed=(fid("p7"),))}
    assert await queries.fact_ids(store, "", limit=10_000) == ids
    answer = await queries.positions(store, actor="Putin", topic="peacekeepers")
    assert [(p.fact_id, p.stance) for p in answer.items] == [(fid("p7"), "opposes")]


async def test_removing_a_quote_shows_it_removed(store, seeds, seed_folder):
    facts = seed_folder / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    start = text.index('[[quotes]]\nid = "q2"')
    end = text.index("\n# ---", start)
    facts.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    report = await store.load(seeds)
    assert changes(report) == {"quote": KindDiff(removed=(fid("q2"),))}
    assert [q.fact_id for q in (await queries.quotes(store)).items] == [fid("q1")]
    assert (await queries.quotes(store, speaker="Lavrov")).items == ()
    assert (await queries.source(store, fid("q2"))).not_found is not None


async def test_adding_a_quote_shows_it_added(store, seeds, seed_folder):
    new_quote = (
        '[[quotes]]\nid = "q3"\nspeaker = "trump"\ntext = "not looking for more war"\n'
        'cue = "claimed"\nevidence = "“If we do this deal, he’s not looking for more war,” '
        'Trump claimed"\n\n'
    )
    edit(seed_folder / "facts.toml", "[[claims]]\nid = \"c1\"", new_quote + "[[claims]]\nid = \"c1\"")
    report = await store.load(seeds)
    assert changes(report) == {"quote": KindDiff(added=(fid("q3"),))}
    answer = await queries.quotes(store, contains="not looking for more war")
    assert [q.fact_id for q in answer.items] == [fid("q1"), fid("q3")]


BROKEN = [
    pytest.param('text = "unacceptable"', 'text = "utterly unacceptable"', "quotes[2].text",
                 id="quote-not-verbatim"),
    pytest.param('speaker = "lavrov"', 'speaker = "lavrof"', "quotes[2].speaker", id="unknown-actor"),
    pytest.param(P7_STANCE, P7_STANCE.replace('"unclear"', '"unsure"'), "positions[7].stance",
                 id="unknown-stance"),
    pytest.param('cue = "according to"', 'cue = "according to', None, id="toml-syntax"),
]


@pytest.mark.parametrize(("old", "new", "path"), BROKEN)
@pytest.mark.parametrize("only_changed", [True, False])
async def test_broken_sheet_is_refused_and_old_facts_answer_identically(
        store, seeds, seed_folder, old, new, path, only_changed):
    before = await answers(store)
    counts = await row_counts(store)
    generation = store.generation
    edit(seed_folder / "facts.toml", old, new)
    with pytest.raises(SheetError) as info:
        await store.load(seeds, only_changed=only_changed)
    assert info.value.problems
    if path is not None:
        assert path in {p.path for p in info.value.problems}
    assert await answers(store) == before
    assert await row_counts(store) == counts
    assert store.generation == generation
    # Repairing the sheet loads cleanly again.
    edit(seed_folder / "facts.toml", new, old)
    report = await store.load(seeds, only_changed=only_changed)
    assert not report.changed_anything


async def test_one_broken_sheet_blocks_a_valid_change_in_another(store, seeds, seed_folder):
    before = await answers(store)
    counts = await row_counts(store)
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    second = write_second(seeds)
    edit(second / "facts.toml", 'actor = "lopes"\ntopic = "bridge"', 'actor = "nobody"\ntopic = "bridge"')
    with pytest.raises(SheetError):
        await store.load(seeds)
    assert await answers(store) == before
    assert await row_counts(store) == counts
    assert await stance(store, fid("p7")) == "unclear"


async def test_dry_run_computes_the_diff_and_changes_nothing(store, seeds, seed_folder):
    before = await answers(store)
    counts = await row_counts(store)
    generation = store.generation
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    write_second(seeds)
    report = await store.load(seeds, dry_run=True)
    assert report.dry_run
    assert set(report.loaded) == {SLUG, SECOND}
    expected = changes(report)
    assert expected["position"] == KindDiff(added=(fid("p1", SECOND),), changed=(fid("p7"),))
    assert expected["article"] == KindDiff(added=(SECOND,))
    assert await answers(store) == before
    assert await row_counts(store) == counts
    assert store.generation == generation
    # The dry run did not record the new content hashes: the real load finds the same diff.
    real = await store.load(seeds)
    assert not real.dry_run
    assert changes(real) == expected
    assert await stance(store, fid("p7")) == "opposes"


async def test_dry_run_of_a_removal_changes_nothing(store, seeds):
    write_second(seeds)
    await store.load(seeds)
    before = await answers(store)
    shutil.rmtree(seeds / SECOND)
    report = await store.load(seeds, dry_run=True)
    assert report.removed == (SECOND,)
    assert changes(report)["article"] == KindDiff(removed=(SECOND,))
    assert await answers(store) == before
    assert (await article_rows(store, SECOND))["facts"] > 0


async def test_removed_folder_removes_its_facts_on_full_load(store, seeds):
    counts = await row_counts(store)
    write_second(seeds)
    report = await store.load(seeds)
    assert report.loaded == (SECOND,)
    assert report.unchanged == (SLUG,)
    assert changes(report)["article"] == KindDiff(added=(SECOND,))
    assert [a.ref.slug for a in (await queries.articles(store)).items] == [SECOND, SLUG]

    shutil.rmtree(seeds / SECOND)
    report = await store.load(seeds)
    assert report.removed == (SECOND,)
    assert report.loaded == ()
    assert changes(report) == {
        "article": KindDiff(removed=(SECOND,)),
        "actor": KindDiff(removed=(fid("lopes", SECOND),)),
        "topic": KindDiff(removed=(fid("bridge", SECOND),)),
        "position": KindDiff(removed=(fid("p1", SECOND),)),
        "quote": KindDiff(removed=(fid("q1", SECOND),)),
        "question": KindDiff(removed=(fid("oq1", SECOND),)),
        "event": KindDiff(removed=(fid("t1", SECOND),)),
    }
    assert set((await article_rows(store, SECOND)).values()) == {0}
    assert await row_counts(store) == counts
    assert [a.ref.slug for a in (await queries.articles(store)).items] == [SLUG]
    assert (await queries.who(store, "Ana Lopes")).not_found is not None


async def test_loading_one_article_folder_does_not_remove_others(store, seeds, seed_folder):
    second = write_second(seeds)
    report = await store.load(second)
    assert report.loaded == (SECOND,)
    assert report.removed == ()
    assert {a.ref.slug for a in (await queries.articles(store)).items} == {SLUG, SECOND}

    report = await store.load(seed_folder, only_changed=False)
    assert report.loaded == (SLUG,)
    assert report.removed == ()
    assert (await article_rows(store, SECOND))["facts"] == 4

    # Even with the other folder gone, a single-folder load (or its facts.toml) removes nothing.
    seed_facts = await article_rows(store, SLUG)
    shutil.rmtree(seed_folder)
    for root in (second, second / "facts.toml"):
        report = await store.load(root, only_changed=False)
        assert report.loaded == (SECOND,)
        assert report.removed == ()
        assert await article_rows(store, SLUG) == seed_facts
    answer = await queries.quotes(store, speaker="Trump")
    assert [q.fact_id for q in answer.items] == [fid("q1")]


async def test_short_id_is_ambiguous_across_articles(store, seeds):
    write_second(seeds)
    await store.load(seeds)
    answer = await queries.source(store, "q1")
    assert answer.not_found is not None
    assert set(answer.not_found.suggestions) == {fid("q1"), fid("q1", SECOND)}
    assert (await queries.source(store, "q2")).fact_id == fid("q2")


async def test_slugs_limit_the_load(store, seeds, seed_folder):
    second = write_second(seeds)
    await store.load(seeds)
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    edit(second / "facts.toml", 'stance = "supports"', 'stance = "mixed"')

    report = await store.load(seeds, slugs=[SECOND])
    assert report.loaded == (SECOND,)
    assert report.removed == ()
    assert changes(report) == {"position": KindDiff(changed=(fid("p1", SECOND),))}
    assert await stance(store, fid("p7")) == "unclear"
    assert await stance(store, fid("p1", SECOND)) == "mixed"

    report = await store.load(seeds)
    assert report.loaded == (SLUG,)
    assert report.unchanged == (SECOND,)
    assert changes(report) == {"position": KindDiff(changed=(fid("p7"),))}


async def test_slugs_never_remove_other_articles(store, seeds):
    write_second(seeds)
    await store.load(seeds)
    shutil.rmtree(seeds / SECOND)
    report = await store.load(seeds, slugs=[SLUG], only_changed=False)
    assert report.loaded == (SLUG,)
    assert report.removed == ()
    assert (await article_rows(store, SECOND))["facts"] == 4


@pytest.mark.parametrize("streamed", [False, True])
async def test_a_new_slug_loaded_by_slug_replaces_its_folders_article(
        store, seeds, streamed, monkeypatch):
    second = write_second(seeds)
    await store.load(seeds)
    renamed = f"{SECOND}-x"
    edit(second / "facts.toml", f'slug = "{SECOND}"', f'slug = "{renamed}"')
    if streamed:  # batch by batch, as big loads go
        monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 0)
        monkeypatch.setattr(storage.load.pipeline, "BATCH", 1)
        monkeypatch.setattr(storage.load.pipeline, "worker_pool", lambda workers: None)

    report = await store.load(seeds, slugs=[renamed])
    assert report.loaded == (renamed,)
    assert report.removed == (SECOND,)
    assert set(changes(report)["article"].added) == {renamed}
    assert set(changes(report)["article"].removed) == {SECOND}
    assert set((await article_rows(store, SECOND)).values()) == {0}
    assert (await article_rows(store, renamed))["facts"] == 4

    report = await store.load(seeds, only_changed=False)
    assert report.removed == ()
    assert sorted(report.loaded) == sorted([SLUG, renamed])
    assert changes(report) == {}
    await assert_directory_is_the_scan(store)


@pytest.mark.parametrize("only_changed", [True, False])
async def test_a_full_load_removes_a_second_article_left_in_one_folder(
        store, seeds, only_changed, monkeypatch):
    """A database that an earlier version left holding two articles from one folder (a slug
    change loaded by slug kept the old one): the next load of the seeds folder removes the
    article the folder no longer holds."""
    second = write_second(seeds)
    await store.load(seeds)
    renamed = f"{SECOND}-x"
    edit(second / "facts.toml", f'slug = "{SECOND}"', f'slug = "{renamed}"')
    with monkeypatch.context() as old_version:
        old_version.setattr(storage.load.plan, "removed_articles", lambda *args, **kwargs: [])
        await store.load(seeds, slugs=[renamed])
    assert (await article_rows(store, SECOND))["facts"] == 4  # the state an older load left

    report = await store.load(seeds, only_changed=only_changed)
    assert report.removed == (SECOND,)
    assert set((await article_rows(store, SECOND)).values()) == {0}
    assert (await article_rows(store, renamed))["facts"] == 4
    assert (await store.load(seeds, only_changed=False)).removed == ()


@pytest.mark.parametrize("only_changed", [True, False])
async def test_a_linked_folder_from_elsewhere_with_a_new_slug_replaces_its_article(
        store, seeds, tmp_path, only_changed):
    """A seeds folder may link to an article folder kept elsewhere: its article is stored
    under the folder it resolves to, outside the seeds folder, and a slug changed there
    replaces it like anywhere else (the load of the seeds folder found it)."""
    outside = tmp_path / "elsewhere" / SECOND
    outside.parent.mkdir()
    shutil.move(write_second(seeds), outside)
    (seeds / SECOND).symlink_to(outside, target_is_directory=True)
    await store.load(seeds)
    assert (await article_rows(store, SECOND))["facts"] == 4
    renamed = f"{SECOND}-x"
    edit(outside / "facts.toml", f'slug = "{SECOND}"', f'slug = "{renamed}"')

    report = await store.load(seeds, only_changed=only_changed)
    assert report.removed == (SECOND,)
    assert set((await article_rows(store, SECOND)).values()) == {0}
    assert (await article_rows(store, renamed))["facts"] == 4
    assert (await store.load(seeds, only_changed=False)).removed == ()
    await assert_directory_is_the_scan(store)


async def test_unknown_slug_is_refused(store, seeds):
    before = await answers(store)
    with pytest.raises(SheetError):
        await store.load(seeds, slugs=["no-such-story"])
    assert await answers(store) == before


# --- atomicity ------------------------------------------------------------------------------

async def test_write_failing_after_the_deletes_rolls_back(store, seeds, seed_folder, monkeypatch):
    before = await answers(store)
    counts = await row_counts(store)
    generation = store.generation
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    with failing_writes(store, lambda sql, _: sql.startswith(("INSERT INTO facts",
                                                              "UPDATE facts"))) as ran, \
            pytest.raises(RuntimeError, match="disk on fire"):
        await store.load(seeds)
    assert any(sql.startswith("UPDATE articles") for sql in ran)  # failed after a write
    await assert_untouched(store, before, counts, generation)
    # The store still works: the same load now goes through.
    await assert_p7_applies(store, seeds)


async def test_constraint_violation_mid_write_rolls_back(store, seeds, seed_folder, monkeypatch):
    before = await answers(store)
    counts = await row_counts(store)
    generation = store.generation
    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    real = storage.rows.sheet_rows

    def duplicated(sheet: Sheet, folder: str, loaded_at: str) -> SheetRows:
        rows = real(sheet, folder, loaded_at)
        rows.facts.append(rows.facts[-1])  # the same fact id twice: UNIQUE fails on insert
        return rows

    with monkeypatch.context() as patch:
        patch.setattr(storage.load.workers, "sheet_rows", duplicated)
        with pytest.raises((sqlite3.IntegrityError, StoreError)):
            await store.load(seeds)
    await assert_untouched(store, before, counts, generation)
    await assert_p7_applies(store, seeds)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.casefold()))


async def _fts_matches(store: Store, term: str) -> int:
    return int(await scalar(store.reader, "SELECT count(*) FROM facts_fts WHERE facts_fts MATCH ?",
                            (f'"{term}"',)))


async def _facts_with(store: Store, term: str) -> int:
    async with store.reader.execute("SELECT search FROM facts") as cur:
        return sum(1 for row in await cur.fetchall() if term in _tokens(row["search"]))


async def test_fts_index_stays_in_step_after_reloads(store, seeds, seed_folder):
    facts = seed_folder / "facts.toml"
    edit(facts, P7_SUMMARY, P7_SUMMARY.replace("interview.", "interview zebra."))
    await store.load(seeds)
    assert await _fts_matches(store, "zebra") == await _facts_with(store, "zebra") == 1
    await store.load(seeds, only_changed=False)
    await store.load(seeds, only_changed=False)
    write_second(seeds)
    await store.load(seeds)
    edit(facts, P7_SUMMARY.replace("interview.", "interview zebra."), P7_SUMMARY)
    await store.load(seeds)
    shutil.rmtree(seeds / SECOND)
    await store.load(seeds)
    await store.load(seeds, only_changed=False)

    for term in ("zebra", "tass", "peacekeepers", "lavrov", "rare", "kremlin", "lopes", "bridge"):
        assert await _fts_matches(store, term) == await _facts_with(store, term), term
    assert await _fts_matches(store, "zebra") == 0
    assert await _fts_matches(store, "tass") == 3
    # Every indexed row points at a live fact, and FTS5's own check against its content agrees.
    async with store.reader.execute(
            "SELECT count(*) FROM facts_fts WHERE facts_fts MATCH ? "
            "AND rowid NOT IN (SELECT rowid FROM facts)", ('"peacekeepers"',)) as cur:
        row = await cur.fetchone()
    assert row is not None
    assert row[0] == 0
    await store.writer.execute("INSERT INTO facts_fts(facts_fts, rank) VALUES ('integrity-check', 1)")


# --- locking ---------------------------------------------------------------------------------

async def test_locked_database_refuses_the_load_and_loses_nothing(tmp_path, seeds, seed_folder, monkeypatch):
    monkeypatch.setattr(storage.db, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.sqlite3"
    async with await Store.open(path) as store:
        await store.load(seeds)
        before = await answers(store)
        counts = await row_counts(store)
        generation = store.generation
        edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
        blocker = sqlite3.connect(path, isolation_level=None)
        try:
            blocker.execute("BEGIN EXCLUSIVE")
            with pytest.raises(StoreError, match="locked"):
                await store.load(seeds)
            # Readers keep answering from the last committed facts while the lock is held.
            assert await answers(store) == before
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert not store.loading
        await assert_untouched(store, before, counts, generation)
        await assert_p7_applies(store, seeds)
