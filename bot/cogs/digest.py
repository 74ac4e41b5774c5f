"""/digest: set up, preview and post the daily digest; the scheduler loop that posts it."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.base import NO_PINGS, BaseBot, Interaction, bot_of
from bot.checks import moderator_only
from bot.cogs.options import slash
from bot.commands import command_at
from bot.digest import DigestJob, NextPost, local_today
from bot.embeds import DISCORD, pages
from bot.pager import send_pages
from bot.render import echo
from bot.render_admin import digest_view
from bot.respond import send
from bot.settings import parse_hhmm, valid_timezone
from storage.digest import DigestConfig, disable, get_config, save_config

log = logging.getLogger(__name__)


def _describe(config: DigestConfig, upcoming: NextPost, now: datetime) -> str:
    local = upcoming.at.astimezone(ZoneInfo(config.timezone))
    late = (" — missed while the bot was down, it posts within a minute"
            if upcoming.due(now) else "")
    empty = "skipped" if config.skip_empty else "a short “nothing changed” line"
    return (f"Daily digest in <#{config.channel_id}> at {config.time} {config.timezone}.\n"
            f"Next: {local:%Y-%m-%d %H:%M} {local.tzname()} ({upcoming.at:%Y-%m-%d %H:%M} UTC)"
            f"{late}.\nDays without changes: {empty}.")


class Digest(commands.GroupCog, group_name="digest",
             group_description=command_at("digest").description):
    def __init__(self, bot: BaseBot) -> None:
        self.job = DigestJob(bot)
        super().__init__()

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    @tasks.loop(minutes=1)
    async def loop(self) -> None:
        await self.job.tick()  # never raises; failures are logged and shown in /status

    @loop.before_loop
    async def _ready(self) -> None:
        await self.job.bot.wait_until_ready()

    @slash("digest setup")
    @app_commands.guild_only()
    @moderator_only
    async def setup(self, interaction: Interaction,
                    channel: app_commands.AppCommandChannel, time: str, timezone: str,
                    skip_empty: bool = False) -> None:
        # AppCommandChannel, not TextChannel: it comes whole in the interaction, cache or not.
        bot = bot_of(interaction)
        assert interaction.guild_id is not None
        if channel.type not in (discord.ChannelType.text, discord.ChannelType.news):
            return await _refuse(interaction, "Pick a text or announcement channel.")
        if parse_hhmm(time) is None:
            return await _refuse(interaction, f"“{DISCORD.text(echo(time))}” is not a time: use "
                                              "24-hour HH:MM, e.g. 08:00 or 17:30.")
        if not valid_timezone(timezone):
            return await _refuse(interaction, f"“{DISCORD.text(echo(timezone))}” is not a time "
                                              "zone: pick one from the list, e.g. Europe/Paris.")
        at = parse_hhmm(time)
        assert at is not None
        config = DigestConfig(interaction.guild_id, channel.id, at.strftime("%H:%M"), timezone,
                              skip_empty)
        # Prove now that the bot can post there, rather than failing silently at 08:00.
        await interaction.response.defer(ephemeral=True, thinking=True)  # that post takes time
        try:
            await bot.get_partial_messageable(channel.id, guild_id=interaction.guild_id).send(
                f"This channel will receive the daily digest at {config.time} {timezone}.",
                allowed_mentions=NO_PINGS)
        except discord.Forbidden:
            return await _refuse(interaction, f"I can't post in <#{channel.id}>: give me View "
                                              "Channel, Send Messages and Embed Links there.")
        except discord.HTTPException as exc:
            return await _refuse(interaction, f"I can't post in <#{channel.id}> ({exc.status}).")
        saved = await save_config(bot.store, config, interaction.user.id)
        now = bot.clock()
        await send(interaction, content="✅ " + _describe(saved, await self.job.next_post(saved, now),
                                                         now), ephemeral=True)

    @slash("digest off")
    @app_commands.guild_only()
    @moderator_only
    async def off(self, interaction: Interaction) -> None:
        bot = bot_of(interaction)
        assert interaction.guild_id is not None
        default = await self.job.default_config()
        default = default if default and default.guild_id == interaction.guild_id else None
        was_on = await disable(bot.store, interaction.guild_id, interaction.user.id, default)
        await send(interaction, content="Daily digest turned off." if was_on
                   else "There was no daily digest to turn off.", ephemeral=True)

    @slash("digest settings")
    @app_commands.guild_only()
    @moderator_only
    async def settings(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        if config is None:
            text = "No daily digest here. A moderator can start one with /digest setup."
        elif not config.enabled:
            text = "The daily digest is off. /digest setup turns it on again."
        else:
            now = bot_of(interaction).clock()
            text = _describe(config, await self.job.next_post(config, now), now)
        await send(interaction, content=text, ephemeral=True)

    @slash("digest preview")
    @app_commands.guild_only()
    async def preview(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        if config is None:
            assert interaction.guild_id is not None
            config = DigestConfig(interaction.guild_id, 0, "08:00", "UTC")
        content = await self.job.content(config)
        day = local_today(config, bot_of(interaction).clock()).isoformat()
        await send_pages(interaction, pages(digest_view(content, day, DISCORD)), ephemeral=True)

    @slash("digest now")
    @app_commands.guild_only()
    @moderator_only
    async def now(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        if config is None or not config.enabled:
            return await _refuse(interaction, "No daily digest is set up here: use /digest setup.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # It counts as the digest that is due: yesterday's, while its grace runs past midnight
        # (posting it for today would leave yesterday's due, and take today's slot).
        now = bot_of(interaction).clock()
        upcoming = await self.job.next_post(config, now)
        day = upcoming.day if upcoming.due(now) else local_today(config, now)
        result = await self.job.post(config, day)
        text = (f"Couldn't post the digest: {result.error}." if result.error else
                "Nothing changed, and this digest skips empty days." if result.skipped else
                f"Posted in <#{config.channel_id}>.")
        await send(interaction, content=text, ephemeral=True)

    async def _config(self, interaction: Interaction) -> DigestConfig | None:
        assert interaction.guild_id is not None
        config = await get_config(bot_of(interaction).store, interaction.guild_id)
        if config is None:
            default = await self.job.default_config()
            if default is not None and default.guild_id == interaction.guild_id:
                return default
        return config


async def _refuse(interaction: Interaction, message: str) -> None:
    await send(interaction, content=message, ephemeral=True)


async def setup(bot: BaseBot) -> None:
    await bot.add_cog(Digest(bot))
