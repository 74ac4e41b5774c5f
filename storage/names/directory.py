"""Keeping the name directory up to date, inside each load's transaction.

The name directory (migration 0005: name_keys, name_shown) and the affiliation links
(migration 0010) hold what every name index is read from (storage.names.cache), so building
an index is reading some 25,000 small rows, not every name of every article.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from storage.db import chunks, plain_rows
from storage.model import REVIEWED
from storage.names.index import ENTITIES, article_names
from storage.rows import ARTICLE_REVIEW
from storage.text import fold_name

# A candidate for the name a key is shown by, best first: (reviewed, dated, published,
# loaded_at, top, article, name); a reviewed article's name beats any draft's.
_Shown = tuple[int, int, str, str, str, str, str]
_RANK = 6  # the ranking part of a _Shown: all but the name
_ENTITY_TABLE = {"actor": "actors", "topic": "topics"}


def update_directory(conn: sqlite3.Connection, replaced: Sequence[str],
                     rows: dict[str, list[tuple[Any, ...]]]) -> set[str]:
    """Inside a load's transaction, before ``replaced`` articles are deleted and ``rows``
    (storage.load.writes.flat_rows: articles, actors, topics, names...) inserted: bring the name
    directory (and the affiliation links) to what they will be after them, for only the keys
    they touch. Returns the entities whose name index this changes (a name or key added or
    gone, a key shown by another name): the others' indexes stay as they are."""
    # The first load after migration 0005 fills the articles' directory: every index anew.
    changed: set[str] = set(ENTITIES) if _fill_pending(conn) else set()
    gone = set(replaced)
    drafts = {r[0] for r in rows["articles"] if r[ARTICLE_REVIEW] != REVIEWED}
    _count_affiliations(conn, gone, [r for r in rows["actors"] if r[0] not in drafts])
    old: list[tuple[str, str, str, str]] = []  # (article, entity, key, folded)
    for chunk in chunks(sorted(gone)):
        marks = ",".join("?" * len(chunk))
        old += plain_rows(conn, f"SELECT article, entity, key, folded FROM names "
                          f"WHERE article IN ({marks})", tuple(chunk))
        for slug, title in plain_rows(conn, f"SELECT slug, title FROM articles WHERE slug IN ({marks})",
                                tuple(chunk)):
            old += [(slug, "article", slug, folded) for folded in article_names(slug, title)]
    dates = {r[0]: (int(r[ARTICLE_REVIEW] == REVIEWED), int(r[4] is not None), r[4] or "", r[10])
             for r in rows["articles"]}
    shown_in = {("actor", r[0], r[1]): r[2] for r in rows["actors"]}
    shown_in.update({("topic", r[0], r[1]): r[2] for r in rows["topics"]})
    new = [(r[0], r[1], r[2], r[4]) for r in rows["names"]
           if (r[1], r[0], r[2]) in shown_in and r[0] in dates]
    for r in rows["articles"]:
        new += [(r[0], "article", r[0], folded) for folded in article_names(r[0], r[1])]
        shown_in[("article", r[0], r[0])] = r[1]

    # A name goes only when no article that stays gives it; most of a load's names are
    # already there (the same actors recur), and those cost one lookup each.
    old_names = {(entity, folded, key) for _, entity, key, folded in old}
    new_names = {(entity, folded, key) for _, entity, key, folded in new}
    for sql, names in (
            ("INSERT OR IGNORE INTO name_keys (entity, folded, key) VALUES (?,?,?)",
             sorted(new_names - old_names)),
            ("DELETE FROM name_keys WHERE entity = ? AND folded = ? AND key = ?",
             [n for n in sorted(old_names - new_names)
              if n[0] == "article" or not _given_elsewhere(conn, n, gone)])):
        for entity in ENTITIES:  # one statement per entity, to tell which ones changed
            before = conn.total_changes
            conn.executemany(sql, [n for n in names if n[0] == entity])
            if conn.total_changes != before:
                changed.add(entity)

    # The shown name: the best of the current one (if its article stays) and the new rows.
    offered: dict[tuple[str, str], _Shown] = {}
    for article, entity, key, folded in new:
        reviewed, dated, published, loaded_at = dates[article]
        mine = offered.get((entity, key))
        candidate = (reviewed, dated, published, loaded_at, folded, article,
                     shown_in[(entity, article, key)])
        if mine is None or candidate[:_RANK] > mine[:_RANK]:
            offered[(entity, key)] = candidate
    touched = {(entity, key) for _, entity, key, _ in old} | set(offered)
    current = _current_shown(conn, touched)
    for entity, key in sorted(touched):
        now = current.get((entity, key))
        mine = offered.get((entity, key))
        if now is None or now[5] not in gone:
            best = now
        elif mine is not None and mine[:_RANK] >= now[:_RANK]:
            best = mine  # it beats the old best, so every stored one: no need to read them
        else:
            best = _best_stored(conn, entity, key, gone)
        if mine is not None and (best is None or mine[:_RANK] > best[:_RANK]):
            best = mine
        if best is None:
            conn.execute("DELETE FROM name_shown WHERE entity = ? AND key = ?", (entity, key))
            if now is not None:
                changed.add(entity)
        elif best != now:
            conn.execute("INSERT OR REPLACE INTO name_shown (entity, key, name, article, "
                         "reviewed, dated, published, loaded_at, top) "
                         "VALUES (?,?,?,?,?,?,?,?,?)",
                         (entity, key, best[6], best[5], *best[:5]))
            if now is None or now[6] != best[6]:  # shown by another name
                changed.add(entity)
    return changed


def _count_affiliations(conn: sqlite3.Connection, gone: set[str],
                        actors: Sequence[tuple[Any, ...]]) -> None:
    """``affiliations`` (migration 0010) after the ``gone`` articles' actor rows make way for
    ``actors``: each link's count of articles moves by the difference. Only reviewed articles
    count: an affiliation a machine drafted never rolls an actor's facts up under another
    (callers leave drafts' rows out of ``actors``; stored drafts' are left out here)."""
    delta: dict[tuple[str, str], int] = {}
    for chunk in chunks(sorted(gone)):
        for link in plain_rows(conn, "SELECT a.affiliation, a.key FROM actors a JOIN articles ar "
                               "ON ar.slug = a.article AND ar.review = 'reviewed' WHERE "
                               "a.affiliation IS NOT NULL AND a.article IN "
                               f"({','.join('?' * len(chunk))})", tuple(chunk)):
            delta[link] = delta.get(link, 0) - 1
    for row in actors:  # (article, key, name, kind, role, affiliation, payload)
        if row[5] is not None:
            link = (row[5], row[1])
            delta[link] = delta.get(link, 0) + 1
    changed = sorted((n, *link) for link, n in delta.items() if n)
    conn.executemany("INSERT INTO affiliations (affiliation, key, articles) VALUES (?2, ?3, ?1) "
                     "ON CONFLICT DO UPDATE SET articles = articles + ?1", changed)
    conn.executemany("DELETE FROM affiliations WHERE affiliation = ? AND key = ? "
                     "AND articles <= 0", [link for n, *link in changed if n < 0])


def _given_elsewhere(conn: sqlite3.Connection, name: tuple[str, str, str],
                     gone: set[str]) -> bool:
    """Whether an article that stays gives this (entity, folded name, key)."""
    cursor = conn.execute("SELECT article FROM names WHERE entity = ? AND folded = ? "
                          "AND key = ?", name)
    try:
        return any(article not in gone for (article,) in cursor)
    finally:
        cursor.close()


def _current_shown(conn: sqlite3.Connection, touched: Iterable[tuple[str, str]]
                   ) -> dict[tuple[str, str], _Shown]:
    found: dict[tuple[str, str], _Shown] = {}
    by_entity: dict[str, list[str]] = {}
    for entity, key in touched:
        by_entity.setdefault(entity, []).append(key)
    for entity, keys in by_entity.items():
        for chunk in chunks(keys):
            for key, name, article, reviewed, dated, published, loaded_at, top in plain_rows(
                    conn, f"SELECT key, name, article, reviewed, dated, published, loaded_at, "
                          f"top FROM name_shown WHERE entity = ? AND key IN "
                          f"({','.join('?' * len(chunk))})", (entity, *chunk)):
                found[(entity, key)] = (reviewed, dated, published, loaded_at, top, article,
                                        name)
    return found


def _best_stored(conn: sqlite3.Connection, entity: str, key: str, gone: set[str]
                 ) -> _Shown | None:
    """The best shown name among the stored articles that stay (only when the current one's
    article is being replaced by a lesser one or removed: every article of the key is read,
    over covering indexes)."""
    table = _ENTITY_TABLE.get(entity)
    if table is None:  # an article's name is its own title; a replaced one comes back in rows
        return None
    stored = [(int(review == REVIEWED), int(published is not None), published or "",
               loaded_at, article, name)
              for article, name, review, published, loaded_at in plain_rows(
                  conn, f"SELECT x.article, x.name, ar.review, ar.published, ar.loaded_at "
                        f"FROM {table} x JOIN articles ar INDEXED BY articles_by_date "
                        f"ON ar.slug = x.article WHERE x.key = ?", (key,))
              if article not in gone]
    stored.sort(reverse=True)
    # Reviewed first, then the newest date; among equals, the greatest top (read for those).
    for _, group in itertools.groupby(stored, key=lambda s: s[:4]):
        tops: list[_Shown] = []
        for reviewed, dated, published, loaded_at, article, name in group:
            row = plain_rows(conn, "SELECT max(folded) FROM names WHERE article = ? "
                             "AND +entity = ? AND +key = ?", (article, entity, key))
            if row and row[0][0] is not None:
                tops.append((reviewed, dated, published, loaded_at, row[0][0], article, name))
        if tops:
            return max(tops, key=lambda s: s[:_RANK])
    return None


def _fill_pending(conn: sqlite3.Connection) -> bool:
    """The first load after migration 0005 fills the articles' directory (SQL cannot fold).
    True if it did."""
    if not plain_rows(conn, "SELECT 1 FROM name_directory_pending WHERE entity = 'article'"):
        return False
    keys: set[tuple[str, str]] = set()
    shown = []
    for slug, title, published, loaded_at in plain_rows(
            conn, "SELECT slug, title, published, loaded_at FROM articles"):
        keys.update((folded, slug) for folded in article_names(slug, title))
        shown.append(("article", slug, title, slug, int(published is not None), published or "",
                      loaded_at, fold_name(slug)))
    conn.execute("DELETE FROM name_keys WHERE entity = 'article'")
    conn.execute("DELETE FROM name_shown WHERE entity = 'article'")
    conn.executemany("INSERT INTO name_keys (entity, folded, key) VALUES ('article',?,?)",
                     sorted(keys))
    conn.executemany("INSERT INTO name_shown (entity, key, name, article, dated, published, "
                     "loaded_at, top) VALUES (?,?,?,?,?,?,?,?)", shown)
    conn.execute("DELETE FROM name_directory_pending WHERE entity = 'article'")
    return True
