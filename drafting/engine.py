"""Article text -> a checked draft sheet: the one entry point the rest builds on."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from drafting.actors import KnownActor, find_actors
from drafting.attribution import Resolver
from drafting.claims import draft_claims
from drafting.guard import checked
from drafting.meta import draft_article
from drafting.model import Draft
from drafting.nlp import load_pipeline
from drafting.positions import PositionFinder
from drafting.quotes import draft_quotes
from drafting.source import check_article
from drafting.spans import Quoted
from drafting.timeline import draft_questions, draft_timeline
from storage.sheets import quote_spans

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class DraftResult:
    draft: Draft
    toml: str  # facts.toml as written: it passes the validator beside the same text


def analyse(text: str, *, known_actor: KnownActor | None = None,
            nlp: Language | None = None) -> Draft:
    """Everything the drafter finds, before the validator has had its say."""
    check_article(text)
    doc = (nlp or load_pipeline())(text)
    spans = quote_spans(text)  # the validator's own pairing of quotation marks
    quoted = Quoted(spans)
    table = find_actors(doc, known_actor)
    quotes = draft_quotes(doc, table, spans)
    resolver = Resolver(doc, table, quoted)
    claims = draft_claims(doc, table, quoted, resolver)
    finder = PositionFinder(doc, resolver, quoted)
    positions = finder.find()
    return Draft(
        article=draft_article(text),
        actors=[e.actor for e in table.entries],
        topics=list(finder.topics.values()),
        positions=positions,
        quotes=quotes,
        claims=claims,
        questions=draft_questions(doc, table, claims),
        timeline=draft_timeline(doc, table),
    )


def draft_text(text: str, *, known_actor: KnownActor | None = None,
               nlp: Language | None = None,
               article: Mapping[str, Any] | None = None) -> DraftResult:
    """Draft a sheet from ``text`` (raises EmptyArticleError / BinaryArticleError for what is
    not an article). ``known_actor(name)`` returns the archive's id for an actor it knows.
    ``article``: [article] fields the caller knows better than the drafter (slug, outlet,
    published, url), set as given."""
    draft = analyse(text, known_actor=known_actor, nlp=nlp)
    if article:
        draft = dataclasses.replace(draft, article=dataclasses.replace(draft.article, **article))
    draft, toml = checked(draft, text)
    return DraftResult(draft, toml)
