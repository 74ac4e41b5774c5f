"""Positions, quotes, claims, questions and the timeline: the facts of the stories."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.base import Interaction
from bot.cogs import options as ac
from bot.commands import COMMANDS
from bot.pager import answer


def _describe(name: str) -> dict[str, str]:
    return {o.name: o.description for o in COMMANDS[name].options} | {"private": ac.PRIVATE}


def _choices(command: str, option: str) -> list[app_commands.Choice[str]]:
    spec = next(o for o in COMMANDS[command].options if o.name == option)
    return [app_commands.Choice(name=c, value=c) for c in spec.choices]


class Facts(commands.Cog):
    @app_commands.command(name="positions", description=COMMANDS["positions"].description)
    @app_commands.describe(**_describe("positions"))
    @app_commands.autocomplete(actor=ac.actors, topic=ac.topics, article=ac.articles)
    async def positions(self, interaction: Interaction, actor: str | None = None,
                        topic: str | None = None, article: str | None = None,
                        private: bool = False) -> None:
        await answer(interaction, COMMANDS["positions"],
                     {"actor": actor, "topic": topic, "article": article}, private)

    @app_commands.command(name="quotes", description=COMMANDS["quotes"].description)
    @app_commands.describe(**_describe("quotes"))
    @app_commands.autocomplete(speaker=ac.actors, article=ac.articles)
    async def quotes(self, interaction: Interaction, speaker: str | None = None,
                     contains: str | None = None, article: str | None = None,
                     private: bool = False) -> None:
        await answer(interaction, COMMANDS["quotes"],
                     {"speaker": speaker, "contains": contains, "article": article}, private)

    @app_commands.command(name="claims", description=COMMANDS["claims"].description)
    @app_commands.describe(**_describe("claims"))
    @app_commands.choices(status=_choices("claims", "status"))
    @app_commands.autocomplete(actor=ac.actors, article=ac.articles)
    async def claims(self, interaction: Interaction, status: str | None = None,
                     actor: str | None = None, article: str | None = None,
                     private: bool = False) -> None:
        await answer(interaction, COMMANDS["claims"],
                     {"status": status, "actor": actor, "article": article}, private)

    @app_commands.command(name="questions", description=COMMANDS["questions"].description)
    @app_commands.describe(**_describe("questions"))
    @app_commands.choices(status=_choices("questions", "status"))
    @app_commands.autocomplete(topic=ac.topics, actor=ac.actors, article=ac.articles)
    async def questions(self, interaction: Interaction, topic: str | None = None,
                        actor: str | None = None, status: str | None = None,
                        article: str | None = None, private: bool = False) -> None:
        await answer(interaction, COMMANDS["questions"],
                     {"topic": topic, "actor": actor, "status": status, "article": article},
                     private)

    @app_commands.command(name="timeline", description=COMMANDS["timeline"].description)
    @app_commands.describe(**_describe("timeline"))
    @app_commands.autocomplete(article=ac.articles)
    async def timeline(self, interaction: Interaction, article: str | None = None,
                       private: bool = False) -> None:
        await answer(interaction, COMMANDS["timeline"], {"article": article}, private)

    @app_commands.command(name="who", description=COMMANDS["who"].description)
    @app_commands.describe(**_describe("who"))
    @app_commands.autocomplete(name=ac.actors)
    async def who(self, interaction: Interaction, name: str,
                  private: bool = False) -> None:
        await answer(interaction, COMMANDS["who"], {"name": name}, private)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Facts())
