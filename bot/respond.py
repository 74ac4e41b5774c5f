"""Answering an interaction: the one send helper and the deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.base import NO_PINGS, Interaction, bot_of

T = TypeVar("T")


async def send(interaction: Interaction, *, embed: discord.Embed | None = None,
               content: str | None = None, view: discord.ui.View | None = None,
               ephemeral: bool = False, files: list[discord.File] | None = None) -> None:
    """The one way the bot answers: first response or follow-up, never pinging anyone."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS, "ephemeral": ephemeral}
    if files:
        kwargs["files"] = files
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


async def within_deadline(interaction: Interaction, work: Awaitable[T],
                          ephemeral: bool, update: bool = False) -> T:
    """Run ``work``; if it is not done in time, defer (Discord wants an answer within 3 s).
    ``update``: a button click that will edit its own message (deferred without "thinking")."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=bot_of(interaction).defer_after)
    if not done and not interaction.response.is_done() and update:
        await interaction.response.defer()
    elif not done and not interaction.response.is_done():
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        # Discord makes the first follow-up replace a deferred "thinking" message, public or
        # not; the error handler reads this to keep an error out of the channel.
        interaction.extras["deferred_publicly"] = not ephemeral
    return await task
