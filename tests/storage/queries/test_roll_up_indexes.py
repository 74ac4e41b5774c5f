"""Migrations 0008, 0011 and 0013: fact_actors carries each fact's kind, label, article and
place in its sheet, for /claims actor: and /questions actor: to choose and count their facts
from one index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage import queries
from storage.store import Store

MISMATCHED = ("SELECT count(*) FROM fact_actors fa JOIN facts f ON f.id = fa.fact "
              "WHERE fa.kind IS NOT f.kind OR fa.label IS NOT f.label "
              "OR fa.article IS NOT f.article OR fa.seq IS NOT f.seq")


async def test_every_involved_actor_row_has_its_facts_columns(store: Store) -> None:
    async with store.reader.execute(MISMATCHED) as cur:
        assert (await cur.fetchone())[0] == 0  # type: ignore[index]
    async with store.reader.execute("SELECT count(*) FROM fact_actors") as cur:
        assert (await cur.fetchone())[0] > 0  # type: ignore[index]


async def test_an_older_database_gets_the_kinds_filled_in(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "old.sqlite3"
    store = await Store.open(db)
    try:
        await store.load(seeds)
        before = await queries.claims(store, actor="Russia")
        questions = await queries.questions(store, actor="Russia")
    finally:
        await store.close()
    # Back to the database as the bot before this migration (and the later ones) left it.
    with sqlite3.connect(db) as conn:
        conn.executescript("""
            DROP INDEX fact_actors_by_actor_page;
            ALTER TABLE fact_actors DROP COLUMN seq;
            ALTER TABLE fact_actors DROP COLUMN article;
            ALTER TABLE fact_actors DROP COLUMN label;
            ALTER TABLE fact_actors DROP COLUMN kind;
            CREATE INDEX fact_actors_by_actor ON fact_actors(actor);
            CREATE INDEX actors_by_affiliation ON actors(affiliation);
            DROP INDEX actors_by_key_affiliation;
            CREATE INDEX actors_by_key ON actors(key);
            DROP INDEX facts_by_article_page;
            DROP TABLE affiliations;
            DROP TABLE fact_counts;
            CREATE INDEX facts_by_article ON facts(article, kind, seq);
            ALTER TABLE digest_settings DROP COLUMN active_since;
            ALTER TABLE articles DROP COLUMN title_source;
            ALTER TABLE articles DROP COLUMN review;
            DROP TABLE sheet_versions;
            DROP TABLE desk_log;
            ALTER TABLE name_shown DROP COLUMN reviewed;
            PRAGMA user_version = 7;
        """)
    store = await Store.open(db)
    try:
        async with store.reader.execute(MISMATCHED) as cur:
            assert (await cur.fetchone())[0] == 0  # type: ignore[index]
        assert (await queries.claims(store, actor="Russia")).items == before.items
        assert (await queries.questions(store, actor="Russia")).items == questions.items
    finally:
        await store.close()
