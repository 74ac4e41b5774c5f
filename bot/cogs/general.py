"""What the bot knows and how to ask it."""

from __future__ import annotations

from discord.ext import commands

from bot.base import Interaction
from bot.cogs.options import slash
from bot.commands import COMMANDS, help_entries
from bot.embeds import DISCORD, pages
from bot.pager import answer, send_pages
from bot.render_help import help_view


class General(commands.Cog):
    @slash("articles")
    async def articles(self, interaction: Interaction, private: bool = False) -> None:
        await answer(interaction, COMMANDS["articles"], private)

    @slash("help")
    async def help(self, interaction: Interaction) -> None:
        await send_pages(interaction, pages(help_view(help_entries(discord=True), DISCORD)), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(General())
