"""Go ahead / Cancel under a card that says what would change (the desk's Apply and Remove).

Only the member who asked may press; a press after the time allowed, by the bot's clock,
changes nothing; each card acts once. A refusal when going ahead replaces the card.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import discord

from bot.base import NO_PINGS, Interaction, bot_of
from bot.desk.errors import DeskError
from bot.embeds import DISCORD, pages
from bot.errors import report
from bot.render import View
from bot.render_desk import CONFIRM_MINUTES, closed_view, refusal_text
from bot.respond import within_deadline

log = logging.getLogger(__name__)

Act = Callable[[Interaction], Awaitable[View]]
Closed = Callable[[str], Awaitable[None]]  # "cancelled" or "expired": for the audit trail


class Confirm(discord.ui.View):
    def __init__(self, origin: Interaction, *, title: str, label: str, act: Act,
                 closed: Closed, minutes: int = CONFIRM_MINUTES) -> None:
        super().__init__(timeout=minutes * 60 + 30)  # the clock decides; this only tidies up
        self.origin = origin
        self.owner_id = origin.user.id
        self.clock = bot_of(origin).clock
        self.expires = self.clock() + timedelta(minutes=minutes)
        self.title = title
        self.act = act
        self.closed = closed
        self.finished = False
        self.go.label = label

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the editor who asked can press these; run the command yourself.",
            ephemeral=True, allowed_mentions=NO_PINGS)
        log.info("confirmation click refused: user %s on interaction %s", interaction.user.id,
                 self.origin.id)
        return False

    @discord.ui.button(label="Apply", style=discord.ButtonStyle.success)
    async def go(self, interaction: Interaction, button: discord.ui.Button[Confirm]) -> None:
        if self.finished:
            await interaction.response.send_message("This was already done.", ephemeral=True,
                                                    allowed_mentions=NO_PINGS)
            return
        if self.clock() >= self.expires:
            await self._close(interaction, "expired")
            return
        self.finished = True
        self.stop()
        try:
            result = await within_deadline(interaction, self.act(interaction), ephemeral=True,
                                           update=True)
        except DeskError as exc:
            result = View(title=f"Not done — {self.title}",
                          notes=(refusal_text(exc, DISCORD),), blocks=(), footer="")
        await self._show(interaction, result)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: Interaction,
                     button: discord.ui.Button[Confirm]) -> None:
        if self.finished:
            await interaction.response.send_message("This was already done.", ephemeral=True,
                                                    allowed_mentions=NO_PINGS)
            return
        await self._close(interaction, "cancelled")

    async def _close(self, interaction: Interaction, outcome: str) -> None:
        self.finished = True
        self.stop()
        await self.closed(outcome)
        await self._show(interaction, closed_view(self.title, outcome, DISCORD))

    async def _show(self, interaction: Interaction, result: View) -> None:
        embed = pages(result)[0]
        if interaction.response.is_done():
            await interaction.edit_original_response(embed=embed, view=None,
                                                      allowed_mentions=NO_PINGS)
        else:
            await interaction.response.edit_message(embed=embed, view=None,
                                                    allowed_mentions=NO_PINGS)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception,
                       item: discord.ui.Item[Any]) -> None:
        await report(interaction, error)

    async def on_timeout(self) -> None:
        if self.finished:
            return
        self.finished = True
        await self.closed("expired")
        try:
            await self.origin.edit_original_response(
                embed=pages(closed_view(self.title, "expired", DISCORD))[0], view=None,
                allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("could not close the confirmation on interaction %s: %s", self.origin.id,
                     exc)
