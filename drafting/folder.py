"""Drafting for an article folder: read article.txt, write facts.toml beside it (never over an
existing one unless asked), and a short report of what was drafted and what is unsure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.actors import KnownActor
from drafting.engine import draft_text
from drafting.errors import DraftError, SheetExistsError
from drafting.source import decode_article
from storage.sheets import FACTS_FILE, TEXT_FILE, write_atomically

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class DraftReport:
    folder: Path
    written: Path | None  # None with to_stdout
    toml: str
    counts: dict[str, int]
    quotes: list[str]  # "speaker: “text” (cue)"
    unsure: list[str] = field(default_factory=list)  # "q3: speaker resolved from 'he'"
    dropped: list[str] = field(default_factory=list)


def article_path(path: Path) -> Path:
    """The article.txt that ``path`` (an article folder, or that file itself) names."""
    if path.is_dir():
        path = path / TEXT_FILE
    if path.name != TEXT_FILE:
        raise DraftError(f"{path}: the article must be a file named {TEXT_FILE} in its own folder "
                         "(the sheet is checked against that file)")
    if not path.is_file():
        raise DraftError(f"{path}: no such file")
    return path


def draft_folder(path: Path, *, force: bool = False, to_stdout: bool = False,
                 known_actor: KnownActor | None = None, nlp: Language | None = None,
                 article: Mapping[str, Any] | None = None) -> DraftReport:
    """Draft facts.toml for the article at ``path``. Raises SheetExistsError when the sheet
    exists and neither ``force`` nor ``to_stdout`` is set (nothing is read or written then),
    EmptyArticleError / BinaryArticleError for what is not an article."""
    text_file = article_path(path)
    folder = text_file.parent
    target = folder / FACTS_FILE
    if target.exists() and not (force or to_stdout):
        raise SheetExistsError(f"{target} already exists; pass force to replace it "
                               "(or print the draft instead)")
    text = decode_article(text_file.read_bytes())
    result = draft_text(text, known_actor=known_actor, nlp=nlp, article=article)
    written = None
    if not to_stdout:
        write_atomically(target, result.toml)
        written = target
    draft = result.draft
    counts = Counter({"actors": len(draft.actors), "topics": len(draft.topics),
                      "positions": len(draft.positions), "quotes": len(draft.quotes),
                      "claims": len(draft.claims),
                      "responses": sum(len(c.responses) for c in draft.claims),
                      "questions": len(draft.questions), "timeline": len(draft.timeline)})
    names = {a.id: a.name for a in draft.actors}
    quotes = [f"{names.get(q.speaker, q.speaker)}: “{_short(q.text)}” ({q.cue})"
              for q in draft.quotes]
    unsure = [f"{q.id}: {q.unsure}" for q in draft.quotes if q.unsure]
    unsure += [f"{c.id}: {c.unsure}" for c in draft.claims if c.unsure and "pronoun" in c.unsure]
    unsure += [f"actor {a.id}: {a.unsure}" for a in draft.actors if a.unsure]
    if draft.article.unsure:
        unsure.insert(0, f"article: {draft.article.unsure}")
    return DraftReport(folder=folder, written=written, toml=result.toml, counts=dict(counts),
                       quotes=quotes, unsure=unsure, dropped=list(draft.dropped))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def render_report(report: DraftReport) -> str:
    """The short report a command prints: where it went, counts, quotes, what is unsure."""
    where = f"Drafted {report.written}" if report.written else f"Drafted {report.folder} (not written)"
    lines = [f"{where} — review = \"draft\": check every entry before publishing.",
             ", ".join(f"{n} {kind}" for kind, n in report.counts.items())]
    if report.quotes:
        lines.append("Quotes:")
        lines += [f"  {q}" for q in report.quotes]
    if report.unsure:
        lines.append("Unsure:")
        lines += [f"  {u}" for u in report.unsure]
    if report.dropped:
        lines.append("Left out (the check refused them):")
        lines += [f"  {d}" for d in report.dropped]
    return "\n".join(lines)
