"""The one error mapping: every failure of a command or a button becomes a short ephemeral
message; tracebacks go to the log only."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.base import Interaction
from bot.checks import NotModerator
from bot.desk.errors import DeskError
from bot.embeds import DISCORD
from bot.render_desk import refusal_text
from bot.respond import send
from storage.db import StoreError

log = logging.getLogger(__name__)


def message_for(interaction: Interaction, error: Exception) -> str:
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(error, app_commands.CommandOnCooldown):
        seconds = max(1, round(error.retry_after))
        return f"That was quick. Try again in {seconds} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server channel, not in direct messages."
    if isinstance(error, app_commands.TransformerError):
        return "I couldn't use the value given for one of the options; pick it from the list."
    if isinstance(error, NotModerator):
        return "Only moderators can do this: members with Manage Server or a moderator role."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(original, DeskError):
        return refusal_text(original, DISCORD)
    if isinstance(original, StoreError):
        log.warning("store error on interaction %s: %s", interaction.id, original)
        return "The fact database is busy or unavailable right now. Try again in a moment."
    what = (f"command /{interaction.command.qualified_name}" if interaction.command
            else "button")
    log.error("%s failed (interaction %s)", what, interaction.id, exc_info=original)
    return f"Something went wrong answering that. It has been logged (reference {interaction.id})."


async def report(interaction: Interaction, error: Exception) -> None:
    """Tell the member what went wrong, privately; never leave a public "thinking…" behind."""
    message = message_for(interaction, error)
    try:
        if interaction.extras.get("deferred_publicly"):
            await interaction.delete_original_response()  # the public "thinking…" message
        await send(interaction, content=message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about the error on interaction %s",
                    interaction.id)
