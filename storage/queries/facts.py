"""The list answers: positions, quotes, claims, questions and the timeline, a page at a time."""

from __future__ import annotations

import json

from storage.connections import lazy_snapshot
from storage.queries.items import (
    claim_items,
    claim_page_on,
    evidence,
    names,
    position,
    quote,
    refs_of,
)
from storage.queries.options import filter_by, involving
from storage.queries.planner import (
    Filters,
    Part,
    kind_is,
    label_is,
    label_part,
    page_on,
    parts_page_on,
)
from storage.results import (
    ClaimsAnswer,
    EventItem,
    Page,
    PositionsAnswer,
    QuestionItem,
    QuestionsAnswer,
    QuotesAnswer,
    TimelineAnswer,
)
from storage.store import Store
from storage.text import fold


@lazy_snapshot
async def positions(store: Store, actor: str | None = None, topic: str | None = None,
                    article: str | None = None, *, page: Page | None = None) -> PositionsAnswer:
    f = Filters([kind_is("position")])
    await filter_by(store, f, "actor", "actor", actor, "f.actor", rollup=True)
    await filter_by(store, f, "topic", "topic", topic, "f.topic")
    await filter_by(store, f, "article", "article", article, "f.article")
    if f.not_found:
        return PositionsAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    rows, total, page = await store.call(page_on, f, page, last=True)
    return PositionsAnswer(items=tuple([position(r, actors) for r in rows]),
                           articles=refs_of(rows), total=total, page=page, **f.answer_fields())


@lazy_snapshot
async def quotes(store: Store, speaker: str | None = None, contains: str | None = None,
                 article: str | None = None, *, page: Page | None = None) -> QuotesAnswer:
    f = Filters([kind_is("quote")])
    await filter_by(store, f, "speaker", "actor", speaker, "f.actor", rollup=True)
    if contains is not None and contains.strip():
        f.typed["contains"] = contains
        needle = fold(contains)
        # Only punctuation folds to nothing: it is matched as typed.
        f.add(Part("instr(f.folded, ?) > 0", (needle,)) if needle else
              Part("instr(f.text, ?) > 0", (contains.strip(),)))
    await filter_by(store, f, "article", "article", article, "f.article")
    if f.not_found:
        return QuotesAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    rows, total, page = await store.call(page_on, f, page, last=True)
    return QuotesAnswer(items=tuple([quote(r, actors) for r in rows]), articles=refs_of(rows),
                        total=total, page=page, **f.answer_fields())


@lazy_snapshot
async def claims(store: Store, status: str | None = None, actor: str | None = None,
                 article: str | None = None, *, page: Page | None = None) -> ClaimsAnswer:
    f = Filters([kind_is("claim")])
    if status and status != "all":
        f.typed["status"] = status
        f.add(label_is(status))
    await involving(store, f, "claim", "actor", actor)
    await filter_by(store, f, "article", "article", article, "f.article")
    if f.not_found:
        return ClaimsAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    # The page with the responses to its claims: one trip to the connection's thread.
    rows, total, page, responses = await store.call(claim_page_on, f, page, last=True)
    return ClaimsAnswer(items=tuple(claim_items(rows, responses, actors)),
                        articles=refs_of(rows), total=total, page=page, **f.answer_fields())


# Open questions first: they are what a reporter is chasing. Every question is open or
# answered (storage.model.QUESTION_STATUSES, checked on load).
QUESTION_PARTS = (label_part("open"), label_part("answered"))


@lazy_snapshot
async def questions(store: Store, topic: str | None = None, actor: str | None = None,
                    status: str | None = None, article: str | None = None, *,
                    page: Page | None = None) -> QuestionsAnswer:
    f = Filters([kind_is("question")])
    await filter_by(store, f, "topic", "topic", topic, "f.topic")
    await involving(store, f, "question", "actor", actor)
    if status and status != "all":
        f.typed["status"] = status
        f.add(label_is(status))
    await filter_by(store, f, "article", "article", article, "f.article")
    if f.not_found:
        return QuestionsAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    rows, total, page = await store.call(parts_page_on, f, page, QUESTION_PARTS, last=True)
    items = []
    for r in rows:
        p = json.loads(r["payload"])
        items.append(QuestionItem(
            r["id"], r["article"], r["text"], r["label"], r["topic_name"],
            names(actors, p.get("actors") or ()), p.get("answer"),
            evidence(p), tuple(p.get("answer_evidence") or ()), p.get("about", "news")))
    return QuestionsAnswer(items=tuple(items), articles=refs_of(rows), total=total, page=page,
                           **f.answer_fields())


@lazy_snapshot
async def timeline(store: Store, article: str | None = None, *,
                   page: Page | None = None) -> TimelineAnswer:
    f = Filters([kind_is("event")])
    await filter_by(store, f, "article", "article", article, "f.article")
    if f.not_found:
        return TimelineAnswer(**f.answer_fields())
    actors = await store.names.index("actor")
    rows, total, page = await store.call(page_on, f, page, last=True)
    items = []
    for r in rows:
        p = json.loads(r["payload"])
        items.append(EventItem(r["id"], r["article"], p["when"], p.get("date"), r["text"],
                               names(actors, p.get("actors") or ()), evidence(p)))
    return TimelineAnswer(items=tuple(items), articles=refs_of(rows), total=total, page=page,
                          **f.answer_fields())
