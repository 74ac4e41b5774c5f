"""The name directory (migration 0005): after every kind of load it gives exactly the index a
full scan of every name gives (storage.names.scan_names, the way it was always built), and
the affiliation links (migration 0010) count exactly the actor rows that give them, and the
fact counts (migration 0012) the facts."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import pytest

import storage.load.pipeline
import storage.store
from benchmarks import corpus
from storage import names
from storage.db import plain_rows
from storage.store import Store
from storage.text import fold_name
from tests.factory import write_sheet

ENTITIES = ("actor", "topic", "article")


async def assert_directory_is_the_scan(store: Store) -> dict[str, names.NameIndex]:
    assert await store.rows("SELECT entity FROM name_directory_pending") == []
    built = {}
    for entity in ENTITIES:
        index = await store.call(names.build_index, entity)
        scanned = await store.call(names.scan_names, entity)
        assert index.keys_by_folded == scanned.keys_by_folded, entity
        assert index.display == scanned.display, entity
        built[entity] = index
    # The indexes answers use, carried over from the load before or built: the same.
    await store.names.warmed()
    if store.names.generation == store.generation:
        for entity, index in store.names.cached().items():
            assert index == built[entity], entity
    links = await store.rows("SELECT affiliation, key, articles FROM affiliations "
                             "ORDER BY affiliation, key")
    # Reviewed articles' affiliations only: a draft's never rolls anyone up.
    counted = await store.rows("SELECT affiliation, key, count(*) FROM actors JOIN articles "
                               "ON slug = article AND review = 'reviewed' WHERE affiliation "
                               "IS NOT NULL GROUP BY affiliation, key ORDER BY affiliation, key")
    assert [tuple(r) for r in links] == [tuple(r) for r in counted]
    kept = await store.rows("SELECT kind, label, n FROM fact_counts ORDER BY kind, label")
    counted = await store.rows("SELECT kind, coalesce(label, '') AS label, count(*) FROM facts "
                               "GROUP BY kind, coalesce(label, '') ORDER BY kind, label")
    assert [tuple(r) for r in kept] == [tuple(r) for r in counted]
    return built


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = corpus.generate(tmp_path / "corpus", 24)
    (root / corpus.MANIFEST).unlink()
    return root


@pytest.fixture
async def loaded(tmp_path: Path, archive: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.load(archive)
    yield store
    await store.close()


def folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir())


def actor_block(facts: str, key: str) -> tuple[int, int]:
    start = facts.index(f'[[actors]]\nid = "{key}"\n')
    end = facts.find("\n[[", start + 1)
    return start, len(facts) if end < 0 else end


async def shared_actor(store: Store) -> tuple[str, str, list[str]]:
    """A key in several articles, its newest dated article, and its articles."""
    rows = await store.rows(
        "SELECT a.key, ar.slug, ar.folder FROM actors a JOIN articles ar ON ar.slug = a.article "
        "WHERE ar.published IS NOT NULL AND a.key IN (SELECT key FROM actors GROUP BY key "
        "HAVING count(*) >= 3) ORDER BY a.key, ar.published DESC, ar.slug DESC")
    key = rows[0]["key"]
    mine = [r for r in rows if r["key"] == key]
    return key, mine[0]["folder"], [r["slug"] for r in mine]


async def name_per_article(store: Store, archive: Path, key: str) -> dict[str, str]:
    """Give ``key`` a different name in each of its articles (the corpus keeps one name), so
    that which article's name is shown can be seen; slug -> name."""
    given = {}
    for row in await store.rows("SELECT article, folder FROM actors JOIN articles "
                                "ON slug = article WHERE key = ?", (key,)):
        facts_path = Path(row["folder"]) / "facts.toml"
        facts = facts_path.read_text(encoding="utf-8")
        start, end = actor_block(facts, key)
        given[row["article"]] = f"Variant {row['article']}"
        block = re.sub(r'\nname = "[^"]*"', f'\nname = "{given[row["article"]]}"',
                       facts[start:end], count=1)
        facts_path.write_text(facts[:start] + block + facts[end:], encoding="utf-8")
    await store.load(archive)
    return given


def set_published(folder: Path, date: str) -> None:
    facts_path = folder / "facts.toml"
    facts = facts_path.read_text(encoding="utf-8")
    facts_path.write_text(re.sub(r"\npublished = [^\n]*", f"\npublished = {date}", facts, count=1),
                          encoding="utf-8")


async def test_directory_after_first_load(loaded: Store) -> None:
    built = await assert_directory_is_the_scan(loaded)
    assert len(built["article"].display) == 24
    assert len(built["actor"].display) > 20
    # Every article is found by its slug and by its title.
    for slug, title in (await loaded.call(plain_rows, "SELECT slug, title FROM articles")):
        assert built["article"].resolve(slug).keys == (slug,)  # type: ignore[union-attr]
        assert slug in built["article"].keys_by_folded[fold_name(title)]


async def test_directory_after_streamed_load(tmp_path: Path, archive: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 2)
    monkeypatch.setattr(storage.load.pipeline, "BATCH", 5)
    monkeypatch.setattr(storage.load.pipeline, "worker_pool", lambda workers: None)
    async with await Store.open(tmp_path / "streamed.sqlite3") as store:
        await store.load(archive)
        streamed = await assert_directory_is_the_scan(store)
        await store.load(archive, only_changed=False)  # a full reload, batch by batch
        assert (await assert_directory_is_the_scan(store))["actor"] == streamed["actor"]


def rename_actor(folder: str, key: str, name: str) -> None:
    """Give the actor ``key`` another name in the sheet in ``folder``, as an editor would."""
    facts_path = Path(folder) / "facts.toml"
    facts = facts_path.read_text(encoding="utf-8")
    start, end = actor_block(facts, key)
    block = re.sub(r'\nname = "[^"]*"', f'\nname = "{name}"', facts[start:end], count=1)
    facts_path.write_text(facts[:start] + block + facts[end:], encoding="utf-8")


async def test_renaming_an_actor_in_its_newest_article(loaded: Store, archive: Path) -> None:
    key, folder, _ = await shared_actor(loaded)
    before = await assert_directory_is_the_scan(loaded)
    old_name = before["actor"].display[key]
    sheet = Path(folder) / "facts.toml"
    original = sheet.read_text(encoding="utf-8")
    rename_actor(folder, key, "Zelda Renamed")
    await loaded.load(archive)
    after = await assert_directory_is_the_scan(loaded)
    assert after["actor"].display[key] == "Zelda Renamed"
    assert after["actor"].keys_by_folded["zelda renamed"] == (key,)
    # The other articles still give the old name.
    assert key in after["actor"].keys_by_folded[fold_name(old_name)]
    # Renaming it back to what the older articles say restores the old display name.
    sheet.write_text(original, encoding="utf-8")
    await loaded.load(archive)
    again = await assert_directory_is_the_scan(loaded)
    assert again["actor"].display[key] == old_name
    assert "zelda renamed" not in again["actor"].keys_by_folded


async def test_removing_an_article(loaded: Store, archive: Path) -> None:
    key, folder, slugs = await shared_actor(loaded)
    given = await name_per_article(loaded, archive, key)
    before = await assert_directory_is_the_scan(loaded)
    assert before["actor"].display[key] == given[slugs[0]]
    gone = Path(folder)
    slug = slugs[0]
    only_there = {r["folded"] for r in await loaded.rows(
        "SELECT folded FROM names n WHERE article = ? AND NOT EXISTS (SELECT 1 FROM names o "
        "WHERE o.folded = n.folded AND o.entity = n.entity AND o.key = n.key "
        "AND o.article <> n.article)", (slug,))}
    shutil.rmtree(gone)
    report = await loaded.load(archive)
    assert report.removed == (slug,)
    after = await assert_directory_is_the_scan(loaded)
    assert slug not in after["article"].display
    # Still in other articles: the next newest one's name is shown now.
    assert after["actor"].display[key] == given[slugs[1]]
    assert fold_name(given[slug]) not in after["actor"].keys_by_folded
    for folded in only_there:
        assert all(folded not in after[e].keys_by_folded or
                   after[e].keys_by_folded[folded] != before[e].keys_by_folded.get(folded)
                   for e in ("actor", "topic")), folded
    # Removing every article empties the directory.
    for other in folders(archive)[1:]:
        shutil.rmtree(other)
    await loaded.load(archive)
    assert len((await assert_directory_is_the_scan(loaded))["article"].display) == 1


async def test_an_article_that_gets_older_gives_way(loaded: Store, archive: Path) -> None:
    key, folder, slugs = await shared_actor(loaded)
    given = await name_per_article(loaded, archive, key)
    assert (await assert_directory_is_the_scan(loaded))["actor"].display[key] == given[slugs[0]]
    set_published(Path(folder), "1999-01-01")
    await loaded.load(archive)
    assert (await assert_directory_is_the_scan(loaded))["actor"].display[key] == given[slugs[1]]
    set_published(Path(folder), '"undated"')  # undated counts as oldest
    await loaded.load(archive)
    assert (await assert_directory_is_the_scan(loaded))["actor"].display[key] == given[slugs[1]]
    set_published(Path(folder), "2099-01-01")
    await loaded.load(archive)
    assert (await assert_directory_is_the_scan(loaded))["actor"].display[key] == given[slugs[0]]


async def test_editing_an_alias(loaded: Store, archive: Path) -> None:
    folder = folders(archive)[0]
    facts_path = folder / "facts.toml"
    facts = facts_path.read_text(encoding="utf-8")
    alias = re.search(r'aliases = \["([^"]+)"', facts)
    assert alias is not None
    old_alias = alias[1]
    facts_path.write_text(facts.replace(f'aliases = ["{old_alias}"',
                                        'aliases = ["Qwerty Alias"', 1), encoding="utf-8")
    await loaded.load(archive)
    after = await assert_directory_is_the_scan(loaded)
    kind = "actor" if "qwerty alias" in after["actor"].keys_by_folded else "topic"
    assert after[kind].keys_by_folded["qwerty alias"]
    still = await loaded.rows("SELECT 1 FROM names WHERE folded = ?",
                              (fold_name(old_alias),))
    assert (fold_name(old_alias) in after[kind].keys_by_folded) == bool(still)


async def test_equally_dated_articles_keep_the_old_tie_break(tmp_path: Path) -> None:
    """Same date, same load: the name of the article with the greatest (folded name, slug)
    wins, as the index has always done."""
    seeds = tmp_path / "seeds"
    for slug, name in (("one", "Minister Beta"), ("two", "Minister Alpha")):
        sheet = write_sheet(seeds / slug, slug) / "facts.toml"
        sheet.write_text(sheet.read_text().replace('name = "Minister Alpha"', f'name = "{name}"'))
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.load(seeds)
        built = await assert_directory_is_the_scan(store)
        assert built["actor"].display["alpha"] == "Minister Beta"
        assert built["actor"].keys_by_folded["minister alpha"] == ("alpha",)
        await migrate_again(store)  # the migration's own fill breaks the tie alike
        shown = await store.call(names.build_index, "actor")
        assert shown.display == built["actor"].display


async def migrate_again(store: Store) -> None:
    """As if the database predated migration 0005: drop what it made, and apply it again
    (and the later migrations that change what it made: 0017)."""
    migrations = resources.files("storage.migrations")
    async with store.writing() as db:
        await db.executescript("DROP TABLE name_keys; DROP TABLE name_shown; "
                               "DROP TABLE name_directory_pending; DROP INDEX facts_by_local;")
        for name in ("0005_name_directory.sql", "0017_reviewed_names_first.sql"):
            await db.executescript(migrations.joinpath(name).read_text())


async def test_migration_fills_the_directory_of_an_existing_database(loaded: Store,
                                                                     archive: Path) -> None:
    key, _, _ = await shared_actor(loaded)
    await name_per_article(loaded, archive, key)
    expected = await assert_directory_is_the_scan(loaded)
    await migrate_again(loaded)
    pending = await loaded.rows("SELECT entity FROM name_directory_pending")
    assert [r["entity"] for r in pending] == ["article"]
    for entity in ENTITIES:  # meanwhile, the article index is scanned; the others are read
        index = await loaded.call(names.build_index, entity)
        assert index.keys_by_folded == expected[entity].keys_by_folded
        assert index.display == expected[entity].display
    report = await loaded.load(archive)  # nothing changed: the writer still fills it
    assert report.loaded == ()
    assert await assert_directory_is_the_scan(loaded) == expected


async def test_the_load_that_fills_the_directory_also_writes_its_own_names(
        loaded: Store, archive: Path) -> None:
    key, folder, _ = await shared_actor(loaded)
    await loaded.names.warmed()
    await migrate_again(loaded)
    rename_actor(folder, key, "Zelda Renamed")
    await loaded.load(archive)  # fills the articles' directory and changes a name
    built = await assert_directory_is_the_scan(loaded)
    assert built["actor"].resolve("zelda renamed").keys == (key,)  # type: ignore[union-attr]


async def test_the_answers_use_the_new_names_at_once(loaded: Store, archive: Path) -> None:
    key, folder, _ = await shared_actor(loaded)
    before = await loaded.names.index("actor")
    rename_actor(folder, key, "Zelda Renamed")
    await loaded.load(archive)
    after = await loaded.names.index("actor")
    assert after is not before
    assert after.resolve("zelda renamed").keys == (key,)  # type: ignore[union-attr]
    assert after.ranked("zeld", 5)[0] == (key, "Zelda Renamed")


async def test_an_affiliation_dropped_from_its_only_article_leaves_the_roll_up(
        loaded: Store, archive: Path) -> None:
    from storage.queries.options import roll_up

    link = (await loaded.rows("SELECT l.affiliation, l.key, ar.folder FROM affiliations l "
                              "JOIN actors a ON a.key = l.key AND a.affiliation = l.affiliation "
                              "JOIN articles ar ON ar.slug = a.article "
                              "WHERE l.articles = 1 ORDER BY l.key LIMIT 1"))[0]
    parent, key = link["affiliation"], link["key"]
    assert key in (await roll_up(loaded, (parent,)))[0]
    facts_path = Path(link["folder"]) / "facts.toml"
    original = facts_path.read_text(encoding="utf-8")
    start, end = actor_block(original, key)
    block = original[start:end].replace(f'\naffiliation = "{parent}"', "")
    assert block != original[start:end]
    facts_path.write_text(original[:start] + block + original[end:], encoding="utf-8")
    await loaded.load(archive)
    await assert_directory_is_the_scan(loaded)
    assert key not in (await roll_up(loaded, (parent,)))[0]
    facts_path.write_text(original, encoding="utf-8")  # and back
    await loaded.load(archive)
    await assert_directory_is_the_scan(loaded)
    assert key in (await roll_up(loaded, (parent,)))[0]


def mark_draft(folder: str) -> None:
    facts_path = Path(folder) / "facts.toml"
    facts = facts_path.read_text(encoding="utf-8")
    facts_path.write_text(facts.replace("[article]\n", '[article]\nreview = "draft"\n', 1),
                          encoding="utf-8")


async def test_a_drafted_name_never_replaces_a_reviewed_one(loaded: Store,
                                                            archive: Path) -> None:
    key, folder, _ = await shared_actor(loaded)
    old_name = (await assert_directory_is_the_scan(loaded))["actor"].display[key]
    rename_actor(folder, key, "Zelda Drafted")
    mark_draft(folder)  # the newest article naming the key is now a machine draft
    await loaded.load(archive)
    after = await assert_directory_is_the_scan(loaded)
    assert after["actor"].display[key] == old_name
    assert after["actor"].keys_by_folded["zelda drafted"] == (key,)  # still found by it
    # Published, it is an editor's word like any other: the newest article's name shows.
    sheet = Path(folder) / "facts.toml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('review = "draft"\n', "", 1),
                     encoding="utf-8")
    await loaded.load(archive)
    assert (await assert_directory_is_the_scan(loaded))["actor"].display[key] == "Zelda Drafted"
