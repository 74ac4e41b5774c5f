"""Start-up: wrong or missing token is one line, the token is never logged, signals close cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import storage.load.pipeline
import storage.store
from bot import cli, client
from bot.client import NewsBot
from bot.commands import SPEC
from bot.runner import run_bot
from tests.bot.conftest import make_settings
from tests.conftest import SEED_SLUG
from tests.discord_fakes import APP_ID, TOKEN, FakeDiscord, start_bot

WRONG = "MTAwMDAwMDAwMDAwMDAwMDAy.wrong.this-token-is-not-valid-at-all"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`newsbot run` configures the root logger; leave it as it was for the next tests."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def env(tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)
    fake = FakeDiscord()
    monkeypatch.setattr(aiohttp, "ClientSession", lambda *a, **k: fake)
    return fake


def test_wrong_token_is_one_line_and_never_logged(env: FakeDiscord, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", WRONG)
    with caplog.at_level(logging.DEBUG):
        assert cli.main(["run"]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("newsbot: Discord refused DISCORD_TOKEN")
    assert "Traceback" not in err
    assert WRONG not in err
    assert all(WRONG not in r.getMessage() for r in caplog.records)
    assert env.requests[0].path == "/users/@me"


def test_no_token_for_run(env: FakeDiscord, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        "newsbot: DISCORD_TOKEN is not set; put it in .env (see .env.example)")
    assert "Traceback" not in err
    assert env.requests == []


def test_sync_registers_globally(env: FakeDiscord, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    assert cli.main(["sync"]) == 0
    assert f"Registered {len(SPEC)} commands globally" in capsys.readouterr().err
    assert [r.path for r in env.requests if r.method == "PUT"] == [f"/applications/{APP_ID}/commands"]
    assert env.closed


def test_sigterm_closes_gateway_and_database(tmp_path: Path, seeds: Path, env: FakeDiscord,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, seeds, discord_token=TOKEN, guild_id=None)
    closed: list[str] = []

    async def fake_connect(self: NewsBot, *, reconnect: bool = True) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # as a process manager would
        await asyncio.Event().wait()  # the gateway runs until closed

    real_close = NewsBot.close

    async def tracking_close(self: NewsBot) -> None:
        await real_close(self)
        closed.append("bot")
        assert self.store.reader._connection is None  # the database is closed too

    monkeypatch.setattr(NewsBot, "connect", fake_connect)
    monkeypatch.setattr(NewsBot, "close", tracking_close)
    assert asyncio.run(run_bot(settings)) == "Stopped."
    assert closed == ["bot"]


async def test_start_up_freezes_what_it_built_and_loads_make_no_full_collection(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What start-up built is out of the collector's sight afterwards; a load suspends full
    collections for its length only, and never unfreezes that heap."""
    monkeypatch.setattr(client, "FREEZE_AFTER_START", True)
    thresholds = gc.get_threshold()
    gc.unfreeze()
    harness = await start_bot(make_settings(tmp_path, seeds), monkeypatch)
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        during: list[tuple[int, int, int]] = []
        real = storage.load.pipeline.Loader._insert

        async def watching(self: storage.load.pipeline.Loader, *args: Any) -> None:
            during.append(gc.get_threshold())
            await real(self, *args)

        monkeypatch.setattr(storage.load.pipeline.Loader, "_insert", watching)
        (seeds / SEED_SLUG / "facts.toml").write_text(
            (seeds / SEED_SLUG / "facts.toml").read_text().replace('"unclear"', '"opposes"', 1))
        assert (await harness.bot.store.load(seeds)).loaded
        assert during
        assert all(t[2] == storage.memory.NO_FULL_COLLECTIONS for t in during)
        assert gc.get_threshold() == thresholds
        assert gc.get_freeze_count() > frozen * 0.9  # the load left start-up's freeze alone
    finally:
        await harness.bot.close()
        gc.unfreeze()
