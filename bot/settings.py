"""Settings: read once from the environment and .env, validated, then passed in."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    discord_token: str | None
    database_path: Path
    seeds_dir: Path
    log_level: str
    guild_id: int | None = None
    search_cooldown_uses: int = 3
    search_cooldown_seconds: float = 30.0
    moderator_role_ids: frozenset[int] = frozenset()
    # Digest defaults for a single-newsroom deployment; per-guild settings override them.
    digest_channel_id: int | None = None
    digest_time: str = "08:00"
    digest_timezone: str = "UTC"
    digest_grace_minutes: int = 180

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))

    def __repr__(self) -> str:  # never print the token
        token = "set" if self.discord_token else "unset"
        return (f"Settings(discord_token=<{token}>, database_path={self.database_path!r}, "
                f"seeds_dir={self.seeds_dir!r}, log_level={self.log_level!r}, "
                f"guild_id={self.guild_id!r})")


def load_settings(environ: Mapping[str, str] | None = None,
                  env_file: Path | None = Path(".env")) -> Settings:
    """Settings from ``environ`` (default: the process environment) over the .env file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def text(name: str, default: str) -> str:
        value = values.get(name, "").strip()
        return value or default

    token = values.get("DISCORD_TOKEN", "").strip() or None
    if token is not None and (any(c.isspace() for c in token) or len(token) < 20):
        raise SettingsError("DISCORD_TOKEN: does not look like a bot token "
                            "(copy it again from the Developer Portal, Bot -> Reset Token)")
    level = text("LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL: {values.get('LOG_LEVEL')!r} is not one of "
                            f"{', '.join(LOG_LEVELS)}")
    database = Path(text("DATABASE_PATH", "data/newsbot.sqlite3")).expanduser()
    if database.exists() and database.is_dir():
        raise SettingsError(f"DATABASE_PATH: {database} is a folder; name a file inside it")
    seeds = Path(text("SEEDS_DIR", "seeds")).expanduser()
    if not seeds.is_dir():
        raise SettingsError(f"SEEDS_DIR: {seeds} is not a folder")
    guild = values.get("DISCORD_GUILD_ID", "").strip()
    if guild and not (guild.isdigit() and 15 <= len(guild) <= 21):
        raise SettingsError(f"DISCORD_GUILD_ID: {guild!r} is not a server id "
                            "(right-click the server with Developer Mode on, Copy Server ID)")
    uses = _number("SEARCH_COOLDOWN_USES", text("SEARCH_COOLDOWN_USES", "3"), int, 1, 1000)
    seconds = _number("SEARCH_COOLDOWN_SECONDS", text("SEARCH_COOLDOWN_SECONDS", "30"), float,
                      0, 86400)
    roles = values.get("MODERATOR_ROLE_IDS", "").replace(" ", "")
    role_ids = [r for r in roles.split(",") if r]
    bad = [r for r in role_ids if not r.isdigit()]
    if bad:
        raise SettingsError(f"MODERATOR_ROLE_IDS: {bad[0]!r} is not a role id "
                            "(comma-separated numbers, e.g. 123456789012345678,234567890123456789)")
    digest_channel = values.get("DIGEST_CHANNEL_ID", "").strip()
    if digest_channel and not (digest_channel.isdigit() and 15 <= len(digest_channel) <= 21):
        raise SettingsError(f"DIGEST_CHANNEL_ID: {digest_channel!r} is not a channel id")
    digest_time = text("DIGEST_TIME", "08:00")
    if parse_hhmm(digest_time) is None:
        raise SettingsError(f"DIGEST_TIME: {digest_time!r} is not a time like 08:00 (24-hour)")
    digest_zone = text("DIGEST_TIMEZONE", "UTC")
    if not valid_timezone(digest_zone):
        raise SettingsError(f"DIGEST_TIMEZONE: {digest_zone!r} is not an IANA time zone "
                            "such as Europe/Paris or America/New_York")
    grace = _number("DIGEST_GRACE_MINUTES", text("DIGEST_GRACE_MINUTES", "180"), int, 0, 1440)
    return Settings(discord_token=token, database_path=database, seeds_dir=seeds, log_level=level,
                    digest_channel_id=int(digest_channel) if digest_channel else None,
                    digest_time=digest_time, digest_timezone=digest_zone,
                    digest_grace_minutes=int(grace),
                    guild_id=int(guild) if guild else None, search_cooldown_uses=int(uses),
                    search_cooldown_seconds=float(seconds),
                    moderator_role_ids=frozenset(int(r) for r in role_ids))


def parse_hhmm(value: str) -> time | None:
    """08:00 -> time(8, 0); None for anything that is not a 24-hour HH:MM."""
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    return time(int(m[1]), int(m[2])) if m else None


def valid_timezone(name: str) -> bool:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _number(name: str, raw: str, kind: type[int] | type[float], low: float, high: float) -> float:
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name}: {raw!r} is not a number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}: {raw} must be between {low:g} and {high:g}")
    return value
