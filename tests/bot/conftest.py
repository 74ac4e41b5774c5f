"""Fixtures for driving the bot through discord.py offline (see tests/discord_fakes.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.embeds import CONTENT_LIMIT, EMBED_TOTAL_LIMIT, EMBEDS_PER_MESSAGE, problems
from bot.settings import Settings
from tests.discord_fakes import GUILD_ID, FakeDiscord, Harness, message_total, start_bot

HarnessFactory = Callable[..., Awaitable[Harness]]


def check_message(message: dict[str, Any]) -> None:
    """What every message the bot sends must satisfy: Discord's limits and no pings."""
    assert message.get("allowed_mentions") == {"parse": []}, message.get("allowed_mentions")
    assert len(message.get("content") or "") <= CONTENT_LIMIT
    embeds = message.get("embeds") or []
    assert len(embeds) <= EMBEDS_PER_MESSAGE
    for embed in embeds:
        assert problems(embed) == [], problems(embed)
    assert message_total(embeds) <= EMBED_TOTAL_LIMIT, message_total(embeds)


def make_settings(tmp_path: Path, seeds: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"discord_token": None, "database_path": tmp_path / "bot.sqlite3",
                              "seeds_dir": seeds, "log_level": "INFO", "guild_id": GUILD_ID}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def make_harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                       ) -> AsyncIterator[HarnessFactory]:
    """Start bots on demand; at teardown every message they sent is checked, then they close."""
    started: list[Harness] = []

    async def factory(seeds: Path, fake: FakeDiscord | None = None, **options: Any) -> Harness:
        overrides = {k: options.pop(k) for k in list(options) if k in Settings.__dataclass_fields__}
        folder = tmp_path / f"bot{len(started)}"
        folder.mkdir()
        harness = await start_bot(make_settings(folder, seeds, **overrides), monkeypatch,
                                  fake=fake, **options)
        started.append(harness)
        return harness

    yield factory
    try:
        for harness in started:
            for message in harness.fake.sent_messages():
                check_message(message)
    finally:
        for harness in started:
            await harness.bot.close()


@pytest.fixture
async def harness(make_harness: HarnessFactory, seeds: Path) -> Harness:
    return await make_harness(seeds)
