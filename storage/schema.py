"""What each table of a fact sheet may hold: field types, required fields, vocabularies."""

from __future__ import annotations

from dataclasses import dataclass

from storage.model import (
    ACTOR_KINDS,
    CLAIM_STATUSES,
    HEADLINE,
    NEWS,
    QUESTION_ABOUTS,
    QUESTION_STATUSES,
    RESPONSES,
    REVIEW_STATES,
    REVIEWED,
    STANCES,
    TITLE_SOURCES,
)

# Field types: "text" a non-empty string; "texts" a list of non-empty strings;
# "evidence" a string or a list of strings, each an excerpt of the article;
# "date" a TOML date; "published" a TOML date or the word "undated"; "id", "slug" and "key"
# identifiers; "url" an http(s) address.


@dataclass(frozen=True)
class FieldSpec:
    type: str
    required: bool = False
    vocab: tuple[str, ...] = ()
    ref: str | None = None  # "actor" or "topic": must name one declared in the sheet


def _f(type_: str, required: bool = False, vocab: tuple[str, ...] = (), ref: str | None = None) -> FieldSpec:
    return FieldSpec(type_, required, vocab, ref)


# storage.model.ReviewState: absent means reviewed.
DEFAULT_REVIEW = REVIEWED
# storage.model.TitleSource and QuestionAbout: absent means a headline, a news question.
DEFAULT_TITLE_SOURCE = HEADLINE
DEFAULT_ABOUT = NEWS
# What the drafter writes at the top of a sheet; publishing the draft (the editors' desk) replaces
# it with who published it and when.
DRAFT_HEADER = """\
# Fact sheet DRAFTED BY MACHINE from article.txt beside this file. Nobody has reviewed it yet.
# Review every entry against the article, settle or delete each `unsure` line, then change
# review = "draft" to review = "reviewed". Format: docs/fact-sheets.md.
"""

# Every entry may say what its author (usually the drafter) was unsure of, for the reviewer:
# free text, never shown as a fact.
UNSURE = "unsure"

ARTICLE = {
    "slug": _f("slug", True),
    "title": _f("text", True),
    "outlet": _f("text", True),
    "published": _f("published", True),
    "language": _f("language", True),
    "url": _f("url"),
    "review": _f("text", vocab=REVIEW_STATES),
    "title_source": _f("text", vocab=TITLE_SOURCES),
}

TABLES: dict[str, dict[str, FieldSpec]] = {
    "actors": {
        "id": _f("key", True),
        "name": _f("text", True),
        "kind": _f("text", True, ACTOR_KINDS),
        "evidence": _f("evidence", True),
        "aliases": _f("texts"),
        "role": _f("text"),
        "affiliation": _f("key", ref="actor"),
    },
    "topics": {
        "id": _f("key", True),
        "name": _f("text", True),
        "aliases": _f("texts"),
    },
    "positions": {
        "id": _f("id", True),
        "actor": _f("key", True, ref="actor"),
        "topic": _f("key", True, ref="topic"),
        "stance": _f("text", True, STANCES),
        "summary": _f("text", True),
        "evidence": _f("evidence", True),
        "via": _f("key", ref="actor"),
    },
    "quotes": {
        "id": _f("id", True),
        "speaker": _f("key", True, ref="actor"),
        "text": _f("text", True),
        "cue": _f("text", True),
        "evidence": _f("evidence", True),
        "context": _f("text"),
        "setting": _f("text"),
        "via": _f("key", ref="actor"),
        "topic": _f("key", ref="topic"),
    },
    "claims": {
        "id": _f("id", True),
        "claimant": _f("key", True, ref="actor"),
        "claim": _f("text", True),
        "status": _f("text", True, CLAIM_STATUSES),
        "evidence": _f("evidence", True),
        "topic": _f("key", ref="topic"),
        "responses": _f("responses"),
    },
    "claims.responses": {
        "actor": _f("key", True, ref="actor"),
        "response": _f("text", True, RESPONSES),
        "summary": _f("text", True),
        "evidence": _f("evidence", True),
        "via": _f("key", ref="actor"),
    },
    "questions": {
        "id": _f("id", True),
        "question": _f("text", True),
        "status": _f("text", True, QUESTION_STATUSES),
        "evidence": _f("evidence", True),
        "topic": _f("key", ref="topic"),
        "actors": _f("keys", ref="actor"),
        "answer": _f("text"),
        "answer_evidence": _f("evidence"),
        "about": _f("text", vocab=QUESTION_ABOUTS),
    },
    "timeline": {
        "id": _f("id", True),
        "when": _f("text", True),
        "event": _f("text", True),
        "evidence": _f("evidence", True),
        "date": _f("date"),
        "actors": _f("keys", ref="actor"),
    },
}

for _fields in (ARTICLE, *TABLES.values()):
    _fields[UNSURE] = _f("text")

TOP_LEVEL = ("article", "actors", "topics", "positions", "quotes", "claims", "questions", "timeline")
