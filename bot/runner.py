"""Running the bot against Discord: logging, signals, login errors as one line."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

import aiohttp
import discord

from bot.client import build_bot
from bot.settings import Settings

log = logging.getLogger(__name__)


class StartError(Exception):
    """Start-up failed for a reason the operator can fix; the message says which."""


class RedactToken(logging.Filter):
    """Defence in depth: no log line may ever carry the bot token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "[token]")
            record.args = None
        return True


_handler: logging.Handler | None = None


def setup_logging(settings: Settings) -> None:
    """discord.py's log format at LOG_LEVEL, to stderr; calling it again replaces the handler."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
    _handler = logging.StreamHandler()
    if settings.discord_token:
        _handler.addFilter(RedactToken(settings.discord_token))
    discord.utils.setup_logging(handler=_handler, level=settings.log_level_number, root=True)


async def run_bot(settings: Settings, *, sync_globally: bool = False) -> str:
    """Log in, then either register the commands globally and stop, or serve until a signal."""
    if not settings.discord_token:
        raise StartError("DISCORD_TOKEN is not set; put it in .env (see .env.example)")
    bot = build_bot(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with bot:  # closes the gateway and the store however we leave
            try:
                await bot.login(settings.discord_token)
            except discord.LoginFailure:
                raise StartError("Discord refused DISCORD_TOKEN (401 Unauthorized); copy it "
                                 "again from the Developer Portal, Bot -> Reset Token") from None
            if sync_globally:
                synced = await bot.tree.sync()
                return f"Registered {len(synced)} commands globally (Discord may take up to an hour)."
            gateway = asyncio.create_task(bot.connect())
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({gateway, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if gateway in done:
                gateway.result()
            log.info("signal received: closing the gateway and the database")
            stopping.cancel()
            return "Stopped."
    except discord.PrivilegedIntentsRequired:
        raise StartError("Discord asks for privileged intents; this bot needs none, "
                         "check the application's settings") from None
    except (aiohttp.ClientError, OSError) as exc:
        raise StartError(f"cannot reach Discord: {exc.__class__.__name__}: {exc}") from None
    except discord.HTTPException as exc:
        raise StartError(f"Discord answered {exc.status}: {exc.text or exc}") from None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
