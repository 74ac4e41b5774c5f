"""The fact-sheet model: what one article's sheet says, after validation.

Every object here is plain data. Fact ids are local to a sheet (``q1``); the store prefixes
them with the article slug (``kremlin-peacekeepers/q1``) so they are unique everywhere.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args

# The vocabularies a sheet's values come from, as types mypy checks and as tuples to list.
ActorKind = Literal["person", "organisation", "country", "other"]
# conditional: open to it on a condition the article states ("possible if relations improve");
# mixed: for and against at once; unclear: the article does not settle it.
Stance = Literal["supports", "opposes", "conditional", "mixed", "unclear", "no-comment"]
ClaimStatus = Literal["disputed", "unverified", "confirmed", "false"]
ResponseKind = Literal["rejects", "supports", "contradicts"]
QuestionStatus = Literal["open", "answered"]
# The kinds of fact a sheet holds, in the order answers and diffs list them.
FactKind = Literal["position", "quote", "claim", "response", "question", "event"]
# What a load's diff counts: the facts, and the articles, actors and topics they stand in.
DiffKind = Literal["article", "actor", "topic", FactKind]
# Who stands behind a sheet: "draft" is machine output (the drafting package) nobody has
# reviewed yet; "reviewed" an editor's. A sheet without the field is "reviewed", as every
# sheet written before drafts existed was.
ReviewState = Literal["draft", "reviewed"]
# What an article's `title` is: its headline as published, or (the article has none) its first
# line, which the sheet names it by.
TitleSource = Literal["headline", "first-line"]
# What a question asks about: the news, or the article itself as a source (is a word an error
# in it, when was an interview it cites); answers list the two apart.
QuestionAbout = Literal["news", "source"]

ACTOR_KINDS: tuple[ActorKind, ...] = get_args(ActorKind)
STANCES: tuple[Stance, ...] = get_args(Stance)
CLAIM_STATUSES: tuple[ClaimStatus, ...] = get_args(ClaimStatus)
RESPONSES: tuple[ResponseKind, ...] = get_args(ResponseKind)
QUESTION_STATUSES: tuple[QuestionStatus, ...] = get_args(QuestionStatus)
FACT_KINDS: tuple[FactKind, ...] = get_args(FactKind)
DIFF_KINDS: tuple[DiffKind, ...] = ("article", "actor", "topic", *FACT_KINDS)
REVIEW_STATES: tuple[ReviewState, ...] = get_args(ReviewState)
REVIEWED: ReviewState = "reviewed"
TITLE_SOURCES: tuple[TitleSource, ...] = get_args(TitleSource)
HEADLINE: TitleSource = "headline"
QUESTION_ABOUTS: tuple[QuestionAbout, ...] = get_args(QuestionAbout)
NEWS: QuestionAbout = "news"


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    outlet: str
    language: str
    published: date | None  # None: the sheet says "undated"
    url: str | None = None
    review: ReviewState = REVIEWED
    title_source: TitleSource = HEADLINE


@dataclass(frozen=True)
class Actor:
    key: str
    name: str
    kind: ActorKind
    evidence: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    role: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True)
class Topic:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Position:
    id: str
    actor: str
    topic: str
    stance: Stance
    summary: str
    evidence: tuple[str, ...]
    via: str | None = None


@dataclass(frozen=True)
class Quote:
    id: str
    speaker: str
    text: str
    cue: str
    evidence: tuple[str, ...]
    context: str | None = None
    setting: str | None = None
    via: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Response:
    id: str  # r1, r2... in order under its claim
    actor: str
    response: ResponseKind
    summary: str
    evidence: tuple[str, ...]
    via: str | None = None


@dataclass(frozen=True)
class Claim:
    id: str
    claimant: str
    claim: str
    status: ClaimStatus
    evidence: tuple[str, ...]
    topic: str | None = None
    responses: tuple[Response, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    status: QuestionStatus
    evidence: tuple[str, ...]
    topic: str | None = None
    actors: tuple[str, ...] = ()
    answer: str | None = None
    answer_evidence: tuple[str, ...] = ()
    about: QuestionAbout = NEWS


@dataclass(frozen=True)
class Event:
    id: str
    when: str
    event: str
    evidence: tuple[str, ...]
    date: date | None = None
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    article: Article
    text: str
    folder: str
    content_hash: str
    actors: tuple[Actor, ...] = ()
    topics: tuple[Topic, ...] = ()
    positions: tuple[Position, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    questions: tuple[Question, ...] = ()
    timeline: tuple[Event, ...] = field(default=())


def canonical(obj: Any) -> str:
    """Stable JSON of a model object: equal facts give equal strings, for diffs."""

    def default(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(type(value))

    data = dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) and not isinstance(obj, type) else obj
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=default)
