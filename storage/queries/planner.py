"""Reading one page of facts: the statements composed from what an answer filters on, and the
cheaper of two ways to read the page.

A filter is a list of parts (``Part``), each a condition on a fact with what else can answer
it: fact_counts (kind and label), fact_actors (the kind and label it copies, and the actors a
fact involves). The statements for counting, for sorting every match, and for walking the
articles in answer order are built from those parts, never by editing SQL text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from storage.connections import fetchall
from storage.model import FactKind
from storage.results import Match, NotFound, Page

ORDER = "ar.published IS NULL, ar.published DESC, ar.slug, f.seq"

# What visiting one article costs a walk (its facts of the kind tested from
# facts_by_article_page), in index entries the other plan reads and sorts: measured at 10,000
# articles, 3-9 µs an article against about 1 µs an entry, and 7 µs an entry when the facts
# are those involving a name and more than fact_actors can answer (each looked up by id:
# INVOLVED_COST).
WALK_COST = 8
INVOLVED_COST = 7

FACT_SELECT = (
    "SELECT f.id, f.article, f.kind, f.actor, f.topic, f.label, f.text, f.payload, "
    "a.name AS actor_name, t.name AS topic_name, ar.title AS ref_title, "
    "ar.outlet AS ref_outlet, ar.published AS ref_published, ar.url AS ref_url, "
    "ar.review AS ref_review, ar.title_source AS ref_title_source FROM facts f "
    "JOIN articles ar ON ar.slug = f.article "
    "LEFT JOIN actors a ON a.article = f.article AND a.key = f.actor "
    "LEFT JOIN topics t ON t.article = f.article AND t.key = f.topic ")


class Role(Enum):
    """What a part is, for the plans that can answer it without reading facts."""

    KIND = "kind"          # the fact's kind, written in the statement (fact_counts, fact_actors)
    LABEL = "label"        # the fact's label (fact_counts; fact_actors when ``mirror`` is set)
    INVOLVED = "involved"  # the fact involves one of some actors (fact_actors)
    OTHER = "other"


@dataclass(frozen=True)
class Part:
    sql: str                       # the condition on ``facts f``
    params: tuple[Any, ...] = ()
    role: Role = Role.OTHER
    mirror: str | None = None      # the same condition on the fact's fact_actors rows

    @property
    def counted(self) -> bool:
        """fact_counts holds it: a kind written in the statement, or a label."""
        return self.role is Role.LABEL or (self.role is Role.KIND and not self.params)


def in_list(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' for _ in values)})"


def kind_is(kind: FactKind) -> Part:
    return Part(f"f.kind = '{kind}'", role=Role.KIND)


def label_is(label: str) -> Part:
    return Part("f.label = ?", (label,), Role.LABEL)


def label_part(label: str) -> Part:
    """A label written in the statement, mirrored on fact_actors (a part of /questions)."""
    return Part(f"f.label = '{label}'", role=Role.LABEL, mirror=f"label = '{label}'")


def column_in(column: str, keys: Sequence[str]) -> Part:
    return Part(in_list(column, keys), tuple(keys))


@dataclass
class Filters:
    """Resolved options: the parts of the condition, plus how each name was understood."""

    parts: list[Part] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    not_found: NotFound | None = None
    typed: dict[str, str] = field(default_factory=dict)
    # The actors a fact must involve, and its kind, when an option asks for that (fact_actors).
    involved: tuple[tuple[str, ...], str] | None = None

    def add(self, part: Part) -> None:
        self.parts.append(part)

    def involving(self, kind: FactKind, keys: Sequence[str]) -> None:
        """Facts of ``kind`` that involve one of ``keys`` (as speaker, actor, respondent...)."""
        self.involved = (tuple(keys), kind)
        self.add(Part(f"f.id IN (SELECT fact {self._involved_from()})", (*keys, kind),
                      Role.INVOLVED))

    def narrowed(self, part: Part) -> Filters:
        """These filters and one more part, which fact_actors mirrors."""
        return replace(self, parts=[*self.parts, part], matches=list(self.matches),
                       typed=dict(self.typed))

    def answer_fields(self) -> dict[str, Any]:
        return {"matches": tuple(self.matches), "not_found": self.not_found,
                "filters": dict(self.typed)}

    @property
    def params(self) -> tuple[Any, ...]:
        return tuple(p for part in self.parts for p in part.params)

    def _involved_from(self, joined: bool = False) -> str:
        """``FROM fact_actors WHERE ...``: the involved facts, with the mirrored parts."""
        assert self.involved is not None
        keys, _ = self.involved
        table = ("fact_actors fa JOIN articles ar INDEXED BY articles_by_date "
                 "ON ar.slug = fa.article") if joined else "fact_actors"
        mirrored = [p.mirror for p in self.parts if p.mirror]
        return " AND ".join([f"FROM {table} WHERE {in_list('actor', keys)}", "kind = ?",
                             *mirrored])

    def sql(self, walk: bool = False) -> str:
        conditions = []
        for part in self.parts:
            if part.role is Role.KIND and self.involved and not walk:
                # Without table statistics SQLite would walk every fact of the kind
                # (facts_by_label) and test each against the involved facts: tens of ms at
                # 10,000 articles. A unary + keeps the test's meaning but not its index, so
                # the plan starts from the involved facts instead. Walking articles in order,
                # the kind's index is what finds an article's facts of the kind, so it stays.
                conditions.append(f"+{part.sql}")
            elif part.role is Role.INVOLVED and walk:
                # Walking articles, each fact of the kind met is tested on its own few
                # fact_actors rows (the unary + keeps the actors' list from being an index
                # search), rather than first listing every fact involving the names:
                # thousands for a country, 5 ms before the walk could start.
                assert self.involved is not None
                keys, _ = self.involved
                conditions.append("EXISTS (SELECT 1 FROM fact_actors WHERE fact = f.id AND "
                                  f"+{in_list('actor', keys)} AND kind = ?)")
            else:
                conditions.append(part.sql)
        return " AND ".join(conditions) if conditions else "1"

    def only_involving(self) -> bool:
        """Only the kind, the actors involved and parts fact_actors mirrors: what fact_actors
        alone can answer (it has each fact's kind, label, article and seq)."""
        return bool(self.involved) and all(
            (p.role is Role.KIND and not p.params) or p.role is Role.INVOLVED or p.mirror
            for p in self.parts) and self.parts[0].role is Role.KIND

    def counted(self) -> bool:
        """Only the kind and labels: what fact_counts answers."""
        return bool(self.parts) and all(p.counted for p in self.parts)

    def entry_cost(self) -> int:
        """What reading one match costs the sorting plan (``read_page``), in index entries."""
        return INVOLVED_COST if self.involved and not self.only_involving() else 1

    def count_sql(self) -> str:
        if self.only_involving():
            return f"SELECT count(DISTINCT fact) {self._involved_from()}"
        if self.counted():
            # Only the kind and labels: the totals kept by each load (migration 0012).
            return ("SELECT coalesce(sum(n), 0) FROM fact_counts WHERE "
                    + " AND ".join(p.sql.removeprefix("f.") for p in self.parts))
        return f"SELECT count(*) FROM facts f WHERE {self.sql()}"

    def statements(self, order: str) -> tuple[str, str, str | None]:
        """The count, the page read by sorting the matches, and (in ORDER) the page read by
        walking the articles in order."""
        pick = f"WHERE {self.sql()} ORDER BY {order} LIMIT ? OFFSET ?"
        # The order's article columns from a covering index (slug, published): a big name's
        # thousands of candidates would otherwise each visit an article row as well (7 -> 3
        # ms for a country's roll-up at 10,000 articles).
        page_sql = (f"{FACT_SELECT} WHERE f.rowid IN (SELECT f.rowid FROM facts f "
                    f"JOIN articles ar INDEXED BY articles_by_date ON ar.slug = f.article "
                    f"{pick}) ORDER BY {order}")
        if self.only_involving() and order == ORDER:
            # The page's facts chosen in fact_actors (fact_actors_by_actor_page) and the
            # articles' order, not by looking up every involved fact by id: a fact involving
            # several of the names is there once per name, hence the GROUP BY.
            fa_order = order.replace("f.seq", "fa.seq")
            page_sql = (f"{FACT_SELECT} WHERE f.id IN (SELECT fa.fact "
                        f"{self._involved_from(joined=True)} GROUP BY fa.fact ORDER BY "
                        f"{fa_order} LIMIT ? OFFSET ?) ORDER BY {order}")
        # CROSS JOIN makes SQLite walk the articles in answer order (articles_by_order) and
        # take each one's facts of the kind in sheet order (facts_by_article_page, which holds
        # the columns the name filters test): only possible when the order is ORDER.
        walk_sql = (f"{FACT_SELECT} WHERE f.rowid IN (SELECT f.rowid FROM articles ar "
                    "INDEXED BY articles_by_order CROSS JOIN facts f INDEXED BY "
                    f"facts_by_article_page ON f.article = ar.slug WHERE {self.sql(walk=True)} "
                    f"ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}"
                    ) if order == ORDER else None
        return self.count_sql(), page_sql, walk_sql


def read_page(conn: sqlite3.Connection, count_sql: str, page_sql: str, params: tuple[Any, ...],
              page: Page, walk_sql: str | None = None, entry_cost: int = 1
              ) -> tuple[list[sqlite3.Row], int, Page]:
    """On the connection's thread, in one trip: the total, then the page (clamped to the last
    one: the facts may have changed since the page number was chosen).

    ``walk_sql``, the same page read by walking the articles in answer order: it stops once
    the page is full and sorts nothing, but looks into every article it passes.
    ``page_sql`` finds every matching fact and keeps the best.
    The count says which is cheaper: walking wins when the facts are a dense share of the
    archive (no name filter, or a big country's roll-up on its first pages)."""
    total = count(conn, count_sql, params)
    page = clamp(page, total)
    return read_slice(conn, page_sql, walk_sql, params, total, page.offset, page.size,
                      entry_cost), total, page


def count(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def clamp(page: Page, total: int) -> Page:
    last_page = max(1, -(-total // page.size))
    if page.number > last_page or page.number < 1:
        return Page(min(max(page.number, 1), last_page), page.size)
    return page


def read_slice(conn: sqlite3.Connection, page_sql: str, walk_sql: str | None,
               params: tuple[Any, ...], total: int, offset: int, limit: int, entry_cost: int = 1
               ) -> list[sqlite3.Row]:
    """``limit`` rows from ``offset`` of ``total``, by whichever statement costs less."""
    if walk_sql is not None and total:
        articles = count(conn, "SELECT count(*) FROM articles", ())
        # Articles walked ~ articles * (offset + limit) / total, each WALK_COST; finding them
        # all instead reads ~ total entries, each ``entry_cost``, and sorts them.
        if articles * (offset + limit) * WALK_COST < total * total * entry_cost:
            page_sql = walk_sql
    return conn.execute(page_sql, (*params, limit, offset)).fetchall()


def page_on(conn: sqlite3.Connection, f: Filters, page: Page | None, order: str = ORDER
            ) -> tuple[list[sqlite3.Row], int, Page | None]:
    """The fact rows (``FACT_SELECT``) of one page in ``order``, the number of facts that
    match, and the page read. ``page`` None: every matching row.

    LIMIT/OFFSET rather than keyset: the pager only steps one page either way, an exact
    "21-30 of 312" comes free with the offset, and a page number survives a reload (clamped)
    where a cursor's fact may be gone. The page's ids are chosen first from indexes alone,
    then only those facts are read whole, so a name with thousands of facts reads ten
    payloads, not thousands."""
    if page is None:
        rows = fetchall(conn, f"{FACT_SELECT} WHERE {f.sql()} ORDER BY {order}", f.params)
        return rows, len(rows), None
    count_sql, page_sql, walk_sql = f.statements(order)
    return read_page(conn, count_sql, page_sql, f.params, page, walk_sql, f.entry_cost())


def parts_page_on(conn: sqlite3.Connection, f: Filters, page: Page | None,
                  parts: Sequence[Part]) -> tuple[list[sqlite3.Row], int, Page | None]:
    """``page_on`` for an order by part, then ORDER: the facts that meet the first of
    ``parts`` (which must split the facts: one and only one holds for each, and each is
    mirrored on fact_actors), then those meeting the second, and so on. Read part by part,
    each of which can walk the articles in order, instead of sorting every match."""
    if page is None:
        order = ", ".join(f"NOT ({p.sql})" for p in parts)
        return page_on(conn, f, None, f"{order}, {ORDER}")
    narrowed = [f.narrowed(part) for part in parts]
    statements = [(g, g.statements(ORDER), g.params) for g in narrowed]
    if all(g.counted() or g.only_involving() for g in narrowed):  # each part's from an index
        counts = [count(conn, sql[0], params) for _, sql, params in statements]
    else:  # the first part's count is what the others leave of the whole (often cheaper)
        counts = [count(conn, sql[0], params) for _, sql, params in statements[1:]]
        counts.insert(0, count(conn, f.count_sql(), f.params) - sum(counts))
    page = clamp(page, sum(counts))
    rows: list[sqlite3.Row] = []
    offset = page.offset
    for (g, (_, page_sql, walk_sql), params), total in zip(statements, counts, strict=True):
        if offset < total and len(rows) < page.size:
            rows += read_slice(conn, page_sql, walk_sql, params, total, offset,
                               page.size - len(rows), g.entry_cost())
        offset = max(0, offset - total)
    return rows, sum(counts), page
