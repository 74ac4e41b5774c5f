"""How a load writes an article's rows: the columns of each table, the rows stored for some
articles, and the statements that turn them into new rows, writing only what differs; the
full-text index set aside during a first load. Functions ending in ``_on`` run on the
writer connection's thread, inside the load's transaction (storage.load.pipeline)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from storage.db import chunks
from storage.rows import SheetRows

# Each table a load writes: its columns, in the order of storage.rows' tuples (articles: and
# then file_stamp, added by storage.load.workers.sheets_rows), and the columns that identify a
# row (names: none, its rows are a multiset).
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "articles": (("slug", "title", "outlet", "url", "published", "language", "body", "folder",
                  "content_hash", "payload", "loaded_at", "review", "title_source", "file_stamp"),
                 ("slug",)),
    "actors": (("article", "key", "name", "kind", "role", "affiliation", "payload"),
               ("article", "key")),
    "topics": (("article", "key", "name", "payload"), ("article", "key")),
    "names": (("article", "entity", "key", "name", "folded"), ()),
    "facts": (("id", "article", "kind", "seq", "actor", "topic", "label", "text", "folded",
               "parent", "search", "payload"), ("id",)),
    "fact_actors": (("fact", "actor", "kind", "label", "article", "seq"), ("fact", "actor")),
}
Rows = dict[str, list[tuple[object, ...]]]


def old_rows_on(conn: sqlite3.Connection, slugs: list[str]) -> Rows:
    """The stored rows of these articles, per table (names with their rowid first)."""
    old: Rows = {table: [] for table in COLUMNS}
    for chunk in chunks(slugs):
        marks = ",".join("?" for _ in chunk)
        for table, (columns, _) in COLUMNS.items():
            if table == "fact_actors":
                sql = (f"SELECT fa.fact, fa.actor, fa.kind, fa.label, fa.article, fa.seq "
                       f"FROM fact_actors fa "
                       f"JOIN facts f ON f.id = fa.fact WHERE f.article IN ({marks})")
            else:
                where = "slug" if table == "articles" else "article"
                rowid = "rowid, " if table == "names" else ""
                sql = f"SELECT {rowid}{', '.join(columns)} FROM {table} WHERE {where} IN ({marks})"
            old[table].extend(tuple(r) for r in conn.execute(sql, chunk))
    return old


def payloads_of(old: Rows) -> dict[tuple[str, str], str]:
    """old_payloads_on's answer, from the rows old_rows_on read."""
    payloads: dict[tuple[str, str], str] = {}
    for r in old["articles"]:
        payloads[("article", str(r[0]))] = str(r[9])
    for r in old["actors"]:
        payloads[("actor", f"{r[0]}/{r[1]}")] = str(r[6])
    for r in old["topics"]:
        payloads[("topic", f"{r[0]}/{r[1]}")] = str(r[3])
    for r in old["facts"]:
        payloads[(str(r[2]), str(r[0]))] = str(r[11])
    return payloads


def insert_sql(table: str) -> str:
    columns = COLUMNS[table][0]
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


def row_ops(new: Rows, old: Rows) -> list[tuple[str, list[tuple[object, ...]]]]:
    """The statements (with their parameters) that turn the ``old`` rows of some articles
    into the ``new`` ones: deletes, updates of the columns that differ, inserts. In the
    order of COLUMNS (a fact before its fact_actors rows), gone facts first."""
    ops: list[tuple[str, list[tuple[object, ...]]]] = []
    if not any(old.values()):  # new articles only (a first load): every row is inserted
        return [(insert_sql(table), new[table]) for table in COLUMNS if new[table]]
    fresh_facts = {r[0] for r in new["facts"]}
    gone_facts: list[tuple[object, ...]] = [(r[0],) for r in old["facts"]
                                            if r[0] not in fresh_facts]
    if gone_facts:  # cascades to their fact_actors rows and FTS entries
        ops.append(("DELETE FROM facts WHERE id = ?", gone_facts))
    for table, (columns, key) in COLUMNS.items():
        insert = insert_sql(table)
        if not key:
            stored: dict[tuple[object, ...], list[object]] = {}
            for rowid, *columns_of in old[table]:
                stored.setdefault(tuple(columns_of), []).append(rowid)
            added: list[tuple[object, ...]] = []
            for fresh in new[table]:
                rowids = stored.get(fresh)
                if rowids:
                    rowids.pop()
                else:
                    added.append(fresh)
            surplus: list[tuple[object, ...]] = [(rowid,) for rowids in stored.values()
                                                 for rowid in rowids]
            if surplus:
                ops.append((f"DELETE FROM {table} WHERE rowid = ?", surplus))
            if added:
                ops.append((insert, added))
            continue
        where = " AND ".join(f"{c} = ?" for c in key)
        at = [columns.index(c) for c in key]
        before = {tuple(r[i] for i in at): r for r in old[table]}
        after: dict[tuple[object, ...], tuple[object, ...]] = {}
        inserts: list[tuple[object, ...]] = []
        for row in new[table]:
            k = tuple(row[i] for i in at)
            if k in after:  # never from a valid sheet: inserted, for the database to refuse
                inserts.append(row)
            else:
                after[k] = row
        if table != "facts":  # gone facts went first
            gone = [k for k in before if k not in after]
            if gone:
                ops.append((f"DELETE FROM {table} WHERE {where}", gone))
        updates: dict[tuple[int, ...], list[tuple[object, ...]]] = {}
        for k, row in after.items():
            was = before.get(k)
            if was is None:
                inserts.append(row)
            elif was != row:
                differ = tuple(i for i, (a, b) in enumerate(zip(was, row, strict=True)) if a != b)
                updates.setdefault(differ, []).append((*(row[i] for i in differ), *k))
        for differ, params in updates.items():
            sets = ", ".join(f"{columns[i]} = ?" for i in differ)
            ops.append((f"UPDATE {table} SET {sets} WHERE {where}", params))
        if inserts:
            ops.append((insert, inserts))
    return ops


def defer_fts_on(conn: sqlite3.Connection) -> str | None:
    """Inside a load's transaction, with no fact stored: drop the trigger that indexes each
    new fact for full-text search; return its SQL, for fill_fts_on.

    The trigger made FTS5 write its pending terms to disk for every row inserted (each
    statement of an executemany is a savepoint, and FTS5 flushes at each): 11 of the 13 s
    that inserting 100,000 facts took. One 'rebuild' at the end indexes them all in 1 s.
    """
    if conn.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is not None:
        return None
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND name = 'facts_fts_insert'").fetchone()
    if row is None:
        return None
    conn.execute("DROP TRIGGER facts_fts_insert")
    return str(row[0])


def fill_fts_on(conn: sqlite3.Connection, trigger: str) -> None:
    """Before the commit of a load that deferred the full-text index: build it from every
    fact, and put the trigger back."""
    conn.execute("INSERT INTO facts_fts(facts_fts) VALUES ('rebuild')")
    conn.execute(trigger)


def flat_rows(rows: Sequence[SheetRows]) -> dict[str, list[tuple[object, ...]]]:
    flat = {table: [row for r in rows for row in getattr(r, table)]
            for table in ("actors", "topics", "names", "facts", "fact_actors")}
    flat["articles"] = [r.article for r in rows]
    return flat


def old_payloads_on(conn: sqlite3.Connection, slugs: list[str]) -> dict[tuple[str, str], str]:
    old: dict[tuple[str, str], str] = {}
    queries = (
        "SELECT 'article' AS kind, slug AS id, payload FROM articles WHERE slug IN ({})",
        "SELECT 'actor' AS kind, article || '/' || key AS id, payload FROM actors "
        "WHERE article IN ({})",
        "SELECT 'topic' AS kind, article || '/' || key AS id, payload FROM topics "
        "WHERE article IN ({})",
        "SELECT kind, id, payload FROM facts WHERE article IN ({})",
    )
    for chunk in chunks(slugs):
        marks = ",".join("?" for _ in chunk)
        for sql in queries:
            for kind, ident, payload in conn.execute(sql.format(marks), chunk):
                old[(kind, ident)] = payload
    return old


def removed_counts_on(conn: sqlite3.Connection, slugs: Sequence[str]
                      ) -> list[tuple[str, str, int]]:
    """(kind, label, -n) of the facts of articles about to be deleted (fact_counts)."""
    found: list[tuple[str, str, int]] = []
    for chunk in chunks(slugs):
        found += conn.execute(
            "SELECT kind, coalesce(label, ''), -count(*) FROM facts WHERE article IN "
            f"({','.join('?' for _ in chunk)}) GROUP BY kind, coalesce(label, '')",
            tuple(chunk)).fetchall()
    return found


def count_ops(new: Rows, old: Rows, removed: Sequence[tuple[str, str, int]] = ()
              ) -> list[tuple[str, list[tuple[object, ...]]]]:
    """The statements that keep fact_counts (migration 0012) when the ``old`` facts of some
    articles become the ``new`` ones and ``removed`` (removed_counts_on) go."""
    delta: dict[tuple[str, str], int] = {}
    for rows, sign in ((new["facts"], 1), (old["facts"], -1)):
        for r in rows:  # (id, article, kind, seq, actor, topic, label, ...)
            key = (str(r[2]), "" if r[6] is None else str(r[6]))
            delta[key] = delta.get(key, 0) + sign
    for kind, label, n in removed:
        delta[(kind, label)] = delta.get((kind, label), 0) + n
    changed: list[tuple[object, ...]] = [(*k, n) for k, n in sorted(delta.items()) if n]
    if not changed:
        return []
    return [("INSERT INTO fact_counts (kind, label, n) VALUES (?, ?, ?) "
             "ON CONFLICT DO UPDATE SET n = n + excluded.n", changed),
            ("DELETE FROM fact_counts WHERE n <= 0", [()])]


def write_ops(new: Rows, old: Rows, removed: Sequence[tuple[str, str, int]] = ()
              ) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every statement of a load's batch: its rows (row_ops), then the fact counts."""
    return row_ops(new, old) + count_ops(new, old, removed)
