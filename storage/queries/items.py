"""Fact rows (storage.queries.planner.FACT_SELECT) into the result objects answers hold."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from storage.connections import fetchall
from storage.db import chunks
from storage.names import NameIndex
from storage.queries.planner import Filters, in_list, page_on
from storage.results import ArticleRef, ClaimItem, Page, PositionItem, QuoteItem, ResponseItem


def article_ref(row: Any, prefix: str = "") -> ArticleRef:
    """An article's reference from a row with its columns (``prefix``: ref_ for those
    FACT_SELECT carries beside a fact's)."""
    slug = row["article"] if prefix else row["slug"]
    return ArticleRef(slug, row[f"{prefix}title"], row[f"{prefix}outlet"],
                      row[f"{prefix}published"], row[f"{prefix}url"], row[f"{prefix}review"],
                      row[f"{prefix}title_source"])


def refs_of(rows: Iterable[Any]) -> dict[str, ArticleRef]:
    """The articles fact rows cite, from the article columns FACT_SELECT carries (what
    ``refs_on`` would read, without another statement)."""
    refs = {r["article"]: article_ref(r, "ref_") for r in rows}
    return {slug: refs[slug] for slug in sorted(refs)}


def refs_on(conn: sqlite3.Connection, slugs: Iterable[str]) -> dict[str, ArticleRef]:
    refs: dict[str, ArticleRef] = {}
    for chunk in chunks(sorted(set(slugs))):
        for row in fetchall(conn, "SELECT slug, title, outlet, published, url, review, title_source "
                                  "FROM articles WHERE " + in_list("slug", chunk), chunk):
            refs[row["slug"]] = article_ref(row)
    return refs


def names(actors: NameIndex, keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(actors.display.get(k, k) for k in keys)


def evidence(payload: dict[str, Any]) -> tuple[str, ...]:
    return tuple(payload.get("evidence") or ())


def position(row: Any, actors: NameIndex) -> PositionItem:
    p = json.loads(row["payload"])
    return PositionItem(row["id"], row["article"], row["actor"], row["actor_name"], row["topic"],
                        row["topic_name"], row["label"], row["text"], evidence(p),
                        _via(p, actors))


def quote(row: Any, actors: NameIndex) -> QuoteItem:
    p = json.loads(row["payload"])
    return QuoteItem(row["id"], row["article"], row["actor"], row["actor_name"], row["text"],
                     p["cue"], p.get("context"), p.get("setting"), _via(p, actors), evidence(p))


def _via(payload: dict[str, Any], actors: NameIndex) -> str | None:
    via = payload.get("via")
    if not via:
        return None
    return actors.display.get(str(via), str(via))


Responses = dict[str, list[sqlite3.Row]]


def claim_page_on(conn: sqlite3.Connection, f: Filters, page: Page | None
                  ) -> tuple[list[sqlite3.Row], int, Page | None, Responses]:
    """``page_on``, and the responses to each claim of the page (one statement per 500
    claims, not one per claim)."""
    rows, total, page = page_on(conn, f, page)
    responses: Responses = {}
    for chunk in chunks([r["id"] for r in rows]):
        for x in fetchall(conn, "SELECT f.id, f.actor, f.label, f.text, f.payload, f.parent, "
                                "a.name AS actor_name FROM facts f LEFT JOIN actors a "
                                "ON a.article = f.article AND a.key = f.actor "
                                f"WHERE {in_list('f.parent', chunk)} ORDER BY f.seq", chunk):
            responses.setdefault(x["parent"], []).append(x)
    return rows, total, page, responses


def claim_items(rows: Iterable[sqlite3.Row], responses: Responses, actors: NameIndex
                ) -> list[ClaimItem]:
    items = []
    for r in rows:
        answers = []
        for x in responses.get(r["id"], ()):
            p = json.loads(x["payload"])
            answers.append(ResponseItem(x["id"], x["actor"], x["actor_name"], x["label"],
                                        x["text"], _via(p, actors), evidence(p)))
        items.append(ClaimItem(
            r["id"], r["article"], r["actor"], r["actor_name"], r["text"], r["label"],
            evidence(json.loads(r["payload"])), tuple(answers)))
    return items
