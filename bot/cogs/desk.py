"""/article and /sheet: the editors' desk on Discord (bot.desk does the work). Moderators
only, checked when the command runs; every answer is private to the editor."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.base import BaseBot, Interaction
from bot.checks import NotModerator, moderator_only
from bot.cogs.options import slash
from bot.commands import command_at
from bot.confirm import Act, Confirm
from bot.desk.service import Desk, Editor
from bot.desk.uploads import read_text
from bot.embeds import DISCORD, pages
from bot.pager import send_pages
from bot.render import View
from bot.render_desk import (
    added_view,
    applied_view,
    history_view,
    proposal_view,
    removal_view,
    removed_view,
    sheet_view,
)
from bot.respond import send, within_deadline
from storage.desk import Outcome
from storage.sheets import FACTS_FILE, TEXT_FILE


class Attached:
    """An option's attachment, downloaded when the desk reads it."""

    def __init__(self, attachment: discord.Attachment, what: str) -> None:
        self.attachment = attachment
        self.what = what

    async def text(self) -> str:
        return await read_text(self.attachment, self.what)


def editor(interaction: discord.Interaction[Any]) -> Editor:
    user = interaction.user
    return Editor(user.id, interaction.guild_id, getattr(user, "display_name", user.name))


def text_file(content: str, name: str) -> discord.File:
    return discord.File(io.BytesIO(content.encode("utf-8")), filename=name)


async def confirm(interaction: Interaction, card: View, *, title: str, label: str,
                  act: Act, action: str, slug: str, desk: Desk) -> None:
    """The card, with a button that acts and one that cancels; what happens to the card
    (cancelled, expired, another member's click) is audited."""

    async def audit(clicked: Interaction, outcome: Outcome, detail: str | None) -> None:
        await desk.note(editor(clicked), action, slug, outcome, detail)

    view = Confirm(interaction, title=title, label=label, act=act, audit=audit)
    await send(interaction, embed=pages(card)[0], view=view, ephemeral=True)


class DeskGroup(commands.GroupCog):
    """What both desk groups share: the desk, and refused members in its audit trail."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        super().__init__()

    async def cog_app_command_error(self, interaction: discord.Interaction[Any],
                                    error: app_commands.AppCommandError) -> None:
        # The member is told by the one error mapping (bot.errors); this only records it.
        if isinstance(error, NotModerator) and interaction.command is not None:
            article = getattr(interaction.namespace, "article", None)
            await self.desk.note(editor(interaction), interaction.command.name,
                                 article if isinstance(article, str) else None, "refused",
                                 "not a moderator")


# Hidden from members by default, and never in direct messages: set on the group, as Discord
# keeps permissions and contexts per top-level command only. Each command checks again.
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ArticleDesk(DeskGroup, group_name="article",
                  group_description=command_at("article").description):

    @slash("article add")
    @moderator_only
    async def add(self, interaction: Interaction, file: discord.Attachment,
                  slug: str | None = None, url: str | None = None, outlet: str | None = None,
                  published: str | None = None) -> None:
        added = await within_deadline(interaction, self.desk.add(
            editor(interaction), Attached(file, "The article file"), slug=slug, url=url,
            outlet=outlet, published=published), ephemeral=True)
        await send_pages(interaction, pages(added_view(added, DISCORD)), ephemeral=True,
                         files=[text_file(added.sheet, FACTS_FILE)])

    @slash("article publish")
    @moderator_only
    async def publish(self, interaction: Interaction, article: str) -> None:
        applied = await within_deadline(
            interaction, self.desk.publish(editor(interaction), article), ephemeral=True)
        await send_pages(interaction, pages(applied_view(applied, DISCORD)), ephemeral=True)

    @slash("article remove")
    @moderator_only
    async def remove(self, interaction: Interaction, article: str) -> None:
        removal = await within_deadline(
            interaction, self.desk.propose_remove(editor(interaction), article), ephemeral=True)

        async def act(clicked: Interaction) -> View:
            return removed_view(await self.desk.remove(editor(clicked), removal), DISCORD)

        await confirm(interaction, removal_view(removal, DISCORD), title=f"remove {removal.slug}",
                      label="Remove", act=act, action="remove", slug=removal.slug,
                      desk=self.desk)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SheetDesk(DeskGroup, group_name="sheet",
                group_description=command_at("sheet").description):

    @slash("sheet get")
    @moderator_only
    async def get(self, interaction: Interaction, article: str, text: bool = False) -> None:
        located, sheet, body = await within_deadline(interaction, self.desk.get(article),
                                                     ephemeral=True)
        files = [text_file(sheet, FACTS_FILE)] + ([text_file(body, TEXT_FILE)] if text else [])
        await send(interaction, embed=pages(sheet_view(located, sheet, DISCORD))[0],
                   files=files, ephemeral=True)

    @slash("sheet put")
    @moderator_only
    async def put(self, interaction: Interaction, file: discord.Attachment,
                  article: str | None = None, overwrite: bool = False) -> None:
        proposal = await within_deadline(interaction, self.desk.propose_put(
            editor(interaction), Attached(file, "The sheet file"), slug=article,
            overwrite=overwrite), ephemeral=True)

        async def act(clicked: Interaction) -> View:
            return applied_view(await self.desk.apply(editor(clicked), proposal), DISCORD)

        await confirm(interaction, proposal_view(proposal, DISCORD), title=f"put {proposal.slug}",
                      label="Apply", act=act, action="put", slug=proposal.slug, desk=self.desk)

    @slash("sheet history")
    @moderator_only
    async def history(self, interaction: Interaction, article: str) -> None:
        found = await within_deadline(interaction, self.desk.history(article), ephemeral=True)
        await send_pages(interaction, pages(history_view(found, DISCORD)), ephemeral=True)

    @slash("sheet revert")
    @moderator_only
    async def revert(self, interaction: Interaction, article: str,
                     version: app_commands.Range[int, 1, 1_000_000]) -> None:
        proposal = await within_deadline(interaction, self.desk.propose_revert(
            editor(interaction), article, version), ephemeral=True)

        async def act(clicked: Interaction) -> View:
            return applied_view(await self.desk.apply(editor(clicked), proposal), DISCORD)

        await confirm(interaction, proposal_view(proposal, DISCORD),
                      title=f"revert {proposal.slug}", label="Apply", act=act, action="revert",
                      slug=proposal.slug, desk=self.desk)


async def setup(bot: BaseBot) -> None:
    desk = Desk(bot.store, bot.settings.seeds_dir)  # one desk: one lock over both groups
    await bot.add_cog(ArticleDesk(desk))
    await bot.add_cog(SheetDesk(desk))
