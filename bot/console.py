"""The console: the same commands a Discord user types, answered as text."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.commands import UsageError, help_entries, parse
from bot.render import help_view, to_text, view
from storage.store import Store

PROMPT = "newsbot> "
QUIT = {"quit", "exit", "/quit", "/exit"}


def help_text() -> str:
    return to_text(help_view(help_entries(), console=True))


async def answer_line(store: Store, line: str) -> str:
    """The text answer to one command line; raises UsageError for a line that is not one."""
    command, options = parse(line)
    if command.run is None:
        return help_text()
    return to_text(view(await command.run(store, options)))


async def repl(store: Store, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
               interactive: bool | None = None) -> int:
    """Answer commands until end of input or quit. Returns the number of bad lines."""
    if interactive is None:
        interactive = stdin.isatty()
    bad = 0
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
            stdout.write(await answer_line(store, line) + "\n")
        except UsageError as exc:
            bad += 1
            stdout.write(f"{exc}\n")
        if not interactive:
            stdout.write("\n")
        stdout.flush()
    return bad
