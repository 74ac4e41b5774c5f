"""Moderators: reload the fact sheets safely, and see the bot's status."""

from __future__ import annotations

import logging
import math
import time

from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.base import BaseBot, Interaction, bot_of
from bot.checks import moderator_only
from bot.cogs.options import slash
from bot.embeds import DISCORD, pages
from bot.pager import send_pages
from bot.render_admin import RuntimeStatus, reload_view, status_view
from bot.respond import within_deadline
from storage.reload import Requester, reload
from storage.status import store_status

log = logging.getLogger(__name__)


class Moderation(commands.Cog):
    def __init__(self, bot: BaseBot) -> None:
        self.started = time.monotonic()

    @slash("reload")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only
    async def reload(self, interaction: Interaction, article: str | None = None,
                     dry_run: bool = False) -> None:
        bot = bot_of(interaction)
        requester = Requester("discord", interaction.user.id, interaction.guild_id)
        outcome = await within_deadline(
            interaction, reload(bot.store, bot.settings.seeds_dir, requester, article=article,
                                dry_run=dry_run), ephemeral=True)
        log.info("reload by %s in guild %s: %s (%s)", interaction.user.id, interaction.guild_id,
                 outcome.result, outcome.scope)
        await send_pages(interaction, pages(reload_view(outcome, DISCORD)), ephemeral=True)

    @slash("status")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only
    async def status(self, interaction: Interaction) -> None:
        bot = bot_of(interaction)
        latency = bot.latency * 1000 if math.isfinite(bot.latency) else None  # nan: no gateway
        runtime = RuntimeStatus(__version__, time.monotonic() - self.started, latency,
                                tuple(f"{job}: {err}" for job, err in bot.job_failures.items()))
        view = status_view(await store_status(bot.store), runtime, DISCORD)
        await send_pages(interaction, pages(view), ephemeral=True)


async def setup(bot: BaseBot) -> None:
    await bot.add_cog(Moderation(bot))
