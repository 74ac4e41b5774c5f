"""The /brief answer: the state of play of a story at a glance, as plain result objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storage.model import Stance
from storage.results import Answer, ArticleRef, ClaimItem, QuestionItem, QuoteItem

# Where "what changed" starts. digest: after the newest change the guild's last posted digest
# covered; setup: the guild's digest is set up but none is posted yet, so after its setup
# (what its first digest will hold); day: no digest here (none set up, a direct message, the
# console), so the changes of the last 24 hours, the span a daily digest covers.
Since = Literal["digest", "setup", "day"]


@dataclass(frozen=True)
class StanceMark:
    """One actor's stance on one topic: their newest position on it in the brief's scope."""

    actor: str
    actor_name: str
    stance: Stance
    fact_id: str
    more: int = 0  # their other positions on the topic in the scope (older articles, or
    #                later in the same sheet), behind this newest one


@dataclass(frozen=True)
class TopicLine:
    topic: str
    topic_name: str
    marks: tuple[StanceMark, ...]  # in the order the actors first appear
    more: int = 0                  # actors on the topic beyond those marked


@dataclass(frozen=True)
class BriefChange:
    kind: str                  # article, position, quote, claim, question, event, ...
    fact_id: str               # the article's slug for an article
    change: str                # added, changed, removed
    text: str
    before: str | None = None  # old stance or status, when it changed
    after: str | None = None


@dataclass(frozen=True)
class BriefAnswer(Answer):
    """``article``: the one article the brief covers (the newest, when no option was given,
    or the one asked for); None when it covers every article (a topic or an actor asked for)."""

    article: ArticleRef | None = None
    newest: bool = False        # ``article`` is the newest, chosen for want of options
    loaded: bool = True         # False: no article is loaded at all
    topics: tuple[TopicLine, ...] = ()
    topics_total: int = 0
    positions_total: int = 0
    positions_read: int = 0     # the newest positions the topic lines were drawn from
    disputed: tuple[ClaimItem, ...] = ()
    disputed_total: int = 0
    questions: tuple[QuestionItem, ...] = ()         # open questions about the news
    questions_total: int = 0
    source_questions: tuple[QuestionItem, ...] = ()  # open questions about the article itself
    source_questions_total: int = 0
    quotes: tuple[QuoteItem, ...] = ()
    quotes_total: int = 0
    changes: tuple[BriefChange, ...] = ()
    changes_total: int = 0
    since: Since = "day"
    since_at: str | None = None  # when the last digest was posted (since = "digest")
