"""Change detection by file stamps: unchanged folders are skipped without reading them, and no
change to an article's content is ever missed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import storage.load.pipeline
import storage.sheets
import storage.store
from storage.sheets import FACTS_FILE, TEXT_FILE, file_stamp
from storage.store import Store
from tests.storage.test_store import P7_STANCE, SLUG, answers, changes, edit, fid, scalar, stance

OLD_NS = 1_700_000_000 * 10**9  # a time well in the past, for mtimes set by hand
NOW_NS = 4_000_000_000 * 10**9  # far in the future: no file is racy against it


def set_mtime(folder: Path, ns: int) -> None:
    for name in (FACTS_FILE, TEXT_FILE):
        os.utime(folder / name, ns=(ns, ns))


def current_stamp(folder: Path) -> str | None:
    return file_stamp(str(folder.resolve()), NOW_NS)


async def stored_stamp(store: Store, slug: str = SLUG) -> str | None:
    result = await scalar(store.reader, "SELECT file_stamp FROM articles WHERE slug = ?", (slug,))
    return None if result is None else str(result)


def no_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(folder: object) -> str:
        raise AssertionError(f"{folder} was hashed")

    monkeypatch.setattr(storage.load.scan, "content_hash", refuse)


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files the test just wrote count as settled (their ctime is always now)."""
    monkeypatch.setattr(storage.sheets.files, "STAMP_MARGIN_NS", 0)


async def test_a_stamp_is_stored_and_a_matching_folder_is_not_read(
        store: Store, seed_folder: Path, trusting: None, monkeypatch: pytest.MonkeyPatch) -> None:
    set_mtime(seed_folder, OLD_NS)
    report = await store.load(seed_folder.parent)
    assert report.unchanged == (SLUG,)  # the content hash said so, and the stamp is recorded
    assert await stored_stamp(store) == current_stamp(seed_folder)
    no_hashing(monkeypatch)
    monkeypatch.setattr(storage.load.workers, "read_sheet", lambda *a: pytest.fail("read"))
    report = await store.load(seed_folder.parent)
    assert report.unchanged == (SLUG,)
    assert report.loaded == ()


async def test_a_same_size_edit_is_seen(store: Store, seed_folder: Path, trusting: None) -> None:
    set_mtime(seed_folder, OLD_NS)
    await store.load(seed_folder.parent)
    assert await stored_stamp(store) is not None
    facts = seed_folder / FACTS_FILE
    size = facts.stat().st_size
    edit(facts, P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    assert facts.stat().st_size == size
    set_mtime(seed_folder, OLD_NS + 10**9)  # saved a second later
    report = await store.load(seed_folder.parent)
    assert changes(report)["position"].changed == (fid("p7"),)
    assert await stance(store, fid("p7")) == "opposes"


async def test_an_edit_in_the_same_clock_tick_is_seen(store: Store, seed_folder: Path) -> None:
    """A file system stamps times at a coarse tick: a second save right after a load can keep
    the size and the mtime. A file that changed that recently is never stamped, so the next
    load hashes it."""
    facts = seed_folder / FACTS_FILE
    opposes = P7_STANCE.replace('"unclear"', '"opposes"')
    edit(facts, P7_STANCE, opposes)
    size, mtime = facts.stat().st_size, facts.stat().st_mtime_ns
    assert changes(await store.load(seed_folder.parent))["position"].changed == (fid("p7"),)
    assert await stored_stamp(store) is None  # just written: hash next time
    edit(facts, opposes, P7_STANCE)  # the same size
    os.utime(facts, ns=(mtime, mtime))  # and the same mtime, as within one tick
    assert facts.stat().st_size == size
    report = await store.load(seed_folder.parent)
    assert changes(report)["position"].changed == (fid("p7"),)
    assert await stance(store, fid("p7")) == "unclear"


async def test_touched_but_identical_is_unchanged_and_restamped(
        store: Store, seed_folder: Path, trusting: None) -> None:
    set_mtime(seed_folder, OLD_NS)
    await store.load(seed_folder.parent)
    before = await answers(store)
    first = await stored_stamp(store)
    set_mtime(seed_folder, OLD_NS + 60 * 10**9)  # touched, not changed
    report = await store.load(seed_folder.parent)
    assert report.loaded == ()
    assert report.unchanged == (SLUG,)
    assert not report.changed_anything
    assert await answers(store) == before
    second = await stored_stamp(store)
    assert second is not None
    assert second != first
    assert second == current_stamp(seed_folder)


async def test_a_dry_run_records_no_stamp(store: Store, seed_folder: Path, trusting: None) -> None:
    await store.writer.execute("UPDATE articles SET file_stamp = NULL")
    set_mtime(seed_folder, OLD_NS)
    report = await store.load(seed_folder.parent, dry_run=True)
    assert report.unchanged == (SLUG,)
    assert await stored_stamp(store) is None


async def test_rows_without_a_stamp_are_hashed_then_stamped(
        store: Store, seed_folder: Path, trusting: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows stored before migration 0006 have no stamp: their folders are hashed once."""
    set_mtime(seed_folder, OLD_NS)
    await store.writer.execute("UPDATE articles SET file_stamp = NULL")
    report = await store.load(seed_folder.parent)
    assert report.unchanged == (SLUG,)
    assert await stored_stamp(store) is not None
    no_hashing(monkeypatch)
    assert (await store.load(seed_folder.parent)).unchanged == (SLUG,)


async def test_a_full_load_trusts_no_stamp(store: Store, seed_folder: Path, trusting: None) -> None:
    """`load --all` reads every sheet again, whatever the stamps say: the way out should a
    file system ever keep size and times across an edit."""
    set_mtime(seed_folder, OLD_NS)
    await store.load(seed_folder.parent)
    stamp = await stored_stamp(store)
    edit(seed_folder / FACTS_FILE, P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    set_mtime(seed_folder, OLD_NS)
    # A file system that lies: the stored stamp claims the edited files are the old ones.
    await store.writer.execute("UPDATE articles SET file_stamp = ?",
                               (current_stamp(seed_folder),))
    assert stamp is not None
    assert (await store.load(seed_folder.parent)).unchanged == (SLUG,)  # trusted
    report = await store.load(seed_folder.parent, only_changed=False)
    assert report.loaded == (SLUG,)
    assert changes(report)["position"].changed == (fid("p7"),)
    assert await stored_stamp(store) == current_stamp(seed_folder)


def test_file_stamp_needs_both_files_and_settled_times(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / FACTS_FILE).write_text("x", encoding="utf-8")
    assert file_stamp(str(folder), NOW_NS) is None  # article.txt is missing
    (folder / TEXT_FILE).write_text("yy", encoding="utf-8")
    assert file_stamp(str(folder), time.time_ns()) is None  # written just now
    stamp = file_stamp(str(folder), NOW_NS)
    assert stamp is not None
    assert stamp.split()[0].split(":")[0] == "1"  # facts.toml's size
    assert stamp.split()[1].split(":")[0] == "2"


@pytest.mark.parametrize("only_changed", [True, False])
async def test_hidden_folders_are_never_articles(tmp_path: Path, seeds: Path,
                                                 only_changed: bool) -> None:
    # A copy of the seed in .archive/ (a removed article) or in a half-built hidden folder
    # would otherwise be a second article with the same slug, and refuse the whole load.
    shutil.copytree(seeds / SLUG, seeds / ".archive" / SLUG)
    shutil.copytree(seeds / SLUG, seeds / f".{SLUG}-adding-x1")
    assert storage.sheets.discover(seeds) == [seeds / SLUG]
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        report = await store.load(seeds, only_changed=only_changed)
        assert report.loaded == (SLUG,)
