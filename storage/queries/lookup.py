"""The other lookups: the articles, full-text search, one fact's source, fact ids."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz, process

from storage.connections import fetchall, lazy_snapshot
from storage.queries.items import article_ref, evidence, refs_of
from storage.queries.planner import in_list, read_page
from storage.ranking import by_relevance
from storage.results import (
    ArticlesAnswer,
    ArticleSummary,
    Match,
    NotFound,
    Page,
    SearchAnswer,
    SearchHit,
    SourceAnswer,
)
from storage.store import Store
from storage.text import locate, sentence_around

# Search snippets mark matched words with these private-use characters; render turns them into
# whatever the surface uses (bold on Discord, brackets on the console).
HIT_START = "\ue000"
HIT_END = "\ue001"
SEARCH_LIMIT = 50
MAX_SEARCH_TERMS = 16
MAX_TERM_LENGTH = 64


ARTICLE_ORDER = "ar.published IS NULL, ar.published DESC, ar.slug"


@lazy_snapshot
async def articles(store: Store, *, page: Page | None = None) -> ArticlesAnswer:
    select = ("SELECT slug, title, outlet, published, url, review, title_source "
              "FROM articles ar")
    if page is None:
        rows = await store.rows(f"{select} ORDER BY {ARTICLE_ORDER}", ())
        total = len(rows)
    else:
        rows, total, page = await store.call(
            read_page, "SELECT count(*) FROM articles",
            f"{select} ORDER BY {ARTICLE_ORDER} LIMIT ? OFFSET ?", (), page)
    # Counted for the page's articles only: over every fact it is a scan of the whole table.
    counts: dict[str, dict[str, int]] = {}
    slugs = [r["slug"] for r in rows]
    for start in range(0, len(slugs), 500):
        chunk = slugs[start:start + 500]
        for row in await store.rows("SELECT article, kind, count(*) AS n FROM facts "
                                    f"WHERE {in_list('article', chunk)} GROUP BY article, kind",
                                    chunk, last=start + 500 >= len(slugs)):
            counts.setdefault(row["article"], {})[row["kind"]] = row["n"]
    items = tuple(ArticleSummary(article_ref(r), counts.get(r["slug"], {})) for r in rows)
    return ArticlesAnswer(items=items, articles={i.ref.slug: i.ref for i in items}, total=total,
                          page=page)


def fts_query(text: str, any_word: bool = False) -> str | None:
    """A safe FTS5 MATCH expression from any text: words only, each quoted as a phrase."""
    words = re.findall(r"\w+", text.replace("\0", " "))[:MAX_SEARCH_TERMS]
    terms = [f'"{w[:MAX_TERM_LENGTH]}"' for w in words]
    if not terms:
        return None
    return (" OR " if any_word else " ").join(terms)


@lazy_snapshot
async def search(store: Store, query: str, limit: int = SEARCH_LIMIT) -> SearchAnswer:
    typed = {"query": query}
    expression = fts_query(query)
    if expression is None:
        return SearchAnswer(query=query, filters=typed)
    rows, any_word, more = await store.call(_search_on, query, expression, limit, last=True)
    items = tuple(SearchHit(r["id"], r["article"], r["kind"], r["text"], r["snip"]) for r in rows)
    return SearchAnswer(query=query, items=items, any_word=any_word, more=more, filters=typed,
                        articles=refs_of(rows))


# Newest first (the most recently loaded facts: FTS5 walks its index by rowid and stops at
# limit + 1 matches), and when every match fits in the answer, the most relevant first
# (storage.ranking). Ranking with FTS5's bm25 reads every fact that has any of the words:
# hundreds of milliseconds for two common words in a newsroom archive.
_SEARCH = ("SELECT facts_fts.rowid AS rid, f.id, f.article, f.kind, f.text, f.search, "
           f"snippet(facts_fts, 0, '{HIT_START}', '{HIT_END}', '…', 16) AS snip, "
           "ar.title AS ref_title, ar.outlet AS ref_outlet, ar.published AS ref_published, "
           "ar.url AS ref_url, ar.review AS ref_review, ar.title_source AS ref_title_source "
           "FROM facts_fts "
           "JOIN facts f ON f.rowid = facts_fts.rowid "
           "JOIN articles ar ON ar.slug = f.article "
           "WHERE facts_fts MATCH ? ORDER BY facts_fts.rowid DESC LIMIT ?")


def _search_on(conn: sqlite3.Connection, query: str, expression: str, limit: int
               ) -> tuple[list[sqlite3.Row], bool, bool]:
    """On the connection's thread: the hits in the order shown (with the columns
    ``refs_of`` reads), whether only some of the words matched, and whether more than
    ``limit`` facts match."""
    rows = fetchall(conn, _SEARCH, (expression, limit + 1))
    any_word = False
    if not rows and " " in expression:
        any_word = True
        rows = fetchall(conn, _SEARCH, (fts_query(query, any_word=True), limit + 1))
    more = len(rows) > limit
    return (rows[:limit] if more else by_relevance(rows, query)), any_word, more


@lazy_snapshot
async def source(store: Store, fact_id: str) -> SourceAnswer:
    typed = {"fact_id": fact_id}
    wanted = fact_id.strip().strip("`'\"").lower()
    rows = await store.rows("SELECT id, article, kind, text, payload FROM facts WHERE id = ?",
                            (wanted,)) if wanted else []
    if not rows and wanted and "/" not in wanted:
        # An id typed without its article (`q1`, `r3`): every article's, by the part after the
        # slug (index searches: facts_by_local), to say which are meant.
        rows = await store.call(_ids_ending_on, wanted)
        if len(rows) > 1:
            return SourceAnswer(not_found=NotFound("fact", fact_id,
                                                   tuple(r["id"] for r in rows[:5])),
                                filters=typed)
    if not rows:
        return SourceAnswer(not_found=NotFound("fact", fact_id,
                                               await _similar_ids(store, wanted)),
                            filters=typed)
    row = rows[0]
    p = json.loads(row["payload"])
    article = (await store.rows("SELECT slug, title, outlet, published, url, review, "
                                "title_source, body FROM articles WHERE slug = ?", (row["article"],),
                                last=True))[0]
    body = article["body"]
    passages = []
    for excerpt in (*evidence(p), *(p.get("answer_evidence") or ())):
        span = locate(excerpt, body)
        passages.append((excerpt, sentence_around(body, *span) if span else excerpt))
    return SourceAnswer(fact_id=row["id"], kind=row["kind"], text=row["text"],
                        passages=tuple(passages), filters=typed,
                        articles={article["slug"]: article_ref(article)})


async def _similar_ids(store: Store, wanted: str) -> tuple[str, ...]:
    if not wanted:
        return ()
    slug = wanted.split("/", 1)[0]
    rows = await store.rows("SELECT id FROM facts WHERE article = ?", (slug,))
    if not rows:
        index = await store.names.index("article")
        resolved = index.resolve(slug)
        if isinstance(resolved, Match):
            rows = await store.rows("SELECT id FROM facts WHERE article = ?",
                                    (resolved.keys[0],))
    ids = [r["id"] for r in rows]
    return tuple(name for name, _, _ in process.extract(wanted, ids, scorer=fuzz.ratio,
                                                        score_cutoff=50, limit=3))


@lazy_snapshot
async def fact_ids(store: Store, typed: str, limit: int = 25) -> list[str]:
    """Fact ids for autocomplete: ids starting with what was typed; then ids whose part after
    the slug contains it ('q1' finds every article's q1, then oq1, oq10...: shortest part
    first); then, for a piece of a slug ('peacekeep', 'peacekeepers/q'), the ids of the
    articles whose slug contains it. Never a scan of every id: the parts after the slug are a
    few dozen values, read from an index (migration 0005)."""
    wanted = typed.strip().lower()
    found = await store.call(_fact_ids_on, wanted, limit)
    if len(found) < limit and wanted:
        head, _, tail = wanted.partition("/")
        slugs = sorted(s for s in (await store.names.index("article")).display
                       if head in s and not wanted.startswith(s + "/"))[:limit]
        if slugs:
            found += [i for i in await store.call(_ids_in_articles, slugs, tail, limit)
                      if i not in found]
    return found[:limit]


_LOCAL = "substr(id, length(article) + 2)"  # the part of an id after its slug: facts_by_local


def _fact_ids_on(conn: sqlite3.Connection, wanted: str, limit: int) -> list[str]:
    found = [r[0] for r in conn.execute(
        "SELECT id FROM facts WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
        (wanted, wanted + "\uffff", limit))]
    if len(found) >= limit or not wanted:
        return found
    for local in sorted((p for p in _local_parts(conn) if wanted in p), key=lambda p: (len(p), p)):
        found += [r[0] for r in conn.execute(
            f"SELECT id FROM facts WHERE {_LOCAL} = ? ORDER BY id LIMIT ?",
            (local, limit + len(found))) if r[0] not in found]
        if len(found) >= limit:
            break
    return found[:limit]


def _local_parts(conn: sqlite3.Connection) -> list[str]:
    """Every distinct part of an id after its slug (a few dozen), one index seek each."""
    return [r[0] for r in conn.execute(
        f"WITH RECURSIVE part(local) AS (SELECT min({_LOCAL}) FROM facts UNION ALL "
        f"SELECT (SELECT min({_LOCAL}) FROM facts WHERE {_LOCAL} > part.local) FROM part "
        f"WHERE part.local IS NOT NULL) SELECT local FROM part WHERE local IS NOT NULL")]


def _ids_ending_on(conn: sqlite3.Connection, wanted: str, limit: int = 26) -> list[Any]:
    """Facts whose id ends in ``/wanted``, at most ``limit``."""
    found: list[Any] = []
    for local in sorted(p for p in _local_parts(conn) if p == wanted or p.endswith("/" + wanted)):
        found += conn.execute("SELECT id, article, kind, text, payload FROM facts "
                              f"WHERE {_LOCAL} = ? ORDER BY id LIMIT ?",
                              (local, limit - len(found))).fetchall()
        if len(found) >= limit:
            break
    return found


def _ids_in_articles(conn: sqlite3.Connection, slugs: Sequence[str], tail: str,
                     limit: int) -> list[str]:
    found: list[str] = []
    for slug in slugs:
        start = f"{slug}/{tail}"
        found += [r[0] for r in conn.execute(
            "SELECT id FROM facts WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (start, start + "\uffff", limit - len(found)))]
        if len(found) >= limit:
            break
    return found
