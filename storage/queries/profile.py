"""/who: one actor's profile, with the first few of their positions, quotes and claims."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from storage.connections import fetchall, lazy_snapshot
from storage.model import FactKind
from storage.queries.items import (
    Responses,
    claim_items,
    claim_page_on,
    evidence,
    position,
    quote,
    refs_on,
)
from storage.queries.options import member_names, members_on, resolve
from storage.queries.planner import Filters, Part, Role, page_on
from storage.results import ArticleRef, NotFound, Page, ProfileAnswer
from storage.store import Store

WHO_ITEMS = 5  # how many positions, quotes and claims /who shows of each; the rest are counted


# An actor's row in the article its name is shown from (storage.names.directory).
_SHOWN_ACTOR = ("FROM name_shown s JOIN actors a ON a.article = s.article AND a.key = s.key "
                "WHERE s.entity = 'actor' AND s.key = ?")


@lazy_snapshot
async def who(store: Store, name: str) -> ProfileAnswer:
    f = Filters()
    m = await resolve(store, f, "name", "actor", name)
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
        members=member_names(index, (key,), found.members), evidence=evidence(p),
        positions=tuple([position(r, index) for r in pos_rows]),
        quotes=tuple([quote(r, index) for r in quote_rows]),
        claims=tuple(claim_items(claim_rows, responses, index)), positions_total=pos_total,
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
    claims: tuple[list[sqlite3.Row], int, Responses]
    articles: dict[str, ArticleRef]


def _profile_on(conn: sqlite3.Connection, key: str) -> _Profile:
    # The actor as its newest dated article has it: the article the name directory shows the
    # actor's name from (storage.names.directory), so the profile and every answer agree on
    # the name.
    # (The key came from the name index, which is read from that directory: it is there.)
    profile = fetchall(conn, f"SELECT a.* {_SHOWN_ACTOR}", (key,))[0]
    chain: list[str] = []
    # The articles each link of the chain was read from: cited, so that a link a draft gives
    # is shown as a draft's.
    sources: set[str] = set()
    parent = profile["affiliation"]
    while parent and parent not in chain and len(chain) < 10:
        chain.append(parent)
        # As the parent's newest article has it (one seek; a country stands in thousands of
        # articles, none of them with an affiliation to find); when that article gives none,
        # any reviewed article's, as the roll-ups follow (storage.names' affiliation links).
        rows = fetchall(conn, f"SELECT a.affiliation, a.article {_SHOWN_ACTOR}", (parent,))
        if not rows or rows[0]["affiliation"] is None:
            rows = fetchall(conn, "SELECT a.affiliation, a.article FROM actors a JOIN articles "
                                  "ar ON ar.slug = a.article AND ar.review = 'reviewed' WHERE "
                                  "a.key = ? AND a.affiliation IS NOT NULL "
                                  "ORDER BY a.affiliation LIMIT 1", (parent,))
        parent = rows[0]["affiliation"] if rows else None
        if parent:
            sources.add(rows[0]["article"])
    # A summary: the first few of each, with how many there are in all; the full lists are
    # /positions, /quotes and /claims, read a page at a time.
    first = Page(1, WHO_ITEMS)
    positions, pos_total, _ = page_on(conn, _own(key, "position"), first)
    quotes, quote_total, _ = page_on(conn, _own(key, "quote"), first)
    claims, claim_total, _, responses = claim_page_on(conn, _own(key, "claim"), first)
    slugs = {profile["article"], *sources,
             *(r["article"] for r in (*positions, *quotes, *claims))}
    return _Profile(profile, tuple(chain), members_on(conn, (key,)), (positions, pos_total),
                    (quotes, quote_total), (claims, claim_total, responses),
                    refs_on(conn, slugs))


def _own(key: str, kind: FactKind) -> Filters:
    """The facts of one kind held, said or made by one actor (no roll-up)."""
    return Filters([Part("f.kind = ?", (kind,), Role.KIND), Part("f.actor = ?", (key,))])
