"""A reload never shows half its facts: not to a concurrent query, not after a SIGKILL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from storage import queries
from storage.store import Store
from tests.conftest import REPO
from tests.factory import write_sheet

ARTICLES = 120
POSITIONS = 5
# p7 alone: p5 on the same topic is "unclear" too.
P7_STANCE = 'id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\nstance = "unclear"'


def write_corpus(root: Path, version: int) -> None:
    stance = "supports" if version == 1 else "opposes"
    for i in range(ARTICLES):
        write_sheet(root / f"a{i:03d}", f"a{i:03d}", positions=POSITIONS,
                    title=f"Article {i} version {version}", stance=stance)


async def test_queries_during_a_reload_see_old_or_new_never_a_mix(tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    write_corpus(root, 1)
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.load(root)
        write_corpus(root, 2)
        reload = asyncio.create_task(store.load(root))
        seen: set[str] = set()
        during = 0
        while not reload.done():
            answer = await queries.positions(store, topic="points")
            stances = {p.stance for p in answer.items}
            titles = {ref.title.rsplit(" ", 1)[1] for ref in answer.articles.values()}
            assert len(answer.items) == ARTICLES * POSITIONS
            assert len(stances) == 1, stances  # one snapshot: never some old, some new
            assert titles == {"1" if stances == {"supports"} else "2"}, (stances, titles)
            seen |= stances
            during += store.loading
        report = await reload
        assert len(report.diff["position"].changed) == ARTICLES * POSITIONS
        assert during > 0  # queries really ran while the reload was under way
        final = await queries.positions(store, topic="points")
        assert {p.stance for p in final.items} == {"opposes"}


KILLED_LOAD = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    import aiosqlite
    from storage.store import Store

    real = aiosqlite.Connection.executemany

    async def pausing(self, sql, rows):
        result = await real(self, sql, rows)
        if sql.startswith(("INSERT INTO facts ", "UPDATE facts ")):
            print("MID-TRANSACTION", flush=True)  # some facts rewritten, the rest not yet
            sys.stdin.readline()  # wait here until the test kills us
        return result

    aiosqlite.Connection.executemany = pausing

    async def main():
        store = await Store.open(Path(sys.argv[1]))
        await store.load(Path(sys.argv[2]))

    asyncio.run(main())
""")


def kill_mid_load(db: Path, root: Path) -> int:
    """Start a load in a child process, SIGKILL it mid-transaction; its return code."""
    with subprocess.Popen([sys.executable, "-c", KILLED_LOAD, str(db), str(root)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # blocks until the child is mid-transaction
            assert line.strip() == "MID-TRANSACTION", proc.stderr.read() if proc.stderr else ""
        finally:
            proc.kill()
            proc.wait(timeout=30)
    return proc.returncode


async def test_sigkill_mid_load_leaves_the_old_facts(tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    write_corpus(root, 1)
    db = tmp_path / "db.sqlite3"
    async with await Store.open(db) as store:
        await store.load(root)
        before = await queries.positions(store, topic="points")
    write_corpus(root, 2)
    assert await asyncio.to_thread(kill_mid_load, db, root) == -9
    async with await Store.open(db) as store:
        async with store.reader.execute("PRAGMA integrity_check") as cur:
            assert tuple(await cur.fetchone() or ()) == ("ok",)
        after = await queries.positions(store, topic="points")
        assert after == before  # the old facts, all of them, answering as before
        report = await store.load(root)  # and the interrupted reload can simply be run again
        assert len(report.diff["position"].changed) == ARTICLES * POSITIONS


async def test_loading_another_folder_removes_nothing_loaded_from_elsewhere(
        store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other-seeds"
    write_sheet(other / "extra", "extra-article", positions=2)
    report = await store.load(other)
    assert report.removed == ()
    assert (await queries.quotes(store, speaker="Trump")).items  # the seed article stays
    assert len((await queries.articles(store)).items) == 2


async def test_an_edit_landing_mid_load_is_picked_up_next_time(store: Store, seeds: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.sheets

    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    real_loads = storage.sheets.parse_toml
    edited: list[bool] = []

    def loads_then_edit(text: str) -> Any:
        if not edited:  # an editor saves again while the sheet just read is being parsed
            edited.append(True)
            facts.write_text(facts.read_text().replace(P7_STANCE, P7_STANCE.replace("unclear", "opposes")))
        return real_loads(text)

    assert facts.read_text().count(P7_STANCE) == 1
    facts.write_text(facts.read_text().replace('stance = "conditional"', 'stance = "supports"'))
    monkeypatch.setattr(storage.sheets.read, "parse_toml", loads_then_edit)
    first = await store.load(seeds)
    assert first.diff["position"].changed == ("kremlin-peacekeepers/p8",)  # what was parsed
    monkeypatch.setattr(storage.sheets.read, "parse_toml", real_loads)
    report = await store.load(seeds)  # not "unchanged": the stored hash is of what was parsed
    assert report.diff["position"].changed == ("kremlin-peacekeepers/p7",)
