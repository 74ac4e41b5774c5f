"""Settings: read once from the environment and .env, validated, then passed in."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
    return Settings(discord_token=token, database_path=database, seeds_dir=seeds, log_level=level,
                    guild_id=int(guild) if guild else None, search_cooldown_uses=int(uses),
                    search_cooldown_seconds=float(seconds),
                    moderator_role_ids=frozenset(int(r) for r in role_ids))


def _number(name: str, raw: str, kind: type[int] | type[float], low: float, high: float) -> float:
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name}: {raw!r} is not a number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}: {raw} must be between {low:g} and {high:g}")
    return value
