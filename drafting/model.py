"""What a draft holds before it is written as TOML: one dataclass per kind of sheet entry.

Field names follow the sheet format (docs/fact-sheets.md). ``span`` fields keep where in the
article an entry was found, for the evaluation and the report; they are not written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class DraftArticle:
    slug: str
    title: str
    outlet: str
    published: date | None
    language: str = "en"
    unsure: str | None = None
    url: str | None = None


@dataclass
class DraftActor:
    id: str
    name: str
    kind: str
    evidence: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None
    unsure: str | None = None


@dataclass
class DraftTopic:
    id: str
    name: str


@dataclass
class DraftQuote:
    id: str
    speaker: str
    text: str
    cue: str
    evidence: str
    span: tuple[int, int]
    unsure: str | None = None


@dataclass
class DraftResponse:
    actor: str
    response: str
    summary: str
    evidence: str
    unsure: str | None = None


@dataclass
class DraftClaim:
    id: str
    claimant: str
    claim: str
    status: str
    evidence: str
    span: tuple[int, int]
    cue: str
    responses: list[DraftResponse] = field(default_factory=list)
    unsure: str | None = None


@dataclass
class DraftPosition:
    id: str
    actor: str
    topic: str
    stance: str
    summary: str
    evidence: str
    unsure: str | None = None


@dataclass
class DraftQuestion:
    id: str
    question: str
    evidence: str
    actors: list[str] = field(default_factory=list)
    unsure: str | None = None


@dataclass
class DraftEvent:
    id: str
    when: str
    event: str
    evidence: str
    date: date | None = None
    actors: list[str] = field(default_factory=list)
    unsure: str | None = None


@dataclass
class Draft:
    article: DraftArticle
    actors: list[DraftActor] = field(default_factory=list)
    topics: list[DraftTopic] = field(default_factory=list)
    positions: list[DraftPosition] = field(default_factory=list)
    quotes: list[DraftQuote] = field(default_factory=list)
    claims: list[DraftClaim] = field(default_factory=list)
    questions: list[DraftQuestion] = field(default_factory=list)
    timeline: list[DraftEvent] = field(default_factory=list)
    # Entries the validator refused and the drafter left out (what and why), for the report.
    dropped: list[str] = field(default_factory=list)

    def actor(self, key: str) -> DraftActor | None:
        return next((a for a in self.actors if a.id == key), None)
