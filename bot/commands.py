"""The commands users type, defined once for the console, /help and (next) Discord.

Each command is a straight line: options -> one query -> a result object that bot.render
turns into text or embeds.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from storage import queries
from storage.model import CLAIM_STATUSES, QUESTION_STATUSES
from storage.results import Answer, Page
from storage.sheets import suggest
from storage.store import Store


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    lookup: str | None = None  # what it autocompletes from: actor, topic, article or fact


PAGE_SIZE = 10  # items per page of a list answer; one page is read and rendered at a time

Run = Callable[[Store, dict[str, str], Page], Awaitable[Answer]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    options: tuple[Option, ...]
    # One page of the answer (list answers read only that page; the others ignore it).
    run: Run | None  # None: /help

    @property
    def usage(self) -> str:
        parts = [f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in self.options]
        return " ".join([f"/{self.name}", *parts])


_ACTOR = "a person, organisation or country, e.g. Lavrov or Russia"
_ARTICLE = "only this article (slug or title)"

COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("positions", "Who holds which position on what, with evidence", (
        Option("actor", "Whose positions, e.g. Lavrov; Russia includes those who speak for it",
               lookup="actor"),
        Option("topic", "On what, e.g. peacekeepers", lookup="topic"),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.positions(st, o.get("actor"), o.get("topic"),
                                          o.get("article"), page=pg)),
    Command("quotes", "What exactly was said and by whom, verbatim", (
        Option("speaker", f"Who said it: {_ACTOR}", lookup="actor"),
        Option("contains", "Words the quote contains"),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.quotes(st, o.get("speaker"), o.get("contains"),
                                       o.get("article"), page=pg)),
    Command("claims", "Claims and who disputes, rejects or supports them", (
        Option("status", "Only claims with this status", choices=("all", *CLAIM_STATUSES)),
        Option("actor", f"Claims made or answered by {_ACTOR}", lookup="actor"),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.claims(st, o.get("status"), o.get("actor"), o.get("article"),
                                       page=pg)),
    Command("questions", "Questions the story leaves open (and those answered)", (
        Option("topic", "About what, e.g. rare earths", lookup="topic"),
        Option("actor", f"Involving {_ACTOR}", lookup="actor"),
        Option("status", "Open, answered or all (default all, open first)",
               choices=("all", *QUESTION_STATUSES)),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.questions(st, o.get("topic"), o.get("actor"),
                                          o.get("status"), o.get("article"), page=pg)),
    Command("who", "Profile of an actor: role, affiliation, positions and quotes", (
        Option("name", _ACTOR, required=True, lookup="actor"),
    ), lambda st, o, pg: queries.who(st, o["name"])),
    Command("search", "Search every fact for words", (
        Option("query", "Words to look for", required=True),
    ), lambda st, o, pg: queries.search(st, o["query"])),
    Command("source", "Where a fact comes from: its evidence in the article's own sentence", (
        Option("fact_id", "A fact id as shown in answers, e.g. kremlin-peacekeepers/q1",
               required=True, lookup="fact"),
    ), lambda st, o, pg: queries.source(st, o["fact_id"])),
    Command("articles", "The articles the bot knows, with their facts", (),
            lambda st, o, pg: queries.articles(st, page=pg)),
    Command("timeline", "What happened when", (
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.timeline(st, o.get("article"), page=pg)),
    Command("help", "How to ask the bot", (), None),
)}


HelpEntry = tuple[str, str, list[tuple[str, str]]]

# Commands that exist only on Discord (moderation, digest), listed by /help there.
DISCORD_ONLY_HELP: tuple[HelpEntry, ...] = (
    ("/digest preview", "The daily digest as it would be posted now (only you see it)", []),
    ("/reload [article:…] [dry_run:…]", "Moderators: reload the fact sheets after editing", []),
    ("/status", "Moderators: facts loaded, recent reloads, health", []),
    ("/digest setup|off|settings|now", "Moderators: the daily digest of what changed", []),
)


def help_entries(discord: bool = False) -> list[HelpEntry]:
    """(usage, description, options) for /help, on the console or on Discord."""
    entries = [(c.usage, c.description, [(o.name, o.description) for o in c.options])
               for c in COMMANDS.values()]
    return entries + list(DISCORD_ONLY_HELP) if discord else entries


class UsageError(Exception):
    """A command line the user can fix; the message says how."""


def parse(line: str) -> tuple[Command, dict[str, str]]:
    """Parse ``/name option:value ...`` as typed on the console.

    A value runs until the next known option of the command, so it may hold spaces, colons and
    apostrophes; one layer of matching quotes around it is removed. A command with a single
    required option also takes it bare: ``/who Lavrov``.
    """
    text = line.replace("\0", " ").strip()
    if not text.startswith("/"):
        raise UsageError("Commands start with /, e.g. /positions actor:Lavrov. Type /help.")
    name, _, rest = text[1:].partition(" ")
    name = name.lower()
    command = COMMANDS.get(name)
    if command is None:
        hint = suggest(name, COMMANDS) if name else None
        raise UsageError(f"Unknown command /{name}." + (f" Did you mean /{hint}?" if hint else "")
                         + " Type /help for the list.")
    rest = rest.strip()
    names = [o.name for o in command.options]
    values: dict[str, str] = {}
    if names:
        marker = re.compile(r"(?:(?<=\s)|^)(" + "|".join(map(re.escape, names)) + r"):",
                            re.IGNORECASE)
        starts = list(marker.finditer(rest))
    else:
        starts = []
    head = rest[: starts[0].start()] if starts else rest
    if head.strip():
        required = [o for o in command.options if o.required]
        stray = re.match(r"^(\w+):", head.strip())
        if stray and len(command.options) > 0 and not (len(required) == 1 and not starts):
            hint = suggest(stray[1], names)
            raise UsageError(f"/{name} has no option {stray[1]!r}."
                             + (f" Did you mean {hint}:?" if hint else "")
                             + f" Usage: {command.usage}")
        if len(required) == 1 and not starts:
            values[required[0].name] = _unquote(head)
        else:
            raise UsageError(f"Options are written name:value. Usage: {command.usage}")
    for i, m in enumerate(starts):
        option = m[1].lower()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(rest)
        if option in values:
            raise UsageError(f"Option {option}: is given twice.")
        values[option] = _unquote(rest[m.end():end])
    for o in command.options:
        value = values.get(o.name)
        if o.required and not (value and value.strip()):
            raise UsageError(f"/{name} needs {o.name}:… Usage: {command.usage}")
        if value is not None and o.choices:
            lowered = value.strip().lower()
            if lowered not in o.choices:
                hint = suggest(lowered, o.choices)
                raise UsageError(f"{o.name}: must be one of {', '.join(o.choices)}."
                                 + (f" Did you mean {hint}?" if hint else ""))
            values[o.name] = lowered
    return command, values


def _unquote(value: str) -> str:
    value = value.strip()
    for left, right in (('"', '"'), ("'", "'"), ("“", "”")):
        if len(value) >= 2 and value.startswith(left) and value.endswith(right):
            return value[1:-1].strip()
    return value
