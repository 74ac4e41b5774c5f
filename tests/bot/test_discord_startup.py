"""Start-up: wrong or missing token is one line, the token is never logged, signals close cleanly."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot import cli
from bot.client import NewsBot
from bot.runner import run_bot
from tests.bot.conftest import make_settings
from tests.discord_fakes import APP_ID, TOKEN, FakeDiscord

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
    assert "Registered 13 commands globally" in capsys.readouterr().err
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
