"""The commands users type, defined once for every surface: the console, /help and Discord.

Each command is a straight line: options -> one query -> a result object that bot.render
turns into text or embeds.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from storage import queries
from storage.model import CLAIM_STATUSES, QUESTION_STATUSES
from storage.results import Answer, Page
from storage.sheets import suggest
from storage.store import Store

# What an option autocompletes from: the store's names (actor, topic, article), fact ids, or
# time zones. bot.cogs.options maps each to its autocomplete callback.
Lookup = Literal["actor", "topic", "article", "fact", "timezone"]
# What an option takes: text (the console's only kind), a yes/no flag, a channel, a whole
# number, or an uploaded file.
OptionKind = Literal["text", "flag", "channel", "integer", "attachment"]


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    lookup: Lookup | None = None
    kind: OptionKind = "text"


PAGE_SIZE = 10  # items per page of a list answer; one page is read and rendered at a time

Run = Callable[[Store, dict[str, str], Page], Awaitable[Answer]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    options: tuple[Option, ...] = ()
    # One page of the answer (list answers read only that page; the others ignore it).
    run: Run | None = None  # None: /help, or a command that is more than a query
    console: bool = True    # False: Discord only; the console refuses it and says so
    instead: str = ""       # for a Discord-only command: what the command line offers instead
    moderator: bool = False
    private: bool = False   # on Discord, private:… shows the answer to the asker only
    subcommands: tuple[Command, ...] = ()
    summary: str = ""       # /help's line, where it says more than Discord's description

    @property
    def usage(self) -> str:
        return _usage(f"/{self.name}", self.options)

    @property
    def discord_options(self) -> tuple[Option, ...]:
        """The options Discord shows: the spec's, then private:… where the command has it."""
        return (*self.options, PRIVATE) if self.private else self.options


def _usage(command: str, options: tuple[Option, ...]) -> str:
    parts = [f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in options]
    return " ".join([command, *parts])


_ACTOR = "a person, organisation or country, e.g. Lavrov or Russia"
_ARTICLE = "only this article (slug or title)"
_DESK_INSTEAD = ("put the article folder under seeds/, newsbot draft it, edit facts.toml, "
                 "then newsbot load")
PRIVATE = Option("private", "Only you see the answer (default: the channel sees it)", kind="flag")

# Every command, in the order /help lists them; bot/cogs defines the Discord side of each, and
# tests/bot/test_discord_registration.py holds what Discord registers to this.
SPEC: tuple[Command, ...] = (
    # The first thing a reporter joining a story asks: where does everyone stand?
    Command("brief", "The state of play: who stands where, disputes, open questions, quotes, changes", (
        Option("article", "Only this article (default: the newest)", lookup="article"),
        Option("topic", "One topic, across every article, e.g. peacekeepers", lookup="topic"),
        Option("actor", f"Only {_ACTOR}, across every article", lookup="actor"),
    ), lambda st, o, pg: queries.brief(st, o.get("article"), o.get("topic"), o.get("actor")),
        private=True),
    Command("positions", "Who holds which position on what, with evidence", (
        Option("actor", "Whose positions, e.g. Lavrov; Russia includes those who speak for it",
               lookup="actor"),
        Option("topic", "On what, e.g. peacekeepers", lookup="topic"),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.positions(st, o.get("actor"), o.get("topic"),
                                          o.get("article"), page=pg), private=True),
    Command("quotes", "What exactly was said and by whom, verbatim", (
        Option("speaker", f"Who said it: {_ACTOR}", lookup="actor"),
        Option("contains", "Words the quote contains"),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.quotes(st, o.get("speaker"), o.get("contains"),
                                       o.get("article"), page=pg), private=True),
    Command("claims", "Claims and who disputes, rejects or supports them", (
        Option("status", "Only claims with this status", choices=("all", *CLAIM_STATUSES)),
        Option("actor", f"Claims made or answered by {_ACTOR}", lookup="actor"),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.claims(st, o.get("status"), o.get("actor"), o.get("article"),
                                       page=pg), private=True),
    Command("questions", "Questions the story leaves open (and those answered)", (
        Option("topic", "About what, e.g. rare earths", lookup="topic"),
        Option("actor", f"Involving {_ACTOR}", lookup="actor"),
        Option("status", "Open, answered or all (default all, open first)",
               choices=("all", *QUESTION_STATUSES)),
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.questions(st, o.get("topic"), o.get("actor"),
                                          o.get("status"), o.get("article"), page=pg),
        private=True),
    Command("who", "Profile of an actor: role, affiliation, positions and quotes", (
        Option("name", _ACTOR, required=True, lookup="actor"),
    ), lambda st, o, pg: queries.who(st, o["name"]), private=True),
    Command("search", "Search every fact for words", (
        Option("query", "Words to look for", required=True),
    ), lambda st, o, pg: queries.search(st, o["query"]), private=True),
    Command("source", "Where a fact comes from: its evidence in the article's own sentence", (
        Option("fact_id", "A fact id as shown in answers, e.g. kremlin-peacekeepers/q1",
               required=True, lookup="fact"),
    ), lambda st, o, pg: queries.source(st, o["fact_id"]), private=True),
    Command("articles", "The articles the bot knows, with their facts", (),
            lambda st, o, pg: queries.articles(st, page=pg), private=True),
    Command("timeline", "What happened when", (
        Option("article", _ARTICLE, lookup="article"),
    ), lambda st, o, pg: queries.timeline(st, o.get("article"), page=pg), private=True),
    Command("help", "How to ask the bot"),
    Command("reload", "Reload the fact sheets (moderators)", (
        Option("article", "Only this article (slug); default: every changed article",
               lookup="article"),
        Option("dry_run", "Validate and show what would change, change nothing", kind="flag"),
    ), console=False, moderator=True, summary="Moderators: reload the fact sheets after editing",
        instead="newsbot load reloads the fact sheets (add --dry-run to check first)"),
    Command("status", "Facts loaded, recent reloads, health (moderators)", console=False,
            moderator=True, summary="Moderators: facts loaded, recent reloads, health"),
    Command("article", "Add an article, publish its reviewed draft, remove it (moderators)",
            console=False, summary="Moderators: add an article (the bot drafts its sheet), "
            "publish it once reviewed, remove it", subcommands=(
        Command("add", "Add an article from its text; the bot drafts its sheet (moderators)", (
            Option("file", "The article as a UTF-8 text file (.txt, at most 1 MB)",
                   required=True, kind="attachment"),
            Option("slug", "Its permanent id, e.g. kremlin-peacekeepers (default: from the "
                   "headline)"),
            Option("url", "Link to the article"),
            Option("outlet", "Publication or wire (default: from a dateline, else unknown)"),
            Option("published", "Publication date, e.g. 2025-03-04 (default: from a dateline)"),
        ), console=False, moderator=True),
        Command("publish", "Mark a drafted sheet as reviewed by you (moderators)", (
            Option("article", "The drafted article (slug or title)", required=True,
                   lookup="article"),
        ), console=False, moderator=True),
        Command("remove", "Stop serving an article; its files go to the archive (moderators)", (
            Option("article", "The article (slug or title)", required=True, lookup="article"),
        ), console=False, moderator=True),
    ), moderator=True, instead=_DESK_INSTEAD),
    Command("sheet", "Get, edit, list and restore fact sheets (moderators)", console=False,
            summary="Moderators: get a fact sheet, put it back edited (diff, then Apply), "
            "its history, revert", subcommands=(
        Command("get", "The article's facts.toml, to edit on your machine (moderators)", (
            Option("article", "The article (slug or title)", required=True, lookup="article"),
            Option("text", "Also attach the article's text (article.txt)", kind="flag"),
        ), console=False, moderator=True),
        Command("put", "Replace a sheet with your edited facts.toml: diff, then Apply "
                "(moderators)", (
            Option("file", "facts.toml as /sheet get gave it, edited", required=True,
                   kind="attachment"),
            Option("article", "The article it is for (default: the sheet's own slug)",
                   lookup="article"),
            Option("overwrite", "Put it even if it does not say which version it was edited "
                   "from", kind="flag"),
        ), console=False, moderator=True),
        Command("history", "Earlier versions of a sheet: who, when, what changed (moderators)", (
            Option("article", "The article (slug or title)", required=True, lookup="article"),
        ), console=False, moderator=True),
        Command("revert", "Restore an earlier version of a sheet: diff, then Apply "
                "(moderators)", (
            Option("article", "The article (slug or title)", required=True, lookup="article"),
            Option("version", "Its number in /sheet history", required=True, kind="integer"),
        ), console=False, moderator=True),
    ), moderator=True, instead=_DESK_INSTEAD),
    Command("digest", "The daily digest of what changed in the stories", console=False,
            summary="Moderators: the daily digest of what changed", subcommands=(
        Command("setup", "Post the digest in a channel daily (moderators)", (
            Option("channel", "Where to post it", required=True, kind="channel"),
            Option("time", "Local time, 24-hour HH:MM, e.g. 08:00", required=True),
            Option("timezone", "Time zone, e.g. Europe/Paris", required=True, lookup="timezone"),
            Option("skip_empty", "Post nothing on days without changes (default: a short line)",
                   kind="flag"),
        ), console=False, moderator=True),
        Command("off", "Stop the daily digest (moderators)", console=False, moderator=True),
        Command("settings", "Where and when the digest is posted (moderators)", console=False,
                moderator=True),
        Command("preview", "The digest as it would be posted now (only you see it)",
                console=False,
                summary="The daily digest as it would be posted now (only you see it)"),
        Command("now", "Post the digest now; it counts as today's (moderators)", console=False,
                moderator=True),
    )),
)

# The commands the console answers, by name.
COMMANDS: dict[str, Command] = {c.name: c for c in SPEC if c.console}


def command_at(path: str) -> Command:
    """A command of the spec by its path as typed on Discord: "positions", "digest setup"."""
    name, *rest = path.split()
    command = next(c for c in SPEC if c.name == name)
    for sub in rest:
        command = next(c for c in command.subcommands if c.name == sub)
    return command


HelpEntry = tuple[str, str, list[tuple[str, str]]]


def help_entries(discord: bool = False) -> list[HelpEntry]:
    """(usage, description, options) for /help. The console lists the commands it answers.
    Discord adds its own: members' first, then moderators'; those get one line each (Discord
    shows their options as they are typed), a group's moderator commands one line together."""
    entries = [(c.usage, c.description, [(o.name, o.description) for o in c.options])
               for c in SPEC if c.console]
    if not discord:
        return entries
    members: list[HelpEntry] = []
    moderators: list[HelpEntry] = []
    for c in SPEC:
        if c.console:
            continue
        if not c.subcommands:
            (moderators if c.moderator else members).append(
                (c.usage, c.summary or c.description, []))
            continue
        members += [(_usage(f"/{c.name} {s.name}", s.options), s.summary or s.description, [])
                    for s in c.subcommands if not s.moderator]
        guarded = "|".join(s.name for s in c.subcommands if s.moderator)
        if guarded:
            moderators.append((f"/{c.name} {guarded}", c.summary or c.description, []))
    return entries + members + moderators


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
    elsewhere = next((c for c in SPEC if c.name == name and not c.console), None)
    if elsewhere is not None:
        who = "a moderators' command" if elsewhere.moderator else "a command"
        raise UsageError(f"/{name} is {who} on Discord only; the console does not run it."
                         + (f" Here, {elsewhere.instead}." if elsewhere.instead else "")
                         + " Type /help for the list.")
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
