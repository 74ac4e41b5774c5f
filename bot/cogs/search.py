"""Full-text search and a fact's source in the article."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.base import Interaction, bot_of
from bot.cogs.options import slash
from bot.commands import COMMANDS
from bot.pager import answer


def search_cooldown(interaction: Interaction) -> app_commands.Cooldown | None:
    settings = bot_of(interaction).settings
    if settings.search_cooldown_seconds <= 0:
        return None
    return app_commands.Cooldown(settings.search_cooldown_uses, settings.search_cooldown_seconds)


def _member_key(interaction: Interaction) -> tuple[int | None, int]:
    return (interaction.guild_id, interaction.user.id)


class Search(commands.Cog):
    @slash("search")
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=_member_key)
    async def search(self, interaction: Interaction, query: str, private: bool = False) -> None:
        await answer(interaction, COMMANDS["search"], private, query)

    @slash("source")
    async def source(self, interaction: Interaction, fact_id: str, private: bool = False) -> None:
        await answer(interaction, COMMANDS["source"], private, fact_id)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Search())
