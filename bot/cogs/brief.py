"""/brief: the state of play of a story at a glance."""

from __future__ import annotations

from dataclasses import replace

from discord.ext import commands

from bot.base import Interaction
from bot.cogs.options import slash
from bot.commands import COMMANDS
from bot.pager import answer
from storage import queries


class Brief(commands.Cog):
    @slash("brief")
    async def brief(self, interaction: Interaction, article: str | None = None,
                    topic: str | None = None, actor: str | None = None,
                    private: bool = False) -> None:
        # What changed is counted from this server's last digest: the spec's command, told
        # which server asks (the console has none).
        guild = interaction.guild_id
        command = replace(COMMANDS["brief"], run=lambda st, o, pg: queries.brief(
            st, o.get("article"), o.get("topic"), o.get("actor"), guild_id=guild))
        await answer(interaction, command, private, article, topic, actor)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Brief())
