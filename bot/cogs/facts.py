"""Positions, quotes, claims, questions and the timeline: the facts of the stories."""

from __future__ import annotations

from discord.ext import commands

from bot.base import Interaction
from bot.cogs.options import slash
from bot.commands import COMMANDS
from bot.pager import answer


class Facts(commands.Cog):
    @slash("positions")
    async def positions(self, interaction: Interaction, actor: str | None = None,
                        topic: str | None = None, article: str | None = None,
                        private: bool = False) -> None:
        await answer(interaction, COMMANDS["positions"], private, actor, topic, article)

    @slash("quotes")
    async def quotes(self, interaction: Interaction, speaker: str | None = None,
                     contains: str | None = None, article: str | None = None,
                     private: bool = False) -> None:
        await answer(interaction, COMMANDS["quotes"], private, speaker, contains, article)

    @slash("claims")
    async def claims(self, interaction: Interaction, status: str | None = None,
                     actor: str | None = None, article: str | None = None,
                     private: bool = False) -> None:
        await answer(interaction, COMMANDS["claims"], private, status, actor, article)

    @slash("questions")
    async def questions(self, interaction: Interaction, topic: str | None = None,
                        actor: str | None = None, status: str | None = None,
                        article: str | None = None, private: bool = False) -> None:
        await answer(interaction, COMMANDS["questions"], private, topic, actor, status, article)

    @slash("timeline")
    async def timeline(self, interaction: Interaction, article: str | None = None,
                       private: bool = False) -> None:
        await answer(interaction, COMMANDS["timeline"], private, article)

    @slash("who")
    async def who(self, interaction: Interaction, name: str, private: bool = False) -> None:
        await answer(interaction, COMMANDS["who"], private, name)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Facts())
