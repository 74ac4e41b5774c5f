"""Attachments an editor uploads: fetched from Discord's CDN within a size limit, and accepted
only as UTF-8 text. Every failure is a DeskError with a message the editor can act on."""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.desk.errors import DeskError

log = logging.getLogger(__name__)

UPLOAD_LIMIT = 1_000_000  # bytes: a sheet is tens of KB, a 50,000-word article about 300 KB
LIMIT_TEXT = "1 MB"


async def download(attachment: discord.Attachment, what: str) -> bytes:
    if attachment.size > UPLOAD_LIMIT:
        raise DeskError(f"{what} is {attachment.size:,} bytes; the limit is {LIMIT_TEXT}. "
                        "Nothing changed.")
    if attachment.size == 0:
        raise DeskError(f"{what} is empty. Nothing changed.")
    try:
        data = await attachment.read()
    except discord.NotFound:
        raise DeskError(f"{what} is no longer on Discord (deleted, or its link expired); "
                        "upload it again. Nothing changed.") from None
    except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
        log.warning("download of attachment %s failed: %s", attachment.id, exc)
        raise DeskError(f"Discord did not deliver {what} (the download failed); try again in "
                        "a moment. Nothing changed.") from None
    if len(data) > UPLOAD_LIMIT:  # the size Discord announced was wrong
        raise DeskError(f"{what} is over the {LIMIT_TEXT} limit. Nothing changed.")
    return data


def as_text(data: bytes, what: str) -> str:
    """UTF-8 text (a byte-order mark dropped); binary, other encodings and blank files are
    refused."""
    if b"\0" in data:
        raise DeskError(f"{what} is not a text file (it holds binary data). Nothing changed.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeskError(f"{what} is not UTF-8 text (byte {exc.start} is not valid); save it "
                        "as UTF-8 and upload it again. Nothing changed.") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DeskError(f"{what} is empty. Nothing changed.")
    return text


async def read_text(attachment: discord.Attachment, what: str) -> str:
    return as_text(await download(attachment, what), what)
