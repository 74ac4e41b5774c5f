"""What a refused sheet says: each problem with its file, line, field and a suggestion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.suggestion is not None:
            text += f"; did you mean {self.suggestion!r}?"
        return text


class SheetError(Exception):
    """One or more sheets were refused; nothing of them may be loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the fact sheets")


def suggest(value: str, options: Iterable[str], cutoff: float = 60) -> str | None:
    """The option closest to ``value``, if any is close enough to be worth offering."""
    choices = list(options)
    if not choices:
        return None
    best = process.extractOne(value.lower(), choices, scorer=fuzz.WRatio, processor=str.lower,
                              score_cutoff=cutoff)
    return best[0] if best else None
