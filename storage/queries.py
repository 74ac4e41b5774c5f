"""Every question the bot answers, as one async function returning a plain result object."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz import fuzz, process

from storage.names import NameIndex, name_index
from storage.results import (
    Answer,
    ArticleRef,
    ArticlesAnswer,
    ArticleSummary,
    ClaimItem,
    ClaimsAnswer,
    EventItem,
    Match,
    NotFound,
    PositionItem,
    PositionsAnswer,
    ProfileAnswer,
    QuestionItem,
    QuestionsAnswer,
    QuoteItem,
    QuotesAnswer,
    ResponseItem,
    SearchAnswer,
    SearchHit,
    SourceAnswer,
    TimelineAnswer,
)
from storage.store import Store, lazy_snapshot
from storage.text import fold, locate, sentence_around

# Search snippets mark matched words with these private-use characters; render turns them into
# whatever the surface uses (bold on Discord, brackets on the console).
HIT_START = "\ue000"
HIT_END = "\ue001"
SEARCH_LIMIT = 50
MAX_SEARCH_TERMS = 16
MAX_TERM_LENGTH = 64
ORDER = "ar.published IS NULL, ar.published DESC, ar.slug, f.seq"


class _Filters:
    """Resolved options: SQL conditions plus how each name was understood."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: list[Any] = []
        self.matches: list[Match] = []
        self.not_found: NotFound | None = None
        self.typed: dict[str, str] = {}

    def answer_fields(self) -> dict[str, Any]:
        return {"matches": tuple(self.matches), "not_found": self.not_found,
                "filters": dict(self.typed)}

    def sql(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


async def _resolve(store: Store, f: _Filters, option: str, entity: str, value: str | None,
                   rollup: bool = False) -> Match | None:
    if value is None or not value.strip() or f.not_found is not None:
        return None
    f.typed[option] = value
    result = (await name_index(store, entity)).resolve(value)
    if isinstance(result, NotFound):
        f.not_found = result
        return None
    if rollup:
        keys, names = await _rollup(store, result.keys)
        result = Match(result.entity, result.query, keys, result.name, result.corrected, names)
    f.matches.append(result)
    return result


async def _rollup(store: Store, keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys plus every actor whose affiliation chain leads to one of them."""
    seeds = ",".join("(?)" for _ in keys)
    sql = (f"WITH RECURSIVE members(key) AS (VALUES {seeds} "
           "UNION SELECT a.key FROM actors a JOIN members m ON a.affiliation = m.key) "
           "SELECT key FROM members")
    found = [row["key"] for row in await store.rows(sql, keys)]
    extra = [k for k in found if k not in keys]
    index = await name_index(store, "actor")
    names = tuple(sorted(index.display.get(k, k) for k in extra))
    return (*keys, *extra), names


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' for _ in values)})"


async def _article_filter(store: Store, f: _Filters, article: str | None,
                          column: str = "f.article") -> None:
    match = await _resolve(store, f, "article", "article", article)
    if match:
        f.where.append(_in(column, match.keys))
        f.params.extend(match.keys)


async def _refs(store: Store, slugs: Iterable[str], last: bool = False) -> dict[str, ArticleRef]:
    wanted = sorted(set(slugs))
    refs: dict[str, ArticleRef] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for row in await store.rows("SELECT slug, title, outlet, published, url FROM articles "
                                    "WHERE " + _in("slug", chunk), chunk,
                                    last=last and start + 500 >= len(wanted)):
            refs[row["slug"]] = ArticleRef(row["slug"], row["title"], row["outlet"],
                                           row["published"], row["url"])
    return refs


async def _rows(store: Store, sql: str, params: Sequence[Any], last: bool = False) -> list[Any]:
    return await store.rows(sql, params, last=last)  # one trip to the connection's thread


def _refs_of(rows: Iterable[Any]) -> dict[str, ArticleRef]:
    """The articles fact rows cite, from the article columns _FACT_SELECT carries (what
    _refs would read, without another statement)."""
    refs = {r["article"]: ArticleRef(r["article"], r["ref_title"], r["ref_outlet"],
                                     r["ref_published"], r["ref_url"]) for r in rows}
    return {slug: refs[slug] for slug in sorted(refs)}


_FACT_SELECT = (
    "SELECT f.id, f.article, f.kind, f.actor, f.topic, f.label, f.text, f.payload, "
    "a.name AS actor_name, t.name AS topic_name, ar.title AS ref_title, "
    "ar.outlet AS ref_outlet, ar.published AS ref_published, ar.url AS ref_url FROM facts f "
    "JOIN articles ar ON ar.slug = f.article "
    "LEFT JOIN actors a ON a.article = f.article AND a.key = f.actor "
    "LEFT JOIN topics t ON t.article = f.article AND t.key = f.topic ")


def _names(actors: NameIndex, keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(actors.display.get(k, k) for k in keys)


def _evidence(payload: dict[str, Any]) -> tuple[str, ...]:
    return tuple(payload.get("evidence") or ())


def _position(row: Any, actors: NameIndex) -> PositionItem:
    p = json.loads(row["payload"])
    return PositionItem(row["id"], row["article"], row["actor"], row["actor_name"], row["topic"],
                        row["topic_name"], row["label"], row["text"], _evidence(p),
                        _via(p, actors))


def _quote(row: Any, actors: NameIndex) -> QuoteItem:
    p = json.loads(row["payload"])
    return QuoteItem(row["id"], row["article"], row["actor"], row["actor_name"], row["text"],
                     p["cue"], p.get("context"), p.get("setting"), _via(p, actors), _evidence(p))


def _via(payload: dict[str, Any], actors: NameIndex) -> str | None:
    via = payload.get("via")
    if not via:
        return None
    return actors.display.get(str(via), str(via))


@lazy_snapshot
async def positions(store: Store, actor: str | None = None, topic: str | None = None,
                    article: str | None = None) -> PositionsAnswer:
    f = _Filters()
    f.where.append("f.kind = 'position'")
    m = await _resolve(store, f, "actor", "actor", actor, rollup=True)
    if m:
        f.where.append(_in("f.actor", m.keys))
        f.params.extend(m.keys)
    m = await _resolve(store, f, "topic", "topic", topic)
    if m:
        f.where.append(_in("f.topic", m.keys))
        f.params.extend(m.keys)
    await _article_filter(store, f, article)
    if f.not_found:
        return PositionsAnswer(**f.answer_fields())
    actors = await name_index(store, "actor")
    rows = await _rows(store, f"{_FACT_SELECT} WHERE {f.sql()} ORDER BY {ORDER}", f.params,
                       last=True)
    items = tuple([_position(r, actors) for r in rows])
    return PositionsAnswer(items=items, articles=_refs_of(rows), **f.answer_fields())


@lazy_snapshot
async def quotes(store: Store, speaker: str | None = None, contains: str | None = None,
                 article: str | None = None) -> QuotesAnswer:
    f = _Filters()
    f.where.append("f.kind = 'quote'")
    m = await _resolve(store, f, "speaker", "actor", speaker, rollup=True)
    if m:
        f.where.append(_in("f.actor", m.keys))
        f.params.extend(m.keys)
    if contains is not None and contains.strip():
        f.typed["contains"] = contains
        needle = fold(contains)
        if needle:
            f.where.append("instr(f.folded, ?) > 0")
            f.params.append(needle)
        else:  # only punctuation: match it as typed
            f.where.append("instr(f.text, ?) > 0")
            f.params.append(contains.strip())
    await _article_filter(store, f, article)
    if f.not_found:
        return QuotesAnswer(**f.answer_fields())
    actors = await name_index(store, "actor")
    rows = await _rows(store, f"{_FACT_SELECT} WHERE {f.sql()} ORDER BY {ORDER}", f.params,
                       last=True)
    items = tuple([_quote(r, actors) for r in rows])
    return QuotesAnswer(items=items, articles=_refs_of(rows), **f.answer_fields())


async def _involving(f: _Filters, keys: Sequence[str]) -> None:
    f.where.append(f"f.id IN (SELECT fact FROM fact_actors WHERE {_in('actor', keys)})")
    f.params.extend(keys)
    # Without table statistics SQLite would walk every fact of the kind (facts_by_label) and
    # test each against this list: tens of ms at 10,000 articles. A unary + on the kind test
    # keeps its meaning but not its index, so the plan starts from the list of facts instead.
    f.where = [f"+{w}" if w.startswith("f.kind = ") else w for w in f.where]


async def _claims(store: Store, where: str, params: Sequence[Any], last: bool = False
                  ) -> tuple[list[ClaimItem], dict[str, ArticleRef]]:
    """The claims with their responses, and the articles they cite."""
    actors = await name_index(store, "actor")
    rows = await _rows(store, f"{_FACT_SELECT} WHERE {where} ORDER BY {ORDER}", params)
    # Every claim's responses in one statement per 500 claims, not one per claim.
    by_claim: dict[str, list[Any]] = {}
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for x in await _rows(
                store, "SELECT f.id, f.actor, f.label, f.text, f.payload, f.parent, "
                "a.name AS actor_name FROM facts f "
                "LEFT JOIN actors a ON a.article = f.article AND a.key = f.actor "
                f"WHERE {_in('f.parent', chunk)} ORDER BY f.seq", chunk,
                last=last and start + 500 >= len(ids)):
            by_claim.setdefault(x["parent"], []).append(x)
    items = []
    for r in rows:
        answers = []
        for x in by_claim.get(r["id"], ()):
            p = json.loads(x["payload"])
            answers.append(ResponseItem(x["id"], x["actor"], x["actor_name"], x["label"],
                                        x["text"], _via(p, actors), _evidence(p)))
        items.append(ClaimItem(
            r["id"], r["article"], r["actor"], r["actor_name"], r["text"], r["label"],
            _evidence(json.loads(r["payload"])), tuple(answers)))
    return items, _refs_of(rows)


@lazy_snapshot
async def claims(store: Store, status: str | None = None, actor: str | None = None,
                 article: str | None = None) -> ClaimsAnswer:
    f = _Filters()
    f.where.append("f.kind = 'claim'")
    if status and status != "all":
        f.typed["status"] = status
        f.where.append("f.label = ?")
        f.params.append(status)
    m = await _resolve(store, f, "actor", "actor", actor, rollup=True)
    if m:
        await _involving(f, m.keys)
    await _article_filter(store, f, article)
    if f.not_found:
        return ClaimsAnswer(**f.answer_fields())
    items, refs = await _claims(store, f.sql(), f.params, last=True)
    return ClaimsAnswer(items=tuple(items), articles=refs, **f.answer_fields())


@lazy_snapshot
async def questions(store: Store, topic: str | None = None, actor: str | None = None,
                    status: str | None = None, article: str | None = None) -> QuestionsAnswer:
    f = _Filters()
    f.where.append("f.kind = 'question'")
    m = await _resolve(store, f, "topic", "topic", topic)
    if m:
        f.where.append(_in("f.topic", m.keys))
        f.params.extend(m.keys)
    m = await _resolve(store, f, "actor", "actor", actor, rollup=True)
    if m:
        await _involving(f, m.keys)
    if status and status != "all":
        f.typed["status"] = status
        f.where.append("f.label = ?")
        f.params.append(status)
    await _article_filter(store, f, article)
    if f.not_found:
        return QuestionsAnswer(**f.answer_fields())
    actors = await name_index(store, "actor")
    # Open questions first: they are what a reporter is chasing.
    rows = await _rows(store, f"{_FACT_SELECT} WHERE {f.sql()} "
                              f"ORDER BY f.label = 'answered', {ORDER}", f.params, last=True)
    items = []
    for r in rows:
        p = json.loads(r["payload"])
        items.append(QuestionItem(
            r["id"], r["article"], r["text"], r["label"], r["topic_name"],
            _names(actors, p.get("actors") or ()), p.get("answer"),
            _evidence(p), tuple(p.get("answer_evidence") or ())))
    return QuestionsAnswer(items=tuple(items), articles=_refs_of(rows), **f.answer_fields())


@lazy_snapshot
async def timeline(store: Store, article: str | None = None) -> TimelineAnswer:
    f = _Filters()
    f.where.append("f.kind = 'event'")
    await _article_filter(store, f, article)
    if f.not_found:
        return TimelineAnswer(**f.answer_fields())
    actors = await name_index(store, "actor")
    rows = await _rows(store, f"{_FACT_SELECT} WHERE {f.sql()} ORDER BY {ORDER}", f.params,
                       last=True)
    items = []
    for r in rows:
        p = json.loads(r["payload"])
        items.append(EventItem(r["id"], r["article"], p["when"], p.get("date"), r["text"],
                               _names(actors, p.get("actors") or ()), _evidence(p)))
    return TimelineAnswer(items=tuple(items), articles=_refs_of(rows), **f.answer_fields())


@lazy_snapshot
async def articles(store: Store) -> ArticlesAnswer:
    counts: dict[str, dict[str, int]] = {}
    for row in await _rows(store, "SELECT article, kind, count(*) AS n FROM facts "
                                  "GROUP BY article, kind", ()):
        counts.setdefault(row["article"], {})[row["kind"]] = row["n"]
    rows = await _rows(store, "SELECT slug, title, outlet, published, url FROM articles ar "
                              "ORDER BY ar.published IS NULL, ar.published DESC, ar.slug", (),
                       last=True)
    items = tuple(ArticleSummary(ArticleRef(r["slug"], r["title"], r["outlet"], r["published"],
                                            r["url"]), counts.get(r["slug"], {})) for r in rows)
    return ArticlesAnswer(items=items, articles={i.ref.slug: i.ref for i in items})


@lazy_snapshot
async def who(store: Store, name: str) -> ProfileAnswer:
    f = _Filters()
    m = await _resolve(store, f, "name", "actor", name)
    if m is None:
        return ProfileAnswer(**f.answer_fields()) if f.not_found else ProfileAnswer(
            not_found=NotFound("actor", name, ()), filters={"name": name})
    key = m.keys[0]
    profile = (await _rows(
        store, "SELECT a.*, a.payload AS payload FROM actors a JOIN articles ar "
               "ON ar.slug = a.article WHERE a.key = ? "
               "ORDER BY ar.published IS NULL DESC, ar.published, ar.loaded_at", (key,)))[-1]
    p = json.loads(profile["payload"])
    index = await name_index(store, "actor")
    chain: list[str] = []
    parent = profile["affiliation"]
    while parent and index.display.get(parent, parent) not in chain and len(chain) < 10:
        chain.append(index.display.get(parent, parent))
        rows = await _rows(store, "SELECT affiliation FROM actors WHERE key = ? "
                                  "AND affiliation IS NOT NULL LIMIT 1", (parent,))
        parent = rows[0]["affiliation"] if rows else None
    _, members = await _rollup(store, (key,))
    pos_rows = await _rows(store, f"{_FACT_SELECT} WHERE f.kind = 'position' AND f.actor = ? "
                                  f"ORDER BY {ORDER}", (key,))
    quote_rows = await _rows(store, f"{_FACT_SELECT} WHERE f.kind = 'quote' AND f.actor = ? "
                                    f"ORDER BY {ORDER}", (key,))
    pos = tuple([_position(r, index) for r in pos_rows])
    quo = tuple([_quote(r, index) for r in quote_rows])
    claim_items, _ = await _claims(store, "f.kind = 'claim' AND f.actor = ?", (key,))
    cla = tuple(claim_items)
    slugs = {profile["article"], *(i.article for i in pos), *(i.article for i in quo),
             *(i.article for i in cla)}
    return ProfileAnswer(
        key=key, name=profile["name"], kind=profile["kind"], role=profile["role"],
        aliases=tuple(p.get("aliases") or ()), affiliation_chain=tuple(chain), members=members,
        evidence=_evidence(p), positions=pos, quotes=quo, claims=cla,
        articles=await _refs(store, slugs, last=True), **f.answer_fields())


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
    sql = ("SELECT f.id, f.article, f.kind, f.text, "
           f"snippet(facts_fts, 0, '{HIT_START}', '{HIT_END}', '…', 16) AS snip "
           "FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid "
           "WHERE facts_fts MATCH ? ORDER BY rank LIMIT ?")
    rows = await _rows(store, sql, (expression, limit))
    any_word = False
    if not rows and " " in expression:
        any_word = True
        rows = await _rows(store, sql, (fts_query(query, any_word=True), limit))
    items = tuple(SearchHit(r["id"], r["article"], r["kind"], r["text"], r["snip"]) for r in rows)
    return SearchAnswer(query=query, items=items, any_word=any_word, filters=typed,
                        articles=await _refs(store, (i.article for i in items), last=True))


@lazy_snapshot
async def source(store: Store, fact_id: str) -> SourceAnswer:
    typed = {"fact_id": fact_id}
    wanted = fact_id.strip().strip("`'\"").lower()
    rows = await _rows(store, "SELECT id, article, kind, text, payload FROM facts WHERE id = ?",
                       (wanted,)) if wanted else []
    if not rows and wanted and "/" not in wanted:
        # substr, not LIKE: SQLite cuts a LIKE pattern at a NUL, and %/_ need no escaping.
        rows = await _rows(store, "SELECT id, article, kind, text, payload FROM facts "
                                  "WHERE substr(id, -?) = ? LIMIT 26",
                           (len(wanted) + 1, "/" + wanted))
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
    article = (await _rows(store, "SELECT slug, title, outlet, published, url, body FROM articles "
                                  "WHERE slug = ?", (row["article"],), last=True))[0]
    body = article["body"]
    passages = []
    for excerpt in (*_evidence(p), *(p.get("answer_evidence") or ())):
        span = locate(excerpt, body)
        passages.append((excerpt, sentence_around(body, *span) if span else excerpt))
    return SourceAnswer(fact_id=row["id"], kind=row["kind"], text=row["text"],
                        passages=tuple(passages), filters=typed,
                        articles={article["slug"]: ArticleRef(
                            article["slug"], article["title"], article["outlet"],
                            article["published"], article["url"])})


async def _similar_ids(store: Store, wanted: str) -> tuple[str, ...]:
    if not wanted:
        return ()
    slug = wanted.split("/", 1)[0]
    rows = await _rows(store, "SELECT id FROM facts WHERE article = ?", (slug,))
    if not rows:
        index = await name_index(store, "article")
        resolved = index.resolve(slug)
        if isinstance(resolved, Match):
            rows = await _rows(store, "SELECT id FROM facts WHERE article = ?",
                               (resolved.keys[0],))
    ids = [r["id"] for r in rows]
    return tuple(name for name, _, _ in process.extract(wanted, ids, scorer=fuzz.ratio,
                                                        score_cutoff=50, limit=3))


@lazy_snapshot
async def fact_ids(store: Store, typed: str, limit: int = 25) -> list[str]:
    """Fact ids for autocomplete: prefix matches first, then ids containing what was typed."""
    wanted = typed.strip().lower()
    rows = await _rows(store, "SELECT id FROM facts WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                       (wanted, wanted + "\uffff", limit))
    found = [r["id"] for r in rows]
    if len(found) < limit and wanted:
        # instr, not LIKE: SQLite cuts a LIKE pattern at a NUL, and %/_ need no escaping.
        more = await _rows(store, "SELECT id FROM facts WHERE instr(id, ?) > 0 "
                                  "ORDER BY length(id), id LIMIT ?", (wanted, limit))
        found += [r["id"] for r in more if r["id"] not in found]
    return found[:limit]


__all__ = ["Answer", "articles", "claims", "fact_ids", "positions", "questions", "quotes",
           "search", "source", "timeline", "who"]
