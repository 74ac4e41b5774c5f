"""A reload writes only the rows that differ, and ends with exactly the rows a load of the new
sheets into an empty database writes: the same facts, names, links and full-text index."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import storage.load.pipeline
import storage.store
from storage.load import LoadReport
from storage.store import Store
from tests.conftest import SEEDS
from tests.storage.test_store import P7_STANCE, P7_SUMMARY, SLUG, edit

TABLES = {
    "articles": "SELECT slug, title, outlet, url, published, language, body, folder, "
                "content_hash, payload, loaded_at FROM articles",
    "actors": "SELECT * FROM actors",
    "topics": "SELECT * FROM topics",
    "names": "SELECT * FROM names",
    "facts": "SELECT id, article, kind, seq, actor, topic, label, text, folded, parent, search, "
             "payload FROM facts",
    "fact_actors": "SELECT * FROM fact_actors",
}


def clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


async def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    result = {}
    for table, sql in TABLES.items():
        async with store.reader.execute(sql) as cur:
            result[table] = sorted((tuple(r) for r in await cur.fetchall()), key=repr)
    # The full-text index, term by term: which facts each word of the archive finds.
    async with store.reader.execute("SELECT search FROM facts") as cur:
        words = sorted({w for row in await cur.fetchall()
                        for w in re.findall(r"[^\W_]+", row[0].casefold())})
    index = []
    for word in words:
        async with store.reader.execute(
                "SELECT f.id FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid "
                "WHERE facts_fts MATCH ? ORDER BY f.id", (f'"{word}"',)) as cur:
            index.append((word, [r[0] for r in await cur.fetchall()]))
    result["fts"] = index
    return result


def corrections(folder: Path) -> None:
    """An editor's day: a stance and a summary corrected, a position and a response removed,
    an actor renamed (its name rows and every fact's search text change), an alias dropped,
    a fact added, a claim's status changed (the label its fact_actors rows copy)."""
    facts = folder / "facts.toml"
    edit(facts, P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    edit(facts, P7_SUMMARY, P7_SUMMARY.replace("interview.", "interview, zebra."))
    text = facts.read_text(encoding="utf-8")
    # Drop the last [[positions]] entry and the last [[claims.responses]] entry.
    for header in ("[[positions]]", "[[claims.responses]]"):
        start = text.rindex(header)
        end = text.find("\n[[", start + 1)
        text = text[:start] + text[end + 1:]
    text = text.replace('name = "Dmitry Peskov"', 'name = "Dmitri Peskov"', 1)
    c3 = 'claimant = "trump"\nclaim = "If the deal is done, Putin is not looking for more war."\n'
    assert c3 + 'status = "unverified"' in text
    text = text.replace(c3 + 'status = "unverified"', c3 + 'status = "disputed"', 1)
    facts.write_text(text, encoding="utf-8")
    assert 'name = "Dmitri Peskov"' in text


def diff_of(report: LoadReport) -> dict[str, tuple[set[str], set[str], set[str]]]:
    return {k: (set(d.added), set(d.changed), set(d.removed)) for k, d in report.diff.items()}


@pytest.mark.parametrize("apply", ["load", "load --all", "streamed"])
async def test_a_reload_ends_with_the_rows_of_a_fresh_load(
        tmp_path: Path, apply: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    async with await Store.open(tmp_path / "a.sqlite3", clock=clock) as reloaded:
        await reloaded.load(seeds)
        corrections(seeds / SLUG)
        expected = diff_of(await reloaded.load(seeds, dry_run=True))
        if apply == "streamed":  # batch by batch, as big loads go
            monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 0)
            monkeypatch.setattr(storage.load.pipeline, "BATCH", 1)
            monkeypatch.setattr(storage.load.pipeline, "worker_pool", lambda workers: None)
        report = await reloaded.load(seeds, only_changed=apply == "load")
        assert report.loaded == (SLUG,)
        assert diff_of(report) == expected
        assert expected["position"][1] == {f"{SLUG}/p7"}
        assert f"{SLUG}/c3" in expected["claim"][1]
        after_reload = await contents(reloaded)
        await reloaded.writer.execute(
            "INSERT INTO facts_fts(facts_fts, rank) VALUES ('integrity-check', 1)")
    async with await Store.open(tmp_path / "b.sqlite3", clock=clock) as fresh:
        await fresh.load(seeds)
        assert after_reload == await contents(fresh)
    assert ("zebra", [f"{SLUG}/p7"]) in after_reload["fts"]
    assert any(word == "dmitri" and ids for word, ids in after_reload["fts"])  # the new name


async def test_an_unchanged_article_reloaded_in_full_writes_no_fact(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    async with await Store.open(tmp_path / "a.sqlite3", clock=clock) as store:
        await store.load(seeds)
        ran: list[str] = []
        real = store.writer.executemany

        async def recording(sql: str, params: Any) -> Any:
            ran.append(sql)
            return await real(sql, params)

        monkeypatch.setattr(store.writer, "executemany", recording)
        report = await store.load(seeds, only_changed=False)
        assert report.loaded == (SLUG,)
        assert not report.changed_anything
        assert not [sql for sql in ran if "facts" in sql or "names" in sql or "actors" in sql]
