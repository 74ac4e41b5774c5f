"""/brief: the state of play at a glance. Who stands where on each topic, the disputed claims
and who disputes them, the open questions, the newest quotes and what changed since the last
digest: one answer, read in one snapshot and one trip to the connection's thread.

Without options it covers the newest article; with an article, that one; with a topic or an
actor (and no article), every article. Every list is bounded: the first few are read, the
rest counted, so a country's brief across a newsroom's archive costs what a small one does.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage.connections import fetchall, lazy_snapshot
from storage.db import chunks
from storage.queries.items import claim_items, names, quote, refs_on
from storage.queries.items import evidence as evidence_of
from storage.queries.options import resolve
from storage.queries.planner import FACT_SELECT, ORDER, Filters, in_list
from storage.results import QuestionItem
from storage.results_brief import BriefAnswer, BriefChange, Since, StanceMark, TopicLine
from storage.store import Store

POSITIONS_READ = 500   # the newest positions in scope the topic lines are drawn from
TOPIC_LINES = 12       # topics shown; the rest are counted
MARKS_PER_LINE = 10    # actors marked on one topic line; the rest are counted
DISPUTED_SHOWN = 3
QUESTIONS_SHOWN = 3
SOURCE_QUESTIONS_SHOWN = 2
QUOTES_SHOWN = 3
CHANGES_SHOWN = 5
CHANGES_READ = 2000    # the newest change rows looked at
DAY = timedelta(hours=24)

_NEWEST_ARTICLE = ("SELECT slug FROM articles "
                   "ORDER BY published IS NULL, published DESC, loaded_at DESC, slug LIMIT 1")
_ABOUT = "coalesce(json_extract(f.payload, '$.about'), 'news')"
# Where each kind's payload names its actors and topic (what a topic or actor brief keeps).
_ACTOR_KEYS = ("actor", "speaker", "claimant")
_LABEL_KEY = {"position": "stance", "question": "status", "claim": "status"}
_TEXT_KEY = {"position": "summary", "quote": "text", "question": "question", "claim": "claim",
             "response": "summary", "event": "event", "article": "title"}


@dataclass
class _Scope:
    """The brief's conditions on ``facts f``: articles, topics, actors (rolled up)."""

    articles: tuple[str, ...] | None = None  # None: every article
    topics: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    guild_id: int | None = None
    now: datetime = field(default_factory=datetime.now)

    def where(self, kind: str, actor_column: str | None = "f.actor", label: str | None = None
              ) -> tuple[str, tuple[Any, ...]]:
        """The condition for facts of ``kind`` (with ``label``): in scope, on the topic, held
        by or (with ``actor_column`` None) involving the actors."""
        # Involving actors, the plan must start from the facts they are in (fact_actors), not
        # walk every fact of the kind and label: a unary + keeps the test but not its index
        # (as storage.queries.planner does; 38 -> 1 ms for a person at 10,000 articles).
        plus = "+" if self.actors is not None and actor_column is None else ""
        sql: list[str] = [f"{plus}f.kind = '{kind}'"]
        if label is not None:
            sql.append(f"{plus}f.label = '{label}'")
        params: list[Any] = []
        for column, keys in (("f.article", self.articles), ("f.topic", self.topics)):
            if keys is not None:
                sql.append(in_list(column, keys))
                params += keys
        if self.actors is not None:
            if actor_column is not None:
                sql.append(in_list(actor_column, self.actors))
                params += self.actors
            else:
                sql.append(f"f.id IN (SELECT fact FROM fact_actors WHERE "
                           f"{in_list('actor', self.actors)} AND kind = ?)")
                params += [*self.actors, kind]
        return " AND ".join(sql), tuple(params)


@lazy_snapshot
async def brief(store: Store, article: str | None = None, topic: str | None = None,
                actor: str | None = None, *, guild_id: int | None = None) -> BriefAnswer:
    f = Filters()
    found_article = await resolve(store, f, "article", "article", article)
    found_topic = await resolve(store, f, "topic", "topic", topic)
    found_actor = await resolve(store, f, "actor", "actor", actor, rollup=True)
    if f.not_found:
        return BriefAnswer(**f.answer_fields())
    scope = _Scope(articles=found_article.keys if found_article else None,
                   topics=found_topic.keys if found_topic else None,
                   actors=found_actor.keys if found_actor else None,
                   guild_id=guild_id, now=store.clock())
    newest = not any(v and v.strip() for v in (article, topic, actor))
    actors = await store.names.index("actor")
    read = await store.call(_brief_on, scope, newest, last=True)
    if read is None:
        return BriefAnswer(loaded=False, **f.answer_fields())
    refs = read.refs
    return BriefAnswer(
        article=refs.get(read.article) if read.article else None,
        newest=newest, topics=read.topics, topics_total=read.topics_total,
        positions_total=read.positions_total, positions_read=read.positions_read,
        disputed=tuple(claim_items(read.disputed, read.responses, actors)),
        disputed_total=read.disputed_total,
        questions=tuple(_question(r, actors) for r in read.questions),
        questions_total=read.questions_total,
        source_questions=tuple(_question(r, actors) for r in read.source_questions),
        source_questions_total=read.source_total,
        quotes=tuple(quote(r, actors) for r in read.quotes), quotes_total=read.quotes_total,
        changes=read.changes, changes_total=read.changes_total, since=read.since,
        since_at=read.since_at, articles=refs, **f.answer_fields())


def _question(row: Any, actors: Any) -> QuestionItem:
    p = json.loads(row["payload"])
    return QuestionItem(row["id"], row["article"], row["text"], row["label"], row["topic_name"],
                        names(actors, p.get("actors") or ()), p.get("answer"), evidence_of(p),
                        tuple(p.get("answer_evidence") or ()), p.get("about", "news"))


@dataclass
class _Read:
    article: str | None  # the one article in scope
    refs: dict[str, Any]
    topics: tuple[TopicLine, ...]
    topics_total: int
    positions_total: int
    positions_read: int
    disputed: list[sqlite3.Row]
    responses: dict[str, list[sqlite3.Row]]
    disputed_total: int
    questions: list[sqlite3.Row]
    questions_total: int
    source_questions: list[sqlite3.Row]
    source_total: int
    quotes: list[sqlite3.Row]
    quotes_total: int
    changes: tuple[BriefChange, ...]
    changes_total: int
    since: Since
    since_at: str | None


def _count(conn: sqlite3.Connection, where: tuple[str, tuple[Any, ...]]) -> int:
    row = conn.execute(f"SELECT count(*) FROM facts f WHERE {where[0]}", where[1]).fetchone()
    return int(row[0]) if row else 0


def _first(conn: sqlite3.Connection, where: tuple[str, tuple[Any, ...]], limit: int,
           select: str = FACT_SELECT) -> list[sqlite3.Row]:
    # The facts chosen from indexes first, as storage.queries.planner reads a page: only
    # those are joined to their names and read whole (a topic's thousands of positions are
    # not; 43 -> 13 ms at 10,000 articles).
    return fetchall(conn, f"{select} WHERE f.rowid IN (SELECT f.rowid FROM facts f JOIN "
                          "articles ar INDEXED BY articles_by_date ON ar.slug = f.article "
                          f"WHERE {where[0]} ORDER BY {ORDER} LIMIT ?) ORDER BY {ORDER}",
                    (*where[1], limit))


# What a topic line needs of a position: no payload, no article columns.
_MARK_SELECT = (
    "SELECT f.id, f.actor, f.topic, f.label, a.name AS actor_name, t.name AS topic_name "
    "FROM facts f JOIN articles ar ON ar.slug = f.article "
    "LEFT JOIN actors a ON a.article = f.article AND a.key = f.actor "
    "LEFT JOIN topics t ON t.article = f.article AND t.key = f.topic ")


def _brief_on(conn: sqlite3.Connection, scope: _Scope, newest: bool) -> _Read | None:
    if newest:
        row = conn.execute(_NEWEST_ARTICLE).fetchone()
        if row is None:
            return None
        scope.articles = (row[0],)
    positions = _first(conn, scope.where("position"), POSITIONS_READ, _MARK_SELECT)
    topics, topics_total = _topic_lines(positions)
    disputed_where = scope.where("claim", actor_column=None, label="disputed")
    disputed = _first(conn, disputed_where, DISPUTED_SHOWN)
    responses: dict[str, list[sqlite3.Row]] = {}
    for chunk in chunks([r["id"] for r in disputed]):
        for x in fetchall(conn, "SELECT f.id, f.actor, f.label, f.text, f.payload, f.parent, "
                                "a.name AS actor_name FROM facts f LEFT JOIN actors a "
                                "ON a.article = f.article AND a.key = f.actor "
                                f"WHERE {in_list('f.parent', chunk)} ORDER BY f.seq", chunk):
            responses.setdefault(x["parent"], []).append(x)
    open_sql, open_params = scope.where("question", actor_column=None, label="open")
    news = (f"{open_sql} AND {_ABOUT} = 'news'", open_params)
    source = (f"{open_sql} AND {_ABOUT} = 'source'", open_params)
    quotes_where = scope.where("quote")
    changes, changes_total, since, since_at = _changes_on(conn, scope)
    shown = [*disputed, *(q := _first(conn, news, QUESTIONS_SHOWN)),
             *(sq := _first(conn, source, SOURCE_QUESTIONS_SHOWN)),
             *(qt := _first(conn, quotes_where, QUOTES_SHOWN))]
    slugs = {*(scope.articles or ()), *(r["article"] for r in shown),
             *(m.fact_id.split("/", 1)[0] for t in topics for m in t.marks)}
    one = scope.articles[0] if scope.articles and len(scope.articles) == 1 else None
    return _Read(
        one, refs_on(conn, slugs), topics, topics_total, _count(conn, scope.where("position")),
        len(positions), disputed, responses, _count(conn, disputed_where), q,
        _count(conn, news), sq, _count(conn, source), qt, _count(conn, quotes_where), changes,
        changes_total, since, since_at)


def _topic_lines(rows: Sequence[sqlite3.Row]) -> tuple[tuple[TopicLine, ...], int]:
    """Per topic, in the order topics first appear (newest article first, in stored order),
    each actor's first position on it so: one mark per actor, their others counted."""
    by_topic: dict[str, tuple[str, dict[str, StanceMark]]] = {}
    for r in rows:
        name, marks = by_topic.setdefault(r["topic"], (r["topic_name"] or r["topic"], {}))
        held = marks.get(r["actor"])
        if held is None:
            marks[r["actor"]] = StanceMark(r["actor"], r["actor_name"] or r["actor"], r["label"],
                                           r["id"])
        else:
            marks[r["actor"]] = StanceMark(held.actor, held.actor_name, held.stance,
                                           held.fact_id, held.more + 1)
    lines = []
    for key, (name, marks) in list(by_topic.items())[:TOPIC_LINES]:
        every = list(marks.values())
        lines.append(TopicLine(key, name, tuple(every[:MARKS_PER_LINE]),
                               max(0, len(every) - MARKS_PER_LINE)))
    return tuple(lines), len(by_topic)


def _changes_on(conn: sqlite3.Connection, scope: _Scope
                ) -> tuple[tuple[BriefChange, ...], int, Since, str | None]:
    """What changed in scope since the guild's last digest (see storage.results_brief.Since)."""
    since: Since = "day"
    since_at: str | None = None
    after = None
    if scope.guild_id is not None:
        # As storage.digest.covered_until reads it: the newest change any digest covered.
        posted = conn.execute("SELECT max(last_change) AS last_change, max(posted_at) AS "
                              "posted_at FROM digest_log WHERE guild_id = ?",
                              (scope.guild_id,)).fetchone()
        setup = conn.execute("SELECT baseline_change FROM digest_settings WHERE guild_id = ? "
                             "AND enabled = 1", (scope.guild_id,)).fetchone()
        if posted is not None and posted["last_change"] is not None:
            since, since_at = "digest", posted["posted_at"]
            after = max(int(posted["last_change"]), int(setup[0]) if setup else 0)
        elif setup is not None:
            since, after = "setup", int(setup[0])
    if after is None:
        # Ids grow with time: the newest change older than a day is found walking back.
        cutoff = (scope.now - DAY).isoformat(timespec="seconds")
        row = conn.execute("SELECT id FROM changes WHERE at < ? ORDER BY id DESC LIMIT 1",
                           (cutoff,)).fetchone()
        after = int(row[0]) if row else 0
    rows = fetchall(conn, "SELECT * FROM changes WHERE id > ? ORDER BY id DESC LIMIT ?",
                    (after, CHANGES_READ))
    first: dict[tuple[str, str], sqlite3.Row] = {}
    latest: dict[tuple[str, str], sqlite3.Row] = {}
    for r in reversed(rows):  # oldest first: a fact changed twice shows first old, last new
        key = (r["kind"], r["fact_id"])
        first.setdefault(key, r)
        latest[key] = r
    changes = []
    for key, end in latest.items():
        kind, ident = key
        before, after_payload = first[key]["old"], end["new"]
        if before == after_payload or not _in_scope(scope, end["article"], kind,
                                                    after_payload or before):
            continue
        old = json.loads(before) if before else None
        new = json.loads(after_payload) if after_payload else None
        label = _LABEL_KEY.get(kind)
        changes.append(BriefChange(
            kind, ident, "added" if old is None else "removed" if new is None else "changed",
            str((new or old or {}).get(_TEXT_KEY.get(kind, ""), "")),
            old.get(label) if old and label else None, new.get(label) if new and label else None))
    changes.reverse()  # newest first
    return tuple(changes[:CHANGES_SHOWN]), len(changes), since, since_at


def _in_scope(scope: _Scope, article: str, kind: str, payload: str | None) -> bool:
    if scope.articles is not None and article not in scope.articles:
        return False
    if scope.topics is None and scope.actors is None:
        return True
    if kind in ("article", "actor", "topic") or not payload:
        return False
    p = json.loads(payload)
    if scope.topics is not None and p.get("topic") not in scope.topics:
        return False
    if scope.actors is not None:
        involved = {p.get(k) for k in _ACTOR_KEYS} | set(p.get("actors") or ()) | {
            r.get("actor") for r in p.get("responses") or ()}
        return bool(involved & set(scope.actors))
    return True
