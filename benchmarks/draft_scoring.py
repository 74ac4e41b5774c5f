"""Scoring drafted quotes and claims against gold spans: the arithmetic shared by the
evaluation (benchmarks/draft_eval.py) and the fixture tests.

A drafted item *finds* a gold one when their character spans overlap. A speaker is *right*
when the drafted speaker's name (or an alias) and the gold source's name share their last
word, case and accents aside ("Hillary Clinton" = "Clinton"; "Trump" != "Clinton").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _surname(name: str) -> str:
    words = [w.strip(".,'’\"“”") for w in _fold(name).replace("’s", "").replace("'s", "").split()]
    words = [w for w in words if w and w not in ("jr", "sr", "ii", "iii")]
    return words[-1] if words else ""


def same_entity(drafted_names: Sequence[str], gold_name: str) -> bool:
    if gold_name.startswith("unnamed:"):  # fixtures: "unnamed: spokeswoman" for one not named
        word = _fold(gold_name.removeprefix("unnamed:").strip())
        return any(word in _fold(n) for n in drafted_names)
    gold = _surname(gold_name)
    if len(gold_name.split()) == 1:  # "Tom told ...": a first name alone names him too
        return bool(gold) and any(gold in _fold(n).split() or _surname(n) == gold
                                  for n in drafted_names)
    return bool(gold) and any(_surname(n) == gold for n in drafted_names)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class Item:
    """A drafted quote or claim: where it is, and the names of whoever it is given to (empty:
    nobody, as when a baseline finds a quote but no speaker)."""

    span: tuple[int, int]
    speaker: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gold:
    span: tuple[int, int]
    speaker: str | None  # the named source; None when the gold source is not named
    also: tuple[str, ...] = ()  # other names the gold accepts (nested attributions)

    def said_by(self, names: Sequence[str]) -> bool:
        return any(same_entity(names, gold) for gold in (self.speaker or "", *self.also) if gold)


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    drafted: int = 0
    drafted_right: int = 0  # drafted items that overlap some gold item
    named: int = 0  # gold items whose source is named
    named_found: int = 0
    speaker_right: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("gold", "found", "drafted", "drafted_right", "named", "named_found",
                     "speaker_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.drafted_right / self.drafted if self.drafted else 1.0

    @property
    def speaker_of_found(self) -> float:
        return self.speaker_right / self.named_found if self.named_found else 1.0

    @property
    def speaker_end_to_end(self) -> float:
        return self.speaker_right / self.named if self.named else 1.0


def score(drafted: Sequence[Item], gold: Sequence[Gold], text: str = "",
          precision_against: Sequence[tuple[int, int]] | None = None) -> Tally:
    """One article. ``precision_against``: spans a drafted item may overlap to count as right
    (default: the gold items' own)."""
    tally = Tally(gold=len(gold), drafted=len(drafted))
    targets = list(precision_against) if precision_against is not None else [g.span for g in gold]
    tally.drafted_right = sum(1 for d in drafted if any(overlaps(d.span, t) for t in targets))
    if text:
        tally.errors += [f"extra: {text[max(0, d.span[0] - 70):d.span[1] + 25]!r}"
                         for d in drafted if not any(overlaps(d.span, t) for t in targets)]
    for g in gold:
        hits = [d for d in drafted if overlaps(d.span, g.span)]
        if hits:
            tally.found += 1
        elif text:
            tally.errors.append(f"missed: {text[max(0, g.span[0] - 70):g.span[1] + 25]!r}")
        if g.speaker is None:
            continue
        tally.named += 1
        if not hits:
            continue
        tally.named_found += 1
        if any(g.said_by(d.speaker) for d in hits):
            tally.speaker_right += 1
        elif text:
            given = hits[0].speaker[0] if hits[0].speaker else "nobody"
            tally.errors.append(f"speaker: {given!r} for {g.speaker!r}: "
                                f"{text[max(0, g.span[0] - 150):g.span[0] + 40]!r}"
                                f" ... {text[g.span[1] - 10:g.span[1] + 60]!r}")
    return tally
