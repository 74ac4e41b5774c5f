"""The bot as the rest of bot/ sees it: its state, the typed interaction, and ``bot_of``.

Kept below every other bot module (it imports none of them), so that respond, checks, errors,
digest and the cogs can name the bot's type without importing bot.client, which imports them:
no import loop, not even one that only type checking follows.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import discord
from discord.ext import commands

from bot.settings import Settings
from storage.connections import Clock, utc_now
from storage.store import Store

DEFER_AFTER = 2.0  # seconds of work before we defer; Discord's deadline is 3 s
NO_PINGS = discord.AllowedMentions.none()


class BaseBot(commands.Bot):
    """Holds the settings and the store; cogs reach them through ``interaction.client``.
    bot.client.NewsBot adds the start-up (store, seeds, cogs, sync) and the error mapping."""

    store: Store  # opened by setup_hook

    def __init__(self, settings: Settings, *, defer_after: float = DEFER_AFTER,
                 clock: Clock = utc_now, **options: Any) -> None:
        # The bot never joins voice; without this discord.py warns about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True  # not privileged; nothing else is needed for slash commands
        super().__init__(command_prefix=commands.when_mentioned, intents=intents,
                         allowed_mentions=NO_PINGS, help_command=None, **options)
        self.settings = settings
        self.defer_after = defer_after
        self.clock = clock  # every "now" the bot needs comes from here, so tests inject time
        # Scheduled jobs report failures here (job name -> last error); /status shows them.
        self.job_failures: dict[str, str] = {}


Interaction: TypeAlias = discord.Interaction[BaseBot]


def bot_of(interaction: Interaction) -> BaseBot:
    return interaction.client
