"""Answering an interaction: the deadline, the one send helper, and paging."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord

from bot.commands import Command
from bot.embeds import DISCORD, pages
from bot.render import view

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)
T = TypeVar("T")

NO_PINGS = discord.AllowedMentions.none()
PAGER_TIMEOUT = 600.0  # seconds; under the 15 minutes an interaction token lives


def bot_of(interaction: discord.Interaction[Any]) -> NewsBot:
    return cast("NewsBot", interaction.client)


async def send(interaction: discord.Interaction[Any], *, embed: discord.Embed | None = None,
               content: str | None = None, view: discord.ui.View | None = None,
               ephemeral: bool = False) -> None:
    """The one way the bot answers: first response or follow-up, never pinging anyone."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS, "ephemeral": ephemeral}
    if embed is not None:
        kwargs["embed"] = embed
    if content is not None:
        kwargs["content"] = content
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(wait=True, **kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def within_deadline(interaction: discord.Interaction[Any], work: Awaitable[T],
                          ephemeral: bool) -> T:
    """Run ``work``; if it is not done in time, defer (Discord wants an answer within 3 s)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=bot_of(interaction).defer_after)
    if not done and not interaction.response.is_done():
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        # Discord makes the first follow-up replace a deferred "thinking" message, public or
        # not; the error handler reads this to keep an error out of the channel.
        interaction.extras["deferred_publicly"] = not ephemeral
    return await task


async def answer(interaction: discord.Interaction[Any], command: Command,
                 options: Mapping[str, str | None], private: bool) -> None:
    """A command as a straight line: options -> query -> render -> send."""
    assert command.run is not None
    given = {k: v for k, v in options.items() if v is not None}
    result = await within_deadline(interaction, command.run(bot_of(interaction).store, given),
                                   ephemeral=private)
    await send_pages(interaction, pages(view(result, DISCORD)), ephemeral=private)


async def send_pages(interaction: discord.Interaction[Any], embeds: list[discord.Embed],
                     ephemeral: bool) -> None:
    """One page, or the first page with a pager over the rest."""
    pager = Pager(interaction, embeds) if len(embeds) > 1 else None
    await send(interaction, embed=embeds[0], view=pager, ephemeral=ephemeral)


class Pager(discord.ui.View):
    """Previous / next buttons over pre-rendered pages; only the member who asked may page."""

    def __init__(self, origin: discord.Interaction[Any], embeds: list[discord.Embed],
                 timeout: float = PAGER_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.origin = origin
        self.owner_id = origin.user.id
        self.embeds = embeds
        self.index = 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.embeds) - 1
        self.position.label = f"page {self.index + 1} of {len(self.embeds)}"

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the member who asked can turn these pages; run the command yourself to browse.",
            ephemeral=True, allowed_mentions=NO_PINGS)
        log.info("pager click refused: user %s on interaction %s", interaction.user.id,
                 self.origin.id)
        return False

    async def _show(self, interaction: discord.Interaction[Any], index: int) -> None:
        self.index = max(0, min(index, len(self.embeds) - 1))
        self._sync()
        await interaction.response.edit_message(embed=self.embeds[self.index], view=self,
                                                allowed_mentions=NO_PINGS)

    @discord.ui.button(label="Previous", emoji="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[Any],
                       button: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="page", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction[Any],
                       button: discord.ui.Button[Pager]) -> None:  # pragma: no cover - disabled
        await interaction.response.defer()

    @discord.ui.button(label="Next", emoji="▶", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction[Any],
                   button: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            await self.origin.edit_original_response(view=self)
        except discord.HTTPException as exc:  # message deleted, token expired: nothing to disable
            log.info("could not disable pager buttons on interaction %s: %s", self.origin.id, exc)
