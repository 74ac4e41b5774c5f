"""The console: the same commands a Discord user types, answered as text.

Long answers are read and printed a page at a time, as on Discord: the first page, with where
it stands ("events 1–10 of 44,916 · page 1 of 4,492"), and ``more`` prints the next one. Not
everything at once: at newsroom scale one command can match tens of thousands of facts, which
no one reads in a terminal, and reading them all would cost seconds and hundreds of MB. For a
script that wants them all, ``newsbot ask --all`` prints every page, fetched one after another.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TextIO

from bot.commands import PAGE_SIZE, Command, UsageError, help_entries, parse
from bot.render import to_text, view
from bot.render_brief import brief_view  # noqa: F401 - registers /brief's view with view
from bot.render_help import help_view
from storage.results import Page
from storage.store import Store

PROMPT = "newsbot> "
QUIT = {"quit", "exit", "/quit", "/exit"}
MORE = {"more", "/more", "next"}
MORE_HINT = "Type more for page {next} of {pages}."


@dataclass(frozen=True)
class Printed:
    """One page of an answer as text, and where it stands."""

    text: str
    page: int = 1
    pages: int = 1


def help_text() -> str:
    return to_text(help_view(help_entries(), console=True))


async def answer_page(store: Store, command: Command, options: dict[str, str],
                      number: int = 1) -> Printed:
    """Page ``number`` of a command's answer (clamped to the answer's last page)."""
    if command.run is None:
        return Printed(help_text())
    result = await command.run(store, options, Page(number, PAGE_SIZE))
    return Printed(to_text(view(result)), *result.position)


async def answer_line(store: Store, line: str, page: int = 1) -> str:
    """The text of one page of the answer to a command line; raises UsageError for a line
    that is not one."""
    command, options = parse(line)
    return (await answer_page(store, command, options, page)).text


async def every_page(store: Store, line: str) -> AsyncIterator[str]:
    """Every page of the answer, each read (in its own snapshot) when the previous one has
    been consumed: memory stays one page whatever the answer's size."""
    command, options = parse(line)
    number = 1
    while True:
        printed = await answer_page(store, command, options, number)
        if printed.page < number:  # a reload shortened the answer: that page was printed
            return
        yield printed.text
        if printed.page >= printed.pages:
            return
        number = printed.page + 1


async def repl(store: Store, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
               interactive: bool | None = None) -> int:
    """Answer commands until end of input or quit. Returns the number of bad lines."""
    if interactive is None:
        interactive = stdin.isatty()
    bad = 0
    last: tuple[Command, dict[str, str], Printed] | None = None  # what ``more`` continues
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() in QUIT:
            break
        try:
            if line.lower() in MORE:
                if last is None or last[2].page >= last[2].pages:
                    # Not a mistake (a script's exit status should not fail on it): a notice.
                    stdout.write("Nothing more to show: that was the last page.\n"
                                 + ("" if interactive else "\n"))
                    stdout.flush()
                    continue
                command, options, shown = last
                printed = await answer_page(store, command, options, shown.page + 1)
            else:
                command, options = parse(line)
                printed = await answer_page(store, command, options)
            last = (command, options, printed)
            stdout.write(printed.text + "\n")
            if printed.page < printed.pages:
                stdout.write(MORE_HINT.format(next=printed.page + 1, pages=printed.pages)
                             + "\n")
        except UsageError as exc:
            bad += 1
            stdout.write(f"{exc}\n")
        if not interactive:
            stdout.write("\n")
        stdout.flush()
    return bad
