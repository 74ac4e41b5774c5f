"""Autocomplete shared by every option that names a thing."""

from __future__ import annotations

from discord import app_commands

from bot.base import Interaction, bot_of
from bot.embeds import defuse_mentions
from bot.render import shorten
from storage.queries import fact_ids

MAX_CHOICES = 25
CHOICE_NAME_LIMIT = 100
CHOICE_VALUE_LIMIT = 100


async def _names(interaction: Interaction, entity: str,
                 current: str) -> list[app_commands.Choice[str]]:
    index = await bot_of(interaction).store.names.index(entity)
    # A sheet's name is shown as typed, but never as a mention (escapes would show: the
    # client does not render markdown in choices). Defused before shortening: it can grow.
    return [app_commands.Choice(name=shorten(defuse_mentions(name), CHOICE_NAME_LIMIT), value=key)
            for key, name in index.ranked(current[:CHOICE_VALUE_LIMIT], MAX_CHOICES)
            if len(key) <= CHOICE_VALUE_LIMIT]


async def actors(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _names(interaction, "actor", current)


async def topics(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _names(interaction, "topic", current)


async def articles(interaction: Interaction,
                   current: str) -> list[app_commands.Choice[str]]:
    return await _names(interaction, "article", current)


async def facts(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    ids = await fact_ids(bot_of(interaction).store, current[:CHOICE_VALUE_LIMIT], MAX_CHOICES)
    return [app_commands.Choice(name=shorten(i, CHOICE_NAME_LIMIT), value=i) for i in ids
            if len(i) <= CHOICE_VALUE_LIMIT]


PRIVATE = "Only you see the answer (default: the channel sees it)"
