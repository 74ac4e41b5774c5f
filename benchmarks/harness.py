"""The offline Discord harness of the tests, usable outside pytest, with timestamps.

``TimedDiscord`` is the tests' ``FakeDiscord`` (it answers like Discord's HTTP API and records
every request) that also notes when the answer to a given interaction reaches the HTTP layer:
the end of the whole path a latency sample measures.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.client import NewsBot, build_bot
from bot.respond import send
from bot.settings import Settings
from tests.discord_fakes import (
    GUILD_ID,
    REPORTER_ID,
    TOKEN,
    FakeDiscord,
    Harness,
    command_data,
    interaction_payload,
)

NOOP = "bench-noop"


@dataclass
class TimedDiscord(FakeDiscord):
    """FakeDiscord that resolves a future when an interaction's first answer is captured."""

    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)  # token -> its latest request

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        response = super().request(method, url, **kwargs)
        if self.waiting or self.last:
            now = time.perf_counter()
            for token in self.last:
                if token in url:
                    self.last[token] = now
            for token, future in list(self.waiting.items()):
                if token in url and not future.done():
                    future.set_result(now)
                    del self.waiting[token]
        return response


@contextmanager
def fake_session(fake: FakeDiscord) -> Iterator[None]:
    """What the tests do with monkeypatch: discord.py's HTTP client gets the fake session."""
    original = aiohttp.ClientSession
    aiohttp.ClientSession = lambda *a, **k: fake  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        aiohttp.ClientSession = original  # type: ignore[misc]


async def start(settings: Settings, fake: TimedDiscord) -> NewsBot:
    """build_bot + login against the fake session: returns once setup_hook has finished."""
    with fake_session(fake):
        bot = build_bot(settings)
        await bot.login(TOKEN)
    return bot


def add_noop(bot: NewsBot) -> None:
    """A trivial command, registered on the tree only here: the dispatch floor."""

    @app_commands.command(name=NOOP, description="benchmark floor: answers 'ok'")
    async def noop(interaction: discord.Interaction[Any], private: bool = False) -> None:
        await send(interaction, content="ok", ephemeral=private)

    bot.tree.add_command(noop, guild=discord.Object(id=GUILD_ID))


class Driver:
    """Sends interaction payloads into discord.py's connection state and times the answers."""

    def __init__(self, bot: NewsBot, fake: TimedDiscord) -> None:
        self.bot = bot
        self.fake = fake
        self.harness = Harness(bot, fake)
        self.users = 0
        self.last: dict[str, Any] = {}  # the body of the last answer, to check it is one

    def _payload(self, kind: int, name: str, options: dict[str, Any],
                 focused: str | None) -> dict[str, Any]:
        # A different member each time, as in a busy newsroom (and /search's per-member
        # cooldown never kicks in).
        self.users += 1
        return interaction_payload(kind, command_data(name, options, focused),
                                   user_id=REPORTER_ID + self.users)

    async def run(self, name: str, options: dict[str, Any], focused: str | None = None,
                  whole: bool = False) -> float:
        """Seconds from the payload entering discord.py to the answer reaching the HTTP layer
        (``whole``: to the last request, e.g. the follow-up after a deferral)."""
        payload = self._payload(4 if focused else 2, name, options, focused)
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.fake.waiting[payload["token"]] = future
        if whole:
            self.fake.last[payload["token"]] = 0.0
        started = time.perf_counter()
        self.bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        try:
            answered = await asyncio.wait_for(future, timeout=120)
        finally:
            self.fake.waiting.pop(payload["token"], None)
        await self.harness.settle()
        answers = [r.json for r in self.fake.requests
                   if payload["token"] in r.path and r.is_callback]
        self.last = answers[0] if answers else {}
        self._cleanup()
        if whole:
            answered = max(answered, self.fake.last.pop(payload["token"]))
        return answered - started

    def _cleanup(self) -> None:
        """Forget captured requests and stop pagers, so thousands of samples don't pile up."""
        self.fake.requests.clear()
        store = self.bot._connection._view_store
        views = {item.view for items in store._views.values() for item in items.values()
                 if item.view is not None}
        views.update(store._synced_message_views.values())
        for view in views:
            view.stop()
