"""Posting the daily digest: when each guild's is due, and posting it without ever posting twice.

``DigestJob.tick(now)`` is the whole scheduler; the cog's ``tasks.loop`` only calls it every
minute with the bot's clock, so tests drive it with any instant they like, no sleeping.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.base import NO_PINGS, BaseBot
from bot.embeds import DISCORD, pages, per_message
from bot.render_admin import digest_view
from bot.settings import parse_hhmm
from storage.digest import (
    DigestConfig,
    DigestContent,
    all_configs,
    covered_until,
    digest_content,
    posted_days,
    record_post,
)

log = logging.getLogger(__name__)


def scheduled_at(config: DigestConfig, local_day: date) -> datetime:
    """The UTC instant of the guild's digest on ``local_day``.

    zoneinfo resolves the two DST edge cases for us: a time skipped by spring-forward (02:30)
    maps to the instant just after the jump (03:30 local), and a time that occurs twice at
    fall-back takes its first occurrence. digest_log keeps it to one post per local day either way.
    """
    at = parse_hhmm(config.time)
    assert at is not None
    tz = ZoneInfo(config.timezone)
    return datetime.combine(local_day, at, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def local_today(config: DigestConfig, now: datetime) -> date:
    return now.astimezone(ZoneInfo(config.timezone)).date()


@dataclass(frozen=True)
class NextPost:
    day: date       # the local day whose digest it is
    at: datetime    # its scheduled instant, UTC; at or before now when it is due

    def due(self, now: datetime) -> bool:
        return self.at <= now


def next_post(config: DigestConfig, now: datetime, grace: timedelta,
              posted: Collection[str]) -> NextPost:
    """The next digest the guild gets: the first local day, yesterday's included (its grace
    may run past midnight), whose digest is not posted yet (``posted``: local ISO dates), whose
    time came after the schedule took effect, and whose grace has not run out. The one rule
    for both what the scheduler posts and what /digest setup and settings announce."""
    today = local_today(config, now)
    # Ends: past a schedule's start only the finitely many posted days are passed over.
    for offset in itertools.count(-1):
        day = today + timedelta(days=offset)
        at = scheduled_at(config, day)
        if day.isoformat() in posted or at + grace < now:
            continue
        if config.active_since is not None and at < config.active_since:
            continue  # set up after this day's time: not missed, it starts the next day
        return NextPost(day, at)
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class PostResult:
    guild_id: int
    local_date: str
    message_id: int | None = None
    error: str | None = None
    skipped: bool = False


class DigestJob:
    def __init__(self, bot: BaseBot) -> None:
        self.bot = bot
        self._default_guild: int | None = None

    async def configs(self) -> list[DigestConfig]:
        """Every guild's settings; the environment default fills in for a guild without any."""
        configs = await all_configs(self.bot.store)
        try:
            default = await self.default_config()
        except (discord.HTTPException, ValueError) as exc:
            # A bad default channel must not stop the guilds that set up their own digest.
            self._failed("digest default channel", f"DIGEST_CHANNEL_ID: {exc}")
            default = None
        else:
            self.bot.job_failures.pop("digest default channel", None)
        if default is not None and all(c.guild_id != default.guild_id for c in configs):
            configs.append(default)
        return [c for c in configs if c.enabled]

    async def default_config(self) -> DigestConfig | None:
        s = self.bot.settings
        if s.digest_channel_id is None:
            return None
        guild = s.guild_id or self._default_guild
        if guild is None:
            channel = await self.bot.fetch_channel(s.digest_channel_id)
            guild = getattr(channel, "guild_id", None) or getattr(
                getattr(channel, "guild", None), "id", None)
            if guild is None:
                raise ValueError(f"DIGEST_CHANNEL_ID {s.digest_channel_id} is not a server channel")
            self._default_guild = guild
        return DigestConfig(guild, s.digest_channel_id, s.digest_time, s.digest_timezone)

    async def next_post(self, config: DigestConfig, now: datetime) -> NextPost:
        grace = timedelta(minutes=self.bot.settings.digest_grace_minutes)
        yesterday = local_today(config, now) - timedelta(days=1)
        posted = await posted_days(self.bot.store, config.guild_id, yesterday.isoformat())
        return next_post(config, now, grace, posted)

    async def tick(self, now: datetime | None = None) -> list[PostResult]:
        """Post every digest that is due and not yet posted. Never raises: one guild's failure
        is logged and reported in /status, and the others are still served."""
        now = now or self.bot.clock()
        results: list[PostResult] = []
        try:
            configs = await self.configs()
        except Exception as exc:  # the loop must never die
            self._failed("digest settings", f"cannot read the digest settings: {exc}")
            log.exception("digest: cannot read settings")
            return results
        self.bot.job_failures.pop("digest settings", None)
        for config in configs:
            day = None
            try:
                upcoming = await self.next_post(config, now)
                if not upcoming.due(now):
                    continue
                day = upcoming.day
                results.append(await self.post(config, day))
            except Exception as exc:
                log.exception("digest for guild %s failed", config.guild_id)
                self._failed(_job(config), f"unexpected error: {exc.__class__.__name__}")
                results.append(PostResult(config.guild_id, day.isoformat() if day else "",
                                          error=str(exc)))
        return results

    async def content(self, config: DigestConfig) -> DigestContent:
        return await digest_content(self.bot.store, await covered_until(self.bot.store, config))

    async def post(self, config: DigestConfig, day: date) -> PostResult:
        """Post the digest for ``day`` to the guild's channel and record it."""
        local_date = day.isoformat()
        content = await self.content(config)
        if not content.changed and config.skip_empty:
            await record_post(self.bot.store, config.guild_id, local_date, None,
                              content.last_change)
            return PostResult(config.guild_id, local_date, skipped=True)
        embeds = pages(digest_view(content, local_date, DISCORD))
        channel = self.bot.get_partial_messageable(config.channel_id, guild_id=config.guild_id)
        first_id: int | None = None
        try:
            for group in per_message(embeds):
                message = await channel.send(embeds=group, allowed_mentions=NO_PINGS)
                first_id = first_id or message.id
        except discord.HTTPException as exc:
            reason = (f"channel {config.channel_id} no longer exists; set another with /digest setup"
                      if isinstance(exc, discord.NotFound) else
                      f"no permission to post in channel {config.channel_id}"
                      if isinstance(exc, discord.Forbidden) else f"Discord error {exc.status}")
            if first_id is None:
                return self._post_failed(config, local_date, reason + "; will retry")
            # Part of it is in the channel: record the day rather than post that part twice.
            await record_post(self.bot.store, config.guild_id, local_date, first_id,
                              content.last_change)
            return self._post_failed(config, local_date, reason + "; the digest was cut short")
        await record_post(self.bot.store, config.guild_id, local_date, first_id,
                          content.last_change)
        self.bot.job_failures.pop(_job(config), None)
        log.info("digest posted for guild %s (%s), message %s", config.guild_id, local_date,
                 first_id)
        return PostResult(config.guild_id, local_date, message_id=first_id)

    def _post_failed(self, config: DigestConfig, local_date: str, reason: str) -> PostResult:
        log.warning("digest for guild %s (%s) not posted: %s", config.guild_id, local_date, reason)
        self._failed(_job(config), reason)
        return PostResult(config.guild_id, local_date, error=reason)

    def _failed(self, job: str, reason: str) -> None:
        self.bot.job_failures[job] = f"{reason} (at {self.bot.clock().isoformat(timespec='minutes')})"


def _job(config: DigestConfig) -> str:
    return f"digest for guild {config.guild_id}"
