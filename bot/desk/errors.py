"""What the desk refuses, said so the editor can act on it (mapped in bot.errors)."""

from __future__ import annotations

from storage.sheets import Problem


class DeskError(Exception):
    """An action the desk refused or could not do; nothing changed. ``str()`` is the message."""


class SheetRefused(DeskError):
    """The sheet has problems; every one is listed with its line and a suggestion."""

    def __init__(self, problems: tuple[Problem, ...], message: str | None = None) -> None:
        self.problems = problems
        super().__init__(message or f"The sheet has {len(problems)} problem(s); nothing changed.")
