"""Timeline entries from the article's dated expressions ("on Tuesday", "in March",
"2025-02-25", "previously"), and question candidates from what the article leaves open."""

from __future__ import annotations

import re
from datetime import date, datetime

from spacy.tokens import Doc, Span

from drafting.actors import ActorTable
from drafting.excerpts import excerpt
from drafting.model import DraftClaim, DraftEvent, DraftQuestion

_DATED = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|"
    r"oct|nov|dec|yesterday|today|tomorrow|tonight|last|next|ago|earlier|later|this|(?:19|20)\d\d)\b",
    re.IGNORECASE)
_PREVIOUSLY = re.compile(r"\b(previously|earlier|recently|formerly)\b", re.IGNORECASE)
_FULL_DATES = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%Y-%m-%d")
_OPEN = re.compile(
    r"\b(declined to (?:comment|say|answer|respond|elaborate|discuss)|refused to (?:comment|say|"
    r"answer|discuss)|did not (?:respond|return|reply|answer|say|confirm|comment)|has not "
    r"(?:confirmed|responded|said|commented)|have not (?:confirmed|responded|said)|could not be "
    r"reached|not yet known|(?:is|was|remains) unclear|remains to be seen|not been (?:confirmed|"
    r"verified)|no comment)\b", re.IGNORECASE)
_WHETHER = re.compile(r"\b(?:whether|if)\b\s+(.+?)[.;]?$")
MAX_EVENT_WORDS = 60


def _calendar(text: str) -> date | None:
    """A date only when the article gives it in full (with the year); never a guess."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip())
    for fmt in _FULL_DATES:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _actors_in(table: ActorTable, sent: Span) -> list[str]:
    seen: list[str] = []
    for tok in sent:
        entry = table.at(tok)
        if entry is not None and entry.actor.id not in seen:
            seen.append(entry.actor.id)
    return seen


def _short(sent: Span) -> str:
    text = " ".join(sent.text.split())
    tokens = text.split()
    return text if len(tokens) <= MAX_EVENT_WORDS else " ".join(tokens[:MAX_EVENT_WORDS]) + " …"


def draft_timeline(doc: Doc, table: ActorTable) -> list[DraftEvent]:
    events: list[DraftEvent] = []
    used: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME") or not _DATED.search(ent.text):
            continue
        sent = ent.sent
        if sent.start in used or "\n" in ent.text:
            continue
        used.add(sent.start)
        when = " ".join(ent.text.split())
        day = _calendar(when)
        events.append(DraftEvent(
            id=f"t{len(events) + 1}", when=when, event=_short(sent),
            evidence=excerpt(doc, sent.start_char, sent.end_char), date=day,
            actors=_actors_in(table, sent),
            unsure="event is the article's sentence; listed in article order, not checked for "
                   "the order things happened" + ("" if day else "; no calendar date given")))
    for sent in doc.sents:
        m = _PREVIOUSLY.search(sent.text)
        if m is None or sent.start in used:
            continue
        used.add(sent.start)
        events.append(DraftEvent(
            id=f"t{len(events) + 1}", when=m.group(1).lower(), event=_short(sent),
            evidence=excerpt(doc, sent.start_char, sent.end_char),
            actors=_actors_in(table, sent),
            unsure="undated in the article; placed in article order"))
    return events


def draft_questions(doc: Doc, table: ActorTable, claims: list[DraftClaim]) -> list[DraftQuestion]:
    questions: list[DraftQuestion] = []
    for sent in doc.sents:
        m = _OPEN.search(sent.text)
        if m is None:
            continue
        actors = _actors_in(table, sent)
        whether = _WHETHER.search(" ".join(sent.text.split()))
        if whether and m.group(1).lower().startswith(("not yet", "is", "was", "remains")):
            question = f"Is it known whether {whether.group(1).rstrip('.?! ')}?"
        elif actors:
            name = table.name_of(actors[0])
            question = f"What does {name} say about it? (the article: “{m.group(1)}”)"
        else:
            question = f"What is not yet known here? (the article: “{m.group(1)}”)"
        questions.append(DraftQuestion(
            id=f"oq{len(questions) + 1}", question=question,
            evidence=excerpt(doc, sent.start_char, sent.end_char), actors=actors,
            unsure="question drafted from the article's wording; rephrase or delete"))
    for claim in claims:
        if claim.status != "disputed":
            continue
        body = claim.claim.rstrip(".!?")
        questions.append(DraftQuestion(
            id=f"oq{len(questions) + 1}", question=f"Is it true that {body[0].lower()}{body[1:]}?",
            evidence=claim.evidence, actors=[claim.claimant, *(r.actor for r in claim.responses)],
            unsure="a disputed claim; keep the question if the dispute matters"))
    return questions
