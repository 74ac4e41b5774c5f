"""The start-up load, shared by the bot and the console: load what changed in the seeds before
the first answer, and never let a refused sheet stop the start."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from bot.render_admin import load_headline
from storage.sheets import SheetError
from storage.store import Store


def print_problems(exc: Exception) -> None:
    """A refused sheet's problems, or a store error, for the person at the terminal."""
    if isinstance(exc, SheetError):
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing changed.", file=sys.stderr)
    else:
        print(f"newsbot: {exc}", file=sys.stderr)


async def load_at_start(store: Store, seeds: Path, log: logging.Logger, *,
                        terminal: bool) -> None:
    """Load what changed in ``seeds``; a refused sheet leaves the previous facts answering.

    ``terminal``: the console, whose user edited the sheets and reads stderr, is told the
    problems there; the bot runs unattended and tells its log (``log``: the caller's logger).
    """
    try:
        report = await store.load(seeds)
    except SheetError as exc:
        if terminal:
            print_problems(exc)
            print("The previous facts keep answering.", file=sys.stderr)
        else:
            for problem in exc.problems:
                log.error("fact sheet refused: %s", problem)
            log.error("%d problem(s) in the fact sheets; the previous facts keep answering",
                      len(exc.problems))
        return
    if not terminal:
        log.info("facts: %d article(s) loaded, %d unchanged", len(report.loaded),
                 len(report.unchanged))
    elif report.loaded or report.removed:
        log.info("%s", load_headline(report))
