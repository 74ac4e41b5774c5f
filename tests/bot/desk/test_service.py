"""The desk's actions without Discord: what a failed load, a failed removal or an edit made
outside the desk leave behind (never a lost or half-written sheet)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any, Literal

import pytest

from bot.desk.errors import DeskError
from bot.desk.files import split_version_line, with_version_line
from bot.desk.service import Desk, Editor
from storage import queries
from storage.desk import recent_actions, versions
from storage.sheets import FACTS_FILE
from storage.store import Store
from tests.factory import failing_writes

SLUG = "kremlin-peacekeepers"
EDITOR = Editor(1300000000000000002, 1100000000000000001, "Ed <@everyone>\n")
P7 = 'id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\nstance = "unclear"'


class WatchedLock(asyncio.Lock):
    """The store's write lock, telling when someone has to wait for it."""

    def __init__(self) -> None:
        super().__init__()
        self.waited = asyncio.Event()

    async def acquire(self) -> Literal[True]:
        if self.locked():
            self.waited.set()
        return await super().acquire()


class Text:
    def __init__(self, text: str) -> None:
        self.value = text

    async def text(self) -> str:
        return self.value


async def edited_put(desk: Desk) -> Any:
    _, sheet, _ = await desk.get(SLUG)
    return await desk.propose_put(EDITOR, Text(sheet.replace(P7, P7.replace('"unclear"',
                                                                              '"opposes"'))))


async def stance_of_p7(store: Store) -> str:
    answer = await queries.positions(store, "Putin", "peacekeepers", None)
    return str(answer.items[0].stance)


async def test_a_load_that_crashes_mid_apply_leaves_the_previous_sheet(
        store: Store, seeds: Path) -> None:
    desk = Desk(store, seeds)
    before = (seeds / SLUG / FACTS_FILE).read_bytes()
    proposal = await edited_put(desk)
    with failing_writes(store, lambda sql, n: True), pytest.raises(RuntimeError):
        await desk.apply(EDITOR, proposal)
    assert (seeds / SLUG / FACTS_FILE).read_bytes() == before
    assert await stance_of_p7(store) == "unclear"
    assert [e.outcome for e in await recent_actions(store)][:1] == ["failed"]
    # Nothing half-done stays behind: the same proposal applies once the disk is back.
    await desk.apply(EDITOR, proposal)
    assert await stance_of_p7(store) == "opposes"


async def test_a_locked_database_is_said_plainly_and_changes_nothing(
        store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = Desk(store, seeds)
    before = (seeds / SLUG / FACTS_FILE).read_bytes()
    proposal = await edited_put(desk)

    async def locked(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store.writer, "executemany", locked)
    with pytest.raises(DeskError, match="locked by another process"):
        await desk.apply(EDITOR, proposal)
    assert (seeds / SLUG / FACTS_FILE).read_bytes() == before


async def test_a_failed_removal_puts_the_files_back(store: Store, seeds: Path) -> None:
    desk = Desk(store, seeds)
    removal = await desk.propose_remove(EDITOR, SLUG)
    assert removal.report.removed == (SLUG,)
    with failing_writes(store, lambda sql, n: True), pytest.raises(RuntimeError):
        await desk.remove(EDITOR, removal)
    assert (seeds / SLUG / FACTS_FILE).is_file()
    assert list((seeds / ".archive").iterdir()) == []
    assert (await queries.articles(store)).items


async def test_an_edit_outside_the_desk_is_kept_as_a_version(store: Store, seeds: Path) -> None:
    desk = Desk(store, seeds)
    path = seeds / SLUG / FACTS_FILE
    first = (await desk.history(SLUG)).current
    path.write_text(path.read_text().replace(P7, P7.replace('"unclear"', '"mixed"')))
    history = await desk.history(SLUG)
    assert (first, history.current) == (1, 2)
    assert [(v.action, v.user_id) for v in history.versions] == [("found", None), ("found", None)]
    # Asking again records nothing new.
    assert len((await desk.history(SLUG)).versions) == 2


async def test_a_put_carries_its_version_line_but_the_file_does_not(store: Store,
                                                                    seeds: Path) -> None:
    desk = Desk(store, seeds)
    applied = await desk.apply(EDITOR, await edited_put(desk))
    assert applied.outcome.result == "applied"
    on_disk = (seeds / SLUG / FACTS_FILE).read_text()
    assert split_version_line(on_disk) == (None, on_disk)
    base, content = split_version_line(with_version_line(on_disk))
    assert content == on_disk
    assert base is not None
    assert (await versions(store, SLUG))[0].version == 2


async def test_publish_writes_who_on_one_safe_comment_line(store: Store, seeds: Path) -> None:
    path = seeds / SLUG / FACTS_FILE
    path.write_text(path.read_text().replace('language = "en"', 'language = "en"\nreview = "draft"', 1))
    await store.load(seeds)
    await Desk(store, seeds).publish(EDITOR, SLUG)
    first = path.read_text().splitlines()[0]
    assert first == ("# Reviewed: published by Ed <@everyone> (Discord user 1300000000000000002) "
                     f"on {store.clock().date().isoformat()} with /article publish.")


async def test_an_article_from_outside_the_seeds_folder_is_not_the_desks(
        store: Store, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other-seeds"
    elsewhere.mkdir()
    with pytest.raises(DeskError, match="outside the seeds folder"):
        await Desk(store, elsewhere).get(SLUG)


async def test_an_apply_waits_for_a_running_load_instead_of_splitting_from_it(
        store: Store, seeds: Path) -> None:
    desk = Desk(store, seeds)
    before = (seeds / SLUG / FACTS_FILE).read_bytes()
    proposal = await edited_put(desk)
    store.write_lock = lock = WatchedLock()
    async with lock:  # a /reload, the digest or another process's load
        applying = asyncio.ensure_future(desk.apply(EDITOR, proposal))
        await lock.waited.wait()  # the apply has come to the lock, and waits
        assert not applying.done()
        assert (seeds / SLUG / FACTS_FILE).read_bytes() == before  # nothing written yet
    applied = await applying
    assert applied.outcome.result == "applied"
    assert await stance_of_p7(store) == "opposes"


async def test_a_cancelled_apply_still_ends_whole(store: Store, seeds: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    desk = Desk(store, seeds)
    proposal = await edited_put(desk)
    loading = asyncio.Event()
    go_on = asyncio.Event()
    real_load = store.load

    async def slow_load(*args: Any, **kwargs: Any) -> Any:
        loading.set()
        await go_on.wait()
        return await real_load(*args, **kwargs)

    monkeypatch.setattr(store, "load", slow_load)
    command = asyncio.ensure_future(desk.apply(EDITOR, proposal))
    await loading.wait()  # the new file is on disk, its load under way
    command.cancel()  # the bot shuts down, say
    with pytest.raises(asyncio.CancelledError):
        await command
    go_on.set()
    await asyncio.gather(*desk._finishing)
    # Disk, database, history and audit trail agree: the edit was applied in full.
    assert P7.replace('"unclear"', '"opposes"') in (seeds / SLUG / FACTS_FILE).read_text()
    assert await stance_of_p7(store) == "opposes"
    assert (await versions(store, SLUG))[0].action == "put"
    assert (await recent_actions(store))[0].outcome == "done"


async def test_remove_by_title_shows_what_goes(store: Store, seeds: Path) -> None:
    title = (await queries.articles(store)).items[0].ref.title
    removal = await Desk(store, seeds).propose_remove(EDITOR, title)
    assert removal.slug == SLUG
    assert removal.report.removed == (SLUG,)


async def test_written_files_keep_their_permissions(store: Store, seeds: Path) -> None:
    path = seeds / SLUG / FACTS_FILE
    path.chmod(0o664)
    desk = Desk(store, seeds)
    await desk.apply(EDITOR, await edited_put(desk))
    assert path.stat().st_mode & 0o777 == 0o664


async def test_a_crlf_upload_keeps_the_sheets_line_endings(store: Store, seeds: Path) -> None:
    desk = Desk(store, seeds)
    _, sheet, _ = await desk.get(SLUG)
    edited = sheet.replace(P7, P7.replace('"unclear"', '"opposes"')).replace("\n", "\r\n")
    await desk.apply(EDITOR, await desk.propose_put(EDITOR, Text(edited)))
    assert b"\r\n" not in (seeds / SLUG / FACTS_FILE).read_bytes()


@pytest.mark.parametrize("line", ["review = 'draft'", 'review = "draft"  # check the quotes'])
async def test_publish_finds_the_review_line_as_toml_writes_it(store: Store, seeds: Path,
                                                               line: str) -> None:
    path = seeds / SLUG / FACTS_FILE
    sheet = path.read_text()
    # A line in another table is not the article's review state, and stays as it is.
    path.write_text(sheet.replace('language = "en"', f'language = "en"\n{line}', 1)
                    + '\n# review = "draft" in a comment stays\n')
    await store.load(seeds)
    applied = await Desk(store, seeds).publish(EDITOR, SLUG)
    assert applied.outcome.result == "applied"
    published = path.read_text()
    assert "draft" not in published.split("[[actors]]")[0].split("\n", 1)[1]
    assert published.endswith('# review = "draft" in a comment stays\n')


async def test_a_version_of_an_earlier_article_with_the_slug_is_not_restored(
        store: Store, seeds: Path) -> None:
    desk = Desk(store, seeds)
    await desk.history(SLUG)  # version 1: the sheet as found
    await desk.remove(EDITOR, await desk.propose_remove(EDITOR, SLUG))
    archived = next((seeds / ".archive").iterdir())
    archived.rename(seeds / SLUG)  # the same story comes back, as a new article
    async with store.writing() as writer:  # as /article add records it
        await writer.execute(
            "INSERT INTO sheet_versions (article, version, sha256, content, saved_at, user_id, "
            "action, counts) SELECT article, 2, sha256, content, saved_at, 1, 'add', counts "
            "FROM sheet_versions WHERE article = ? AND version = 1", (SLUG,))
    await store.load(seeds)
    with pytest.raises(DeskError, match="earlier article"):
        await desk.propose_revert(EDITOR, SLUG, 1)
