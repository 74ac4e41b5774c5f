"""Plain result objects returned by queries and rendered by bot.render. No Discord types here."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.model import (
    ClaimStatus,
    FactKind,
    QuestionAbout,
    QuestionStatus,
    ResponseKind,
    ReviewState,
    Stance,
    TitleSource,
)


@dataclass(frozen=True)
class ArticleRef:
    slug: str
    title: str
    outlet: str
    published: str | None  # ISO date, None when undated
    url: str | None
    review: ReviewState = "reviewed"
    # "first-line": the article has no headline; ``title`` is its first line.
    title_source: TitleSource = "headline"


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
    stance: Stance
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
    response: ResponseKind
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
    status: ClaimStatus
    evidence: tuple[str, ...]
    responses: tuple[ResponseItem, ...]


@dataclass(frozen=True)
class QuestionItem:
    fact_id: str
    article: str
    question: str
    status: QuestionStatus
    topic_name: str | None
    actor_names: tuple[str, ...]
    answer: str | None
    evidence: tuple[str, ...]
    answer_evidence: tuple[str, ...]
    about: QuestionAbout = "news"


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
    kind: FactKind
    text: str
    snippet: str  # matched words between storage.queries.HIT_START and HIT_END (render marks them)


@dataclass(frozen=True)
class ArticleSummary:
    ref: ArticleRef
    counts: dict[str, int]


@dataclass(frozen=True)
class Page:
    """Which slice of a long answer to read: ``size`` items from item ``offset`` (0-based)."""

    number: int = 1  # from 1
    size: int = 10

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class Answer:
    """Fields every answer has: how the filters were understood and the articles it cites."""

    matches: tuple[Match, ...] = ()
    not_found: NotFound | None = None
    articles: dict[str, ArticleRef] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)  # option -> value, as typed

    @property
    def position(self) -> tuple[int, int]:
        """(this page, how many pages): an answer that is not read by pages is one page."""
        return 1, 1


@dataclass(frozen=True)
class PagedAnswer(Answer):
    """A list answer read one page at a time: ``items`` holds the page, ``total`` counts every
    matching item (in the same snapshot). ``page`` None: ``items`` holds every item."""

    total: int = 0
    page: Page | None = None

    @property
    def offset(self) -> int:
        return self.page.offset if self.page else 0

    @property
    def pages(self) -> int:
        """How many pages the whole answer has (at least 1)."""
        if self.page is None or self.total <= 0:
            return 1
        return -(-self.total // self.page.size)

    @property
    def position(self) -> tuple[int, int]:
        return (self.page.number, self.pages) if self.page is not None else (1, 1)


@dataclass(frozen=True)
class PositionsAnswer(PagedAnswer):
    items: tuple[PositionItem, ...] = ()


@dataclass(frozen=True)
class QuotesAnswer(PagedAnswer):
    items: tuple[QuoteItem, ...] = ()


@dataclass(frozen=True)
class ClaimsAnswer(PagedAnswer):
    items: tuple[ClaimItem, ...] = ()


@dataclass(frozen=True)
class QuestionsAnswer(PagedAnswer):
    items: tuple[QuestionItem, ...] = ()


@dataclass(frozen=True)
class TimelineAnswer(PagedAnswer):
    items: tuple[EventItem, ...] = ()


@dataclass(frozen=True)
class SearchAnswer(Answer):
    query: str = ""
    items: tuple[SearchHit, ...] = ()
    any_word: bool = False  # True when no fact had every word and hits match some words
    # More facts matched than the answer holds: it holds the most recently loaded of them.
    more: bool = False


@dataclass(frozen=True)
class ArticlesAnswer(PagedAnswer):
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
    # The first few of each (``who`` is a summary); the totals say how many there are.
    positions: tuple[PositionItem, ...] = ()
    quotes: tuple[QuoteItem, ...] = ()
    claims: tuple[ClaimItem, ...] = ()
    positions_total: int = 0
    quotes_total: int = 0
    claims_total: int = 0


@dataclass(frozen=True)
class SourceAnswer(Answer):
    fact_id: str = ""
    kind: str = ""
    text: str = ""                               # the fact in one line
    passages: tuple[tuple[str, str], ...] = ()   # (excerpt, its sentence in the article)
