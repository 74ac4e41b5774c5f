"""The Discord client: a commands.Bot with one central error mapping on its command tree."""

from __future__ import annotations

import gc
import logging
from typing import Any

import discord
from discord import app_commands

from bot import errors
from bot.base import BaseBot, Interaction
from bot.settings import Settings
from bot.startup import load_at_start
from storage.store import Store

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.facts", "bot.cogs.search", "bot.cogs.general", "bot.cogs.moderation",
              "bot.cogs.digest", "bot.cogs.desk", "bot.cogs.brief")
# What start-up built (modules, discord.py, the cogs, the store) lives as long as the bot: at the
# end of setup_hook it is moved out of the cyclic garbage collector's sight (gc.freeze), so a
# full collection, which holds the event loop, walks only what came after (RESULTS.md, round 4).
# Tests turn it off (their process starts hundreds of bots).
FREEZE_AFTER_START = True


class NewsTree(app_commands.CommandTree[BaseBot]):
    async def on_error(self, interaction: Interaction,
                       error: app_commands.AppCommandError) -> None:
        await errors.report(interaction, error)


class NewsBot(BaseBot):
    """The bot: BaseBot's state, the start-up and the error mapping on its command tree."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(settings, tree_cls=NewsTree, **options)

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.settings.database_path, clock=self.clock)
        await load_at_start(self.store, self.settings.seeds_dir, log, terminal=False)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.guild_id is not None:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("registered %d commands in server %s", len(synced), self.settings.guild_id)
        if FREEZE_AFTER_START:
            gc.collect()  # what start-up left as garbage goes first, not into the frozen heap
            gc.freeze()

    async def close(self) -> None:
        await super().close()
        store = getattr(self, "store", None)
        if store is not None:
            await store.close()


def build_bot(settings: Settings, **options: Any) -> NewsBot:
    """The bot, built from settings without connecting: ``await bot.login(token)`` runs
    ``setup_hook`` (store, seeds, cogs, server sync); ``bot.connect()`` then opens the gateway."""
    return NewsBot(settings, **options)
