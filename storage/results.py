"""Plain result objects returned by queries and rendered by bot.render. No Discord types here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleRef:
    slug: str
    title: str
    outlet: str
    published: str | None  # ISO date, None when undated
    url: str | None


@dataclass(frozen=True)
class Match:
    """How a name the user typed was understood."""

    entity: str            # "actor", "topic" or "article"
    query: str             # what the user typed
    keys: tuple[str, ...]  # what it resolved to
    name: str              # display name of the best match
    corrected: bool        # True when a typo was forgiven: the answer says what it used
    rollup: tuple[str, ...] = ()  # display names of affiliated actors included


@dataclass(frozen=True)
class NotFound:
    entity: str
    query: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class PositionItem:
    fact_id: str
    article: str
    actor: str
    actor_name: str
    topic: str
    topic_name: str
    stance: str
    summary: str
    evidence: tuple[str, ...]
    via: str | None


@dataclass(frozen=True)
class QuoteItem:
    fact_id: str
    article: str
    speaker: str
    speaker_name: str
    text: str
    cue: str
    context: str | None
    setting: str | None
    via: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ResponseItem:
    fact_id: str
    actor: str
    actor_name: str
    response: str
    summary: str
    via: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ClaimItem:
    fact_id: str
    article: str
    claimant: str
    claimant_name: str
    claim: str
    status: str
    evidence: tuple[str, ...]
    responses: tuple[ResponseItem, ...]


@dataclass(frozen=True)
class QuestionItem:
    fact_id: str
    article: str
    question: str
    status: str
    topic_name: str | None
    actor_names: tuple[str, ...]
    answer: str | None
    evidence: tuple[str, ...]
    answer_evidence: tuple[str, ...]


@dataclass(frozen=True)
class EventItem:
    fact_id: str
    article: str
    when: str
    date: str | None
    event: str
    actor_names: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class SearchHit:
    fact_id: str
    article: str
    kind: str
    text: str
    snippet: str  # with [ and ] around matched words


@dataclass(frozen=True)
class ArticleSummary:
    ref: ArticleRef
    counts: dict[str, int]


@dataclass(frozen=True)
class Answer:
    """Fields every answer has: how the filters were understood and the articles it cites."""

    matches: tuple[Match, ...] = ()
    not_found: NotFound | None = None
    articles: dict[str, ArticleRef] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)  # option -> value, as typed


@dataclass(frozen=True)
class PositionsAnswer(Answer):
    items: tuple[PositionItem, ...] = ()


@dataclass(frozen=True)
class QuotesAnswer(Answer):
    items: tuple[QuoteItem, ...] = ()


@dataclass(frozen=True)
class ClaimsAnswer(Answer):
    items: tuple[ClaimItem, ...] = ()


@dataclass(frozen=True)
class QuestionsAnswer(Answer):
    items: tuple[QuestionItem, ...] = ()


@dataclass(frozen=True)
class TimelineAnswer(Answer):
    items: tuple[EventItem, ...] = ()


@dataclass(frozen=True)
class SearchAnswer(Answer):
    query: str = ""
    items: tuple[SearchHit, ...] = ()
    any_word: bool = False  # True when no fact had every word and hits match some words


@dataclass(frozen=True)
class ArticlesAnswer(Answer):
    items: tuple[ArticleSummary, ...] = ()


@dataclass(frozen=True)
class ProfileAnswer(Answer):
    key: str = ""
    name: str = ""
    kind: str = ""
    role: str | None = None
    aliases: tuple[str, ...] = ()
    affiliation_chain: tuple[str, ...] = ()  # display names, nearest first
    members: tuple[str, ...] = ()            # display names of actors affiliated with this one
    evidence: tuple[str, ...] = ()
    positions: tuple[PositionItem, ...] = ()
    quotes: tuple[QuoteItem, ...] = ()
    claims: tuple[ClaimItem, ...] = ()


@dataclass(frozen=True)
class SourceAnswer(Answer):
    fact_id: str = ""
    kind: str = ""
    text: str = ""                               # the fact in one line
    passages: tuple[tuple[str, str], ...] = ()   # (excerpt, its sentence in the article)
