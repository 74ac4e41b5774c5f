"""What the bot knows and how to ask it."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import options as ac
from bot.commands import COMMANDS
from bot.embeds import DISCORD, pages
from bot.render import help_view
from bot.respond import answer, send_pages


class General(commands.Cog):
    @app_commands.command(name="articles", description=COMMANDS["articles"].description)
    @app_commands.describe(private=ac.PRIVATE)
    async def articles(self, interaction: discord.Interaction[Any], private: bool = False) -> None:
        await answer(interaction, COMMANDS["articles"], {}, private)

    @app_commands.command(name="help", description=COMMANDS["help"].description)
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        entries = [(c.usage, c.description, [(o.name, o.description) for o in c.options])
                   for c in COMMANDS.values()]
        entries += [
            ("/digest preview", "The daily digest as it would be posted now (only you see it)", []),
            ("/reload [article:…] [dry_run:…]", "Moderators: reload the fact sheets after editing", []),
            ("/status", "Moderators: facts loaded, recent reloads, health", []),
            ("/digest setup|off|settings|now", "Moderators: the daily digest of what changed", []),
        ]
        await send_pages(interaction, pages(help_view(entries, DISCORD)), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(General())
