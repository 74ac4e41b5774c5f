"""Every question the bot answers, as one async function returning a plain result object."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from storage.connections import fetchall, lazy_snapshot
from storage.db import chunks
from storage.names import NameIndex
from storage.ranking import by_relevance
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
    Page,
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
from storage.store import Store
from storage.text import fold, locate, sentence_around

# Search snippets mark matched words with these private-use characters; render turns them into
# whatever the surface uses (bold on Discord, brackets on the console).
HIT_START = "\ue000"
HIT_END = "\ue001"
SEARCH_LIMIT = 50
MAX_SEARCH_TERMS = 16
MAX_TERM_LENGTH = 64
ORDER = "ar.published IS NULL, ar.published DESC, ar.slug, f.seq"
WHO_ITEMS = 5  # how many positions, quotes and claims /who shows of each; the rest are counted


# Conditions fact_counts can answer: a fact's kind, or its label (a parameter or a literal).
_COUNTED = re.compile(r"f\.(?:kind = '[a-z]+'|label = (?:\?|'[a-z-]+'))\Z")


class _Filters:
    """Resolved options: SQL conditions plus how each name was understood."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: list[Any] = []
        self.matches: list[Match] = []
        self.not_found: NotFound | None = None
        self.typed: dict[str, str] = {}
        self.involving: str | None = None  # FROM fact_actors WHERE ...: set by _involving
        self.mirrored = 0  # conditions of ``where`` that ``involving`` also has

    def answer_fields(self) -> dict[str, Any]:
        return {"matches": tuple(self.matches), "not_found": self.not_found,
                "filters": dict(self.typed)}

    def sql(self, walk: bool = False) -> str:
        where = self.where
        if self.involving and not walk:
            # Without table statistics SQLite would walk every fact of the kind (facts_by_label)
            # and test each against the involved facts: tens of ms at 10,000 articles. A unary
            # + on the kind test keeps its meaning but not its index, so the plan starts from
            # the involved facts instead. Walking articles in order, the kind's index is what
            # finds an article's facts of the kind, so it stays.
            where = [f"+{w}" if w.startswith("f.kind = ") else w for w in where]
        elif self.involving:
            # Walking articles, each fact of the kind met is tested on its own few
            # fact_actors rows (the unary + keeps the actors' list from being an index
            # search), rather than first listing every fact involving the names: thousands
            # for a country, 5 ms before the walk could start.
            where = [_walking(w) if w.startswith(_INVOLVED) else w for w in where]
        return " AND ".join(where) if where else "1"

    def narrowed(self, condition: str, involved: str) -> _Filters:
        """These filters and one more condition (without parameters) on the fact, which
        ``involved`` states on its fact_actors rows (they copy the fact's kind and label)."""
        g = _Filters()
        g.where, g.params, g.involving = [*self.where, condition], list(self.params), self.involving
        g.mirrored = self.mirrored
        if self.involving:
            g.involving, g.mirrored = f"{self.involving} AND {involved}", self.mirrored + 1
        return g

    def only_involving(self) -> bool:
        """Only the kind, the actors involved and conditions fact_actors mirrors: what
        fact_actors alone can answer (it has each fact's kind, label, article and seq)."""
        return bool(self.involving and len(self.where) == 2 + self.mirrored
                    and self.where[0].startswith("f.kind = '"))

    def counted(self) -> bool:
        """Only the kind and labels: what fact_counts answers."""
        return bool(self.where) and all(_COUNTED.match(w) for w in self.where)

    def entry_cost(self) -> int:
        """What reading one match costs the sorting plan (_read_page), in index entries."""
        return INVOLVED_COST if self.involving and not self.only_involving() else 1

    def count_sql(self) -> str:
        if self.only_involving():
            return f"SELECT count(DISTINCT fact) {self.involving}"
        if self.counted():
            # Only the kind and labels: the totals kept by each load (migration 0012).
            return ("SELECT coalesce(sum(n), 0) FROM fact_counts WHERE "
                    + " AND ".join(w.removeprefix("f.") for w in self.where))
        return f"SELECT count(*) FROM facts f WHERE {self.sql()}"


async def _resolve(store: Store, f: _Filters, option: str, entity: str, value: str | None,
                   rollup: bool = False) -> Match | None:
    if value is None or not value.strip() or f.not_found is not None:
        return None
    f.typed[option] = value
    result = (await store.names.index(entity)).resolve(value)
    if isinstance(result, NotFound):
        f.not_found = result
        return None
    if rollup:
        keys, names = await _rollup(store, result.keys)
        result = Match(result.entity, result.query, keys, result.name, result.corrected, names)
    f.matches.append(result)
    return result


async def _rollup(store: Store, keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys plus every actor whose affiliation chain leads to one of them, and the
    display names of those others. Remembered until the next load: a big country's members
    cost 0.3 ms to find at 10,000 articles, and the same names are asked for again and again
    (every page of an answer, every reporter on the same story)."""
    actors = await store.names.index("actor")
    wanted = tuple(keys)
    known = actors.rollup(wanted)
    if known is None:
        found = await store.call(_members_on, wanted)
        known = found, _member_names(actors, wanted, found)
        actors.remember_rollup(wanted, known)
    return known


def _members_on(conn: sqlite3.Connection, keys: Sequence[str]) -> tuple[str, ...]:
    seeds = ",".join("(?)" for _ in keys)
    sql = (f"WITH RECURSIVE members(key) AS (VALUES {seeds} "
           "UNION SELECT l.key FROM affiliations l JOIN members m ON l.affiliation = m.key) "
           "SELECT key FROM members")
    found = [row["key"] for row in fetchall(conn, sql, keys)]
    return (*keys, *[k for k in found if k not in keys])


def _member_names(actors: NameIndex, keys: Sequence[str], found: Sequence[str]
                  ) -> tuple[str, ...]:
    return tuple(sorted(actors.display.get(k, k) for k in found if k not in keys))


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' for _ in values)})"


async def _article_filter(store: Store, f: _Filters, article: str | None,
                          column: str = "f.article") -> None:
    match = await _resolve(store, f, "article", "article", article)
    if match:
        f.where.append(_in(column, match.keys))
        f.params.extend(match.keys)


def _refs_on(conn: sqlite3.Connection, slugs: Iterable[str]) -> dict[str, ArticleRef]:
    refs: dict[str, ArticleRef] = {}
    for chunk in chunks(sorted(set(slugs))):
        for row in fetchall(conn, "SELECT slug, title, outlet, published, url FROM articles "
                                  "WHERE " + _in("slug", chunk), chunk):
            refs[row["slug"]] = ArticleRef(row["slug"], row["title"], row["outlet"],
                                           row["published"], row["url"])
    return refs


async def _rows(store: Store, sql: str, params: Sequence[Any], last: bool = False) -> list[Any]:
    return await store.rows(sql, params, last=last)  # one trip to the connection's thread


def _refs_of(rows: Iterable[Any]) -> dict[str, ArticleRef]:
    """The articles fact rows cite, from the article columns _FACT_SELECT carries (what
    _refs_on would read, without another statement)."""
    refs = {r["article"]: ArticleRef(r["article"], r["ref_title"], r["ref_outlet"],
                                     r["ref_published"], r["ref_url"]) for r in rows}
    return {slug: refs[slug] for slug in sorted(refs)}


# What visiting one article costs a walk (its facts of the kind tested from
# facts_by_article_page), in index entries the other plan reads and sorts: measured at 10,000
# articles, 3-9 µs an article against about 1 µs an entry, and 7 µs an entry when the facts
# are those involving a name and more than fact_actors can answer (each looked up by id:
# INVOLVED_COST).
WALK_COST = 8
INVOLVED_COST = 7


def _read_page(conn: sqlite3.Connection, count_sql: str, page_sql: str, params: tuple[Any, ...],
               page: Page, walk_sql: str | None = None, entry_cost: int = 1
               ) -> tuple[list[sqlite3.Row], int, Page]:
    """On the connection's thread, in one trip: the total, then the page (clamped to the last
    one: the facts may have changed since the page number was chosen).

    ``walk_sql``, the same page read by walking the articles in answer order: it stops once
    the page is full and sorts nothing, but looks into every article it passes.
    ``page_sql`` finds every matching fact and keeps the best.
    The count says which is cheaper: walking wins when the facts are a dense share of the
    archive (no name filter, or a big country's roll-up on its first pages)."""
    total = _count(conn, count_sql, params)
    page = _clamp(page, total)
    return _slice(conn, page_sql, walk_sql, params, total, page.offset, page.size,
                  entry_cost), total, page


def _count(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _clamp(page: Page, total: int) -> Page:
    last_page = max(1, -(-total // page.size))
    if page.number > last_page or page.number < 1:
        return Page(min(max(page.number, 1), last_page), page.size)
    return page


def _slice(conn: sqlite3.Connection, page_sql: str, walk_sql: str | None,
           params: tuple[Any, ...], total: int, offset: int, limit: int, entry_cost: int = 1
           ) -> list[sqlite3.Row]:
    """``limit`` rows from ``offset`` of ``total``, by whichever statement costs less."""
    if walk_sql is not None and total:
        articles = _count(conn, "SELECT count(*) FROM articles", ())
        # Articles walked ~ articles * (offset + limit) / total, each WALK_COST; finding them
        # all instead reads ~ total entries, each ``entry_cost``, and sorts them.
        if articles * (offset + limit) * WALK_COST < total * total * entry_cost:
            page_sql = walk_sql
    return conn.execute(page_sql, (*params, limit, offset)).fetchall()


async def _fact_page(store: Store, f: _Filters, page: Page | None, order: str = ORDER,
                     last: bool = False) -> tuple[list[Any], int, Page | None]:
    """``_page_on`` in one trip to the connection's thread."""
    return await store.call(_page_on, f, page, order, last=last)


def _page_on(conn: sqlite3.Connection, f: _Filters, page: Page | None, order: str = ORDER
             ) -> tuple[list[sqlite3.Row], int, Page | None]:
    """The fact rows (``_FACT_SELECT``) of one page in ``order``, the number of facts that
    match, and the page read. ``page`` None: every matching row.

    LIMIT/OFFSET rather than keyset: the pager only steps one page either way, an exact
    "21-30 of 312" comes free with the offset, and a page number survives a reload (clamped)
    where a cursor's fact may be gone. The page's ids are chosen first from indexes alone,
    then only those facts are read whole, so a name with thousands of facts reads ten
    payloads, not thousands."""
    if page is None:
        rows = fetchall(conn, f"{_FACT_SELECT} WHERE {f.sql()} ORDER BY {order}",
                         tuple(f.params))
        return rows, len(rows), None
    count_sql, page_sql, walk_sql = _statements(f, order)
    return _read_page(conn, count_sql, page_sql, tuple(f.params), page, walk_sql,
                      f.entry_cost())


def _parts_page_on(conn: sqlite3.Connection, f: _Filters, page: Page | None,
                   parts: Sequence[tuple[str, str]]) -> tuple[list[sqlite3.Row], int, Page | None]:
    """``_page_on`` for an order by part, then ORDER: the facts that meet the first of the
    conditions ``parts`` (which must split the facts: one and only one holds for each; each
    as a condition on the fact and the same on its fact_actors rows), then those meeting
    the second, and so on. Read part by part, each of which can walk the
    articles in order, instead of sorting every match (/questions with open ones first, at
    10,000 articles: 40 ms unfiltered, 29 ms for a country)."""
    if page is None:
        order = ", ".join(f"NOT ({c})" for c, _ in parts)
        return _page_on(conn, f, None, f"{order}, {ORDER}")
    narrowed = [f.narrowed(condition, involved) for condition, involved in parts]
    statements = [(g, _statements(g, ORDER), tuple(g.params)) for g in narrowed]
    if all(g.counted() or g.only_involving() for g in narrowed):  # each part's from an index
        counts = [_count(conn, sql[0], params) for _, sql, params in statements]
    else:  # the first part's count is what the others leave of the whole (often cheaper)
        counts = [_count(conn, sql[0], params) for _, sql, params in statements[1:]]
        counts.insert(0, _count(conn, f.count_sql(), tuple(f.params)) - sum(counts))
    page = _clamp(page, sum(counts))
    rows: list[sqlite3.Row] = []
    offset = page.offset
    for (g, (_, page_sql, walk_sql), params), total in zip(statements, counts, strict=True):
        if offset < total and len(rows) < page.size:
            rows += _slice(conn, page_sql, walk_sql, params, total, offset,
                           page.size - len(rows), g.entry_cost())
        offset = max(0, offset - total)
    return rows, sum(counts), page


def _statements(f: _Filters, order: str) -> tuple[str, str, str | None]:
    """The count, the page read by sorting the matches, and (in ORDER) the page read by
    walking the articles in order."""
    count_sql = f.count_sql()
    pick = f"WHERE {f.sql()} ORDER BY {order} LIMIT ? OFFSET ?"
    # The order's article columns from a covering index (slug, published): a big name's
    # thousands of candidates would otherwise each visit an article row as well (7 -> 3 ms
    # for a country's roll-up at 10,000 articles).
    page_sql = (f"{_FACT_SELECT} WHERE f.rowid IN (SELECT f.rowid FROM facts f "
                f"JOIN articles ar INDEXED BY articles_by_date ON ar.slug = f.article {pick}) "
                f"ORDER BY {order}")
    if f.only_involving() and order == ORDER and f.involving:
        # The page's facts chosen in fact_actors (fact_actors_by_actor_page) and the articles'
        # order, not by looking up every involved fact by id: a fact involving several of
        # the names is there once per name, hence the GROUP BY.
        involved = f.involving.replace("FROM fact_actors WHERE", "FROM fact_actors fa JOIN "
                                       "articles ar INDEXED BY articles_by_date ON "
                                       "ar.slug = fa.article WHERE", 1)
        page_sql = (f"{_FACT_SELECT} WHERE f.id IN (SELECT fa.fact {involved} GROUP BY "
                    f"fa.fact ORDER BY {order.replace('f.seq', 'fa.seq')} LIMIT ? OFFSET ?) "
                    f"ORDER BY {order}")
    # CROSS JOIN makes SQLite walk the articles in answer order (articles_by_order) and take
    # each one's facts of the kind in sheet order (facts_by_article_page, which holds the
    # columns the name filters test): only possible when the order is ORDER.
    walk_sql = (f"{_FACT_SELECT} WHERE f.rowid IN (SELECT f.rowid FROM articles ar "
                "INDEXED BY articles_by_order CROSS JOIN facts f INDEXED BY "
                f"facts_by_article_page ON f.article = ar.slug WHERE {f.sql(walk=True)} "
                f"ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}"
                ) if order == ORDER else None
    return count_sql, page_sql, walk_sql


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
                    article: str | None = None, *, page: Page | None = None) -> PositionsAnswer:
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
    actors = await store.names.index("actor")
    rows, total, page = await _fact_page(store, f, page, last=True)
    items = tuple([_position(r, actors) for r in rows])
    return PositionsAnswer(items=items, articles=_refs_of(rows), total=total, page=page,
                           **f.answer_fields())


@lazy_snapshot
async def quotes(store: Store, speaker: str | None = None, contains: str | None = None,
                 article: str | None = None, *, page: Page | None = None) -> QuotesAnswer:
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
    actors = await store.names.index("actor")
    rows, total, page = await _fact_page(store, f, page, last=True)
    items = tuple([_quote(r, actors) for r in rows])
    return QuotesAnswer(items=items, articles=_refs_of(rows), total=total, page=page,
                        **f.answer_fields())


_INVOLVED = "f.id IN (SELECT fact FROM fact_actors WHERE actor IN "


def _walking(involved: str) -> str:
    """The fact involves the names (_INVOLVED...), tested on the fact's own rows: the same
    parameters in the same order."""
    rest = involved.removeprefix(_INVOLVED).removesuffix(")")
    return f"EXISTS (SELECT 1 FROM fact_actors WHERE fact = f.id AND +actor IN {rest})"


async def _involving(f: _Filters, kind: str, keys: Sequence[str]) -> None:
    f.involving = f"FROM fact_actors WHERE {_in('actor', keys)} AND kind = ?"
    f.where.append(f"f.id IN (SELECT fact {f.involving})")  # starts with _INVOLVED
    f.params.extend([*keys, kind])


async def _claims(store: Store, f: _Filters, page: Page | None, last: bool = False
                  ) -> tuple[list[ClaimItem], dict[str, ArticleRef], int, Page | None]:
    """The claims of one page with their responses, the articles they cite, the number of
    claims that match and the page read: one trip to the connection's thread."""
    actors = await store.names.index("actor")
    rows, total, page, responses = await store.call(_claim_page_on, f, page, last=last)
    return _claim_items(rows, responses, actors), _refs_of(rows), total, page


_Responses = dict[str, list[sqlite3.Row]]


def _claim_page_on(conn: sqlite3.Connection, f: _Filters, page: Page | None
                   ) -> tuple[list[sqlite3.Row], int, Page | None, _Responses]:
    """``_page_on``, and the responses to each claim of the page (one statement per 500
    claims, not one per claim)."""
    rows, total, page = _page_on(conn, f, page)
    responses: _Responses = {}
    for chunk in chunks([r["id"] for r in rows]):
        for x in fetchall(conn, "SELECT f.id, f.actor, f.label, f.text, f.payload, f.parent, "
                                "a.name AS actor_name FROM facts f LEFT JOIN actors a "
                                "ON a.article = f.article AND a.key = f.actor "
                                f"WHERE {_in('f.parent', chunk)} ORDER BY f.seq", chunk):
            responses.setdefault(x["parent"], []).append(x)
    return rows, total, page, responses


def _claim_items(rows: Iterable[sqlite3.Row], responses: _Responses, actors: NameIndex
                 ) -> list[ClaimItem]:
    items = []
    for r in rows:
        answers = []
        for x in responses.get(r["id"], ()):
            p = json.loads(x["payload"])
            answers.append(ResponseItem(x["id"], x["actor"], x["actor_name"], x["label"],
                                        x["text"], _via(p, actors), _evidence(p)))
        items.append(ClaimItem(
            r["id"], r["article"], r["actor"], r["actor_name"], r["text"], r["label"],
            _evidence(json.loads(r["payload"])), tuple(answers)))
    return items


@lazy_snapshot
async def claims(store: Store, status: str | None = None, actor: str | None = None,
                 article: str | None = None, *, page: Page | None = None) -> ClaimsAnswer:
    f = _Filters()
    f.where.append("f.kind = 'claim'")
    if status and status != "all":
        f.typed["status"] = status
        f.where.append("f.label = ?")
        f.params.append(status)
    m = await _resolve(store, f, "actor", "actor", actor, rollup=True)
    if m:
        await _involving(f, "claim", m.keys)
    await _article_filter(store, f, article)
    if f.not_found:
        return ClaimsAnswer(**f.answer_fields())
    items, refs, total, page = await _claims(store, f, page, last=True)
    return ClaimsAnswer(items=tuple(items), articles=refs, total=total, page=page,
                        **f.answer_fields())


# Every question is open or answered (storage.model.QUESTION_STATUSES, checked on load).
_QUESTION_PARTS = (("f.label = 'open'", "label = 'open'"),
                   ("f.label = 'answered'", "label = 'answered'"))


@lazy_snapshot
async def questions(store: Store, topic: str | None = None, actor: str | None = None,
                    status: str | None = None, article: str | None = None, *,
                    page: Page | None = None) -> QuestionsAnswer:
    f = _Filters()
    f.where.append("f.kind = 'question'")
    m = await _resolve(store, f, "topic", "topic", topic)
    if m:
        f.where.append(_in("f.topic", m.keys))
        f.params.extend(m.keys)
    m = await _resolve(store, f, "actor", "actor", actor, rollup=True)
    if m:
        await _involving(f, "question", m.keys)
    if status and status != "all":
        f.typed["status"] = status
        f.where.append("f.label = ?")
        f.params.append(status)
    await _article_filter(store, f, article)
    if f.not_found:
        return QuestionsAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    # Open questions first: they are what a reporter is chasing.
    rows, total, page = await store.call(_parts_page_on, f, page, _QUESTION_PARTS, last=True)
    items = []
    for r in rows:
        p = json.loads(r["payload"])
        items.append(QuestionItem(
            r["id"], r["article"], r["text"], r["label"], r["topic_name"],
            _names(actors, p.get("actors") or ()), p.get("answer"),
            _evidence(p), tuple(p.get("answer_evidence") or ())))
    return QuestionsAnswer(items=tuple(items), articles=_refs_of(rows), total=total, page=page,
                           **f.answer_fields())


@lazy_snapshot
async def timeline(store: Store, article: str | None = None, *,
                   page: Page | None = None) -> TimelineAnswer:
    f = _Filters()
    f.where.append("f.kind = 'event'")
    await _article_filter(store, f, article)
    if f.not_found:
        return TimelineAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    rows, total, page = await _fact_page(store, f, page, last=True)
    items = []
    for r in rows:
        p = json.loads(r["payload"])
        items.append(EventItem(r["id"], r["article"], p["when"], p.get("date"), r["text"],
                               _names(actors, p.get("actors") or ()), _evidence(p)))
    return TimelineAnswer(items=tuple(items), articles=_refs_of(rows), total=total, page=page,
                          **f.answer_fields())


ARTICLE_ORDER = "ar.published IS NULL, ar.published DESC, ar.slug"


@lazy_snapshot
async def articles(store: Store, *, page: Page | None = None) -> ArticlesAnswer:
    select = "SELECT slug, title, outlet, published, url FROM articles ar"
    if page is None:
        rows = await _rows(store, f"{select} ORDER BY {ARTICLE_ORDER}", ())
        total = len(rows)
    else:
        rows, total, page = await store.call(
            _read_page, "SELECT count(*) FROM articles",
            f"{select} ORDER BY {ARTICLE_ORDER} LIMIT ? OFFSET ?", (), page)
    # Counted for the page's articles only: over every fact it is a scan of the whole table.
    counts: dict[str, dict[str, int]] = {}
    slugs = [r["slug"] for r in rows]
    for start in range(0, len(slugs), 500):
        chunk = slugs[start:start + 500]
        for row in await _rows(store, "SELECT article, kind, count(*) AS n FROM facts "
                                      f"WHERE {_in('article', chunk)} GROUP BY article, kind",
                               chunk, last=start + 500 >= len(slugs)):
            counts.setdefault(row["article"], {})[row["kind"]] = row["n"]
    items = tuple(ArticleSummary(ArticleRef(r["slug"], r["title"], r["outlet"], r["published"],
                                            r["url"]), counts.get(r["slug"], {})) for r in rows)
    return ArticlesAnswer(items=items, articles={i.ref.slug: i.ref for i in items}, total=total,
                          page=page)


# An actor's row in the article its name is shown from (storage.names.directory).
_SHOWN_ACTOR = ("FROM name_shown s JOIN actors a ON a.article = s.article AND a.key = s.key "
                "WHERE s.entity = 'actor' AND s.key = ?")


@lazy_snapshot
async def who(store: Store, name: str) -> ProfileAnswer:
    f = _Filters()
    m = await _resolve(store, f, "name", "actor", name)
    if m is None:
        return ProfileAnswer(**f.answer_fields()) if f.not_found else ProfileAnswer(
            not_found=NotFound("actor", name, ()), filters={"name": name})
    key = m.keys[0]
    index = await store.names.index("actor")
    found = await store.call(_profile_on, key, last=True)
    profile = found.profile
    p = json.loads(profile["payload"])
    chain: list[str] = []
    for parent in found.chain:  # as far as the names differ (a loop ends it)
        shown = index.display.get(parent, parent)
        if shown in chain:
            break
        chain.append(shown)
    pos_rows, pos_total = found.positions
    quote_rows, quote_total = found.quotes
    claim_rows, claim_total, responses = found.claims
    return ProfileAnswer(
        key=key, name=profile["name"], kind=profile["kind"], role=profile["role"],
        aliases=tuple(p.get("aliases") or ()), affiliation_chain=tuple(chain),
        members=_member_names(index, (key,), found.members), evidence=_evidence(p),
        positions=tuple([_position(r, index) for r in pos_rows]),
        quotes=tuple([_quote(r, index) for r in quote_rows]),
        claims=tuple(_claim_items(claim_rows, responses, index)), positions_total=pos_total,
        quotes_total=quote_total, claims_total=claim_total, articles=found.articles,
        **f.answer_fields())


@dataclass(frozen=True)
class _Profile:
    """What /who reads, in one trip to the connection's thread (_profile_on)."""

    profile: sqlite3.Row
    chain: tuple[str, ...]  # affiliation keys, nearest first
    members: tuple[str, ...]
    positions: tuple[list[sqlite3.Row], int]
    quotes: tuple[list[sqlite3.Row], int]
    claims: tuple[list[sqlite3.Row], int, _Responses]
    articles: dict[str, ArticleRef]


def _profile_on(conn: sqlite3.Connection, key: str) -> _Profile:
    # The actor as its newest dated article has it: the article the name directory shows the
    # actor's name from (storage.names.directory), so the profile and every answer agree on the name.
    # (The key came from the name index, which is read from that directory: it is there.)
    profile = fetchall(conn, f"SELECT a.* {_SHOWN_ACTOR}", (key,))[0]
    chain: list[str] = []
    parent = profile["affiliation"]
    while parent and parent not in chain and len(chain) < 10:
        chain.append(parent)
        # As the parent's newest article has it (one seek; a country stands in thousands of
        # articles, none of them with an affiliation to find); when that article gives none,
        # any article's, as the roll-ups follow (through storage.names' affiliation links).
        rows = fetchall(conn, f"SELECT a.affiliation {_SHOWN_ACTOR}", (parent,))
        if not rows or rows[0]["affiliation"] is None:
            rows = fetchall(conn, "SELECT affiliation FROM actors WHERE key = ? AND "
                                  "affiliation IS NOT NULL ORDER BY affiliation LIMIT 1",
                            (parent,))
        parent = rows[0]["affiliation"] if rows else None
    # A summary: the first few of each, with how many there are in all; the full lists are
    # /positions, /quotes and /claims, read a page at a time.
    first = Page(1, WHO_ITEMS)
    positions, pos_total, _ = _page_on(conn, _own(key, "position"), first)
    quotes, quote_total, _ = _page_on(conn, _own(key, "quote"), first)
    claims, claim_total, _, responses = _claim_page_on(conn, _own(key, "claim"), first)
    slugs = {profile["article"], *(r["article"] for r in (*positions, *quotes, *claims))}
    return _Profile(profile, tuple(chain), _members_on(conn, (key,)), (positions, pos_total),
                    (quotes, quote_total), (claims, claim_total, responses),
                    _refs_on(conn, slugs))


def _own(key: str, kind: str) -> _Filters:
    """The facts of one kind held, said or made by one actor (no roll-up)."""
    f = _Filters()
    f.where += ["f.kind = ?", "f.actor = ?"]
    f.params += [kind, key]
    return f


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
                        articles=_refs_of(rows))


# Newest first (the most recently loaded facts: FTS5 walks its index by rowid and stops at
# limit + 1 matches), and when every match fits in the answer, the most relevant first
# (storage.ranking). Ranking with FTS5's bm25 reads every fact that has any of the words:
# hundreds of milliseconds for two common words in a newsroom archive.
_SEARCH = ("SELECT facts_fts.rowid AS rid, f.id, f.article, f.kind, f.text, f.search, "
           f"snippet(facts_fts, 0, '{HIT_START}', '{HIT_END}', '…', 16) AS snip, "
           "ar.title AS ref_title, ar.outlet AS ref_outlet, ar.published AS ref_published, "
           "ar.url AS ref_url FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid "
           "JOIN articles ar ON ar.slug = f.article "
           "WHERE facts_fts MATCH ? ORDER BY facts_fts.rowid DESC LIMIT ?")


def _search_on(conn: sqlite3.Connection, query: str, expression: str, limit: int
               ) -> tuple[list[sqlite3.Row], bool, bool]:
    """On the connection's thread: the hits in the order shown (with the columns
    ``_refs_of`` reads), whether only some of the words matched, and whether more than
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
    rows = await _rows(store, "SELECT id, article, kind, text, payload FROM facts WHERE id = ?",
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
        index = await store.names.index("article")
        resolved = index.resolve(slug)
        if isinstance(resolved, Match):
            rows = await _rows(store, "SELECT id FROM facts WHERE article = ?",
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


__all__ = ["Answer", "articles", "claims", "fact_ids", "positions", "questions", "quotes",
           "search", "source", "timeline", "who"]
