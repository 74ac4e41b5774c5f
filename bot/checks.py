"""Run-time permission checks. Kept out of the cogs: discord.py loads an extension as a fresh
module, so an exception class defined there would not match the one the error handler knows."""

from __future__ import annotations

import logging

from discord import app_commands

from bot.base import Interaction, bot_of

log = logging.getLogger(__name__)


class NotModerator(app_commands.CheckFailure):
    """The member lacks Manage Server and every moderator role."""


def is_moderator(interaction: Interaction) -> bool:
    """Checked when the command runs: server admins can override Discord's default visibility."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if interaction.permissions.manage_guild:
        return True
    roles = bot_of(interaction).settings.moderator_role_ids
    # Member.roles drops roles missing from the cache (a guild not yet received over the
    # gateway); the raw ids from the interaction payload cover that case.
    user = interaction.user
    member_roles = {r.id for r in getattr(user, "roles", ())} | set(getattr(user, "_roles", ()))
    if roles & member_roles:
        return True
    log.warning("moderator command refused: user %s in guild %s (/%s)", interaction.user.id,
                interaction.guild_id, interaction.command.name if interaction.command else "?")
    raise NotModerator()


moderator_only = app_commands.check(is_moderator)
