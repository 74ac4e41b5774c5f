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
from bot.checks import is_moderator
from bot.desk.errors import DeskError
from bot.embeds import DISCORD, pages
from bot.errors import message_for, report
from bot.render import View
from bot.render_desk import CONFIRM_MINUTES, closed_view, refusal_text
from bot.respond import within_deadline
from storage.desk import Outcome

log = logging.getLogger(__name__)

Act = Callable[[Interaction], Awaitable[View]]
# For the audit trail: who pressed (the asker, or whoever was refused), what came of it, why.
Audit = Callable[[Interaction, Outcome, str | None], Awaitable[None]]


class Confirm(discord.ui.View):
    def __init__(self, origin: Interaction, *, title: str, label: str, act: Act,
                 audit: Audit, minutes: int = CONFIRM_MINUTES) -> None:
        super().__init__(timeout=minutes * 60 + 30)  # the clock decides; this only tidies up
        self.origin = origin
        self.owner_id = origin.user.id
        self.clock = bot_of(origin).clock
        self.expires = self.clock() + timedelta(minutes=minutes)
        self.title = title
        self.act = act
        self.audit = audit
        self.finished = False
        self.go.label = label

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            # Still a moderator? A role may have been taken away since the command ran.
            return is_moderator(interaction)  # raises NotModerator: on_error says so
        await interaction.response.send_message(
            "Only the editor who asked can press these; run the command yourself.",
            ephemeral=True, allowed_mentions=NO_PINGS)
        log.info("confirmation click refused: user %s on interaction %s", interaction.user.id,
                 self.origin.id)
        await self.audit(interaction, "refused", "pressed another editor's button")
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
        except Exception as exc:  # the card says why, and no button promises more
            said = (refusal_text(exc, DISCORD) if isinstance(exc, DeskError)
                    else message_for(interaction, exc))
            result = View(title=f"Not done — {self.title}", notes=(said,), blocks=(),
                          footer="")
        await self._show(interaction, result)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: Interaction,
                     button: discord.ui.Button[Confirm]) -> None:
        if self.finished:
            await interaction.response.send_message("This was already done.", ephemeral=True,
                                                    allowed_mentions=NO_PINGS)
            return
        await self._close(interaction, "cancelled")

    async def _close(self, interaction: Interaction, outcome: Outcome) -> None:
        self.finished = True
        self.stop()
        await self.audit(interaction, outcome, None)
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
        await self.audit(self.origin, "expired", "nobody pressed")
        try:
            await self.origin.edit_original_response(
                embed=pages(closed_view(self.title, "expired", DISCORD))[0], view=None,
                allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("could not close the confirmation on interaction %s: %s", self.origin.id,
                     exc)
