"""The Discord side of the command spec's options: descriptions, choices and autocomplete come
from bot.commands through ``slash``; the autocomplete callbacks are here, one per lookup."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import cache
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from zoneinfo import available_timezones

from discord import app_commands
from rapidfuzz import fuzz, process

from bot.base import Interaction, bot_of
from bot.commands import Lookup, command_at
from bot.embeds import defuse_mentions
from bot.render import shorten
from storage.queries import fact_ids

if TYPE_CHECKING:
    from discord.app_commands.commands import CommandCallback, GroupT

P = ParamSpec("P")
T = TypeVar("T")
Choices = list[app_commands.Choice[str]]

MAX_CHOICES = 25
CHOICE_NAME_LIMIT = 100
CHOICE_VALUE_LIMIT = 100


async def _names(interaction: Interaction, entity: str, current: str) -> Choices:
    index = await bot_of(interaction).store.names.index(entity)
    # A sheet's name is shown as typed, but never as a mention (escapes would show: the
    # client does not render markdown in choices). Defused before shortening: it can grow.
    return [app_commands.Choice(name=shorten(defuse_mentions(name), CHOICE_NAME_LIMIT), value=key)
            for key, name in index.ranked(current[:CHOICE_VALUE_LIMIT], MAX_CHOICES)
            if len(key) <= CHOICE_VALUE_LIMIT]


async def actors(interaction: Interaction, current: str) -> Choices:
    return await _names(interaction, "actor", current)


async def topics(interaction: Interaction, current: str) -> Choices:
    return await _names(interaction, "topic", current)


async def articles(interaction: Interaction, current: str) -> Choices:
    return await _names(interaction, "article", current)


async def facts(interaction: Interaction, current: str) -> Choices:
    ids = await fact_ids(bot_of(interaction).store, current[:CHOICE_VALUE_LIMIT], MAX_CHOICES)
    return [app_commands.Choice(name=shorten(i, CHOICE_NAME_LIMIT), value=i) for i in ids
            if len(i) <= CHOICE_VALUE_LIMIT]


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


async def timezones(interaction: Interaction, current: str) -> Choices:
    typed = current.strip()[:64]
    if not typed:
        picks = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
                 "America/Chicago", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"]
    else:
        prefix = [z for z in _zones() if z.lower().startswith(typed.lower())
                  or z.split("/")[-1].lower().startswith(typed.lower())]
        fuzzy = [z for z, _, _ in process.extract(typed, _zones(), scorer=fuzz.WRatio,
                                                  processor=str.lower, limit=25, score_cutoff=60)]
        picks = list(dict.fromkeys(prefix + fuzzy))
    return [app_commands.Choice(name=z, value=z) for z in picks[:25]]


Complete = Callable[[Interaction, str], Coroutine[Any, Any, Choices]]
LOOKUPS: dict[Lookup, Complete] = {"actor": actors, "topic": topics, "article": articles,
                                   "fact": facts, "timezone": timezones}


def slash(path: str) -> Callable[[CommandCallback[GroupT, P, T]],
                                 app_commands.Command[GroupT, P, T]]:
    """The spec's command at ``path`` ("positions", "digest setup") as a discord.py command:
    its name, description, and its options' descriptions, choices and autocomplete. The
    options themselves are the callback's parameters, as discord.py reads them."""
    spec = command_at(path)
    options = spec.discord_options

    def make(callback: CommandCallback[GroupT, P, T]) -> app_commands.Command[GroupT, P, T]:
        callback = app_commands.describe(**{o.name: o.description for o in options})(callback)
        callback = app_commands.choices(**{
            o.name: [app_commands.Choice(name=c, value=c) for c in o.choices]
            for o in options if o.choices})(callback)
        callback = app_commands.autocomplete(**{
            o.name: LOOKUPS[o.lookup] for o in options if o.lookup})(callback)
        return app_commands.command(name=spec.name, description=spec.description)(callback)

    return make
