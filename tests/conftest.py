"""Shared fixtures: a copy of the seeds, a store loaded from them, and no network at all."""

from __future__ import annotations

import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

import bot.client
import storage.connections
import storage.db
from storage.store import Store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_SLUG = "kremlin-peacekeepers"


@pytest.fixture(autouse=True)
def no_heap_freeze(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bots started by tests leave the test process's heap to the garbage collector (a bot
    freezes what its start-up built: bot.client.FREEZE_AFTER_START)."""
    monkeypatch.setattr(bot.client, "FREEZE_AFTER_START", False)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs offline: opening an internet socket fails the test loudly."""

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def no_connection_left_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every database connection a test opened is stopped after it: a test that fails before
    closing its store would otherwise leave the connections' threads running, and the test
    run would never exit (CI would wait for its timeout). One left open fails the test."""
    opened: list[aiosqlite.Connection] = []
    real_connect = storage.db.connect

    async def tracking(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
        conn = await real_connect(*args, **kwargs)
        opened.append(conn)
        return conn

    monkeypatch.setattr(storage.connections, "connect", tracking)
    yield
    left = [conn for conn in opened if conn._connection is not None]
    for conn in left:
        conn.stop()  # closes the connection on its thread, which then ends
    # Still a leak to report: a store the code under test forgot to close must fail the test,
    # as the ResourceWarning of an unclosed connection did.
    assert not left, f"{len(left)} database connection(s) left open"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the bundled seeds folder that a test may edit."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def seed_folder(seeds: Path) -> Path:
    return seeds / SEED_SLUG


@pytest.fixture
async def store(tmp_path: Path, seeds: Path) -> AsyncIterator[Store]:
    """A store on a temporary database with the seeds loaded."""
    opened = await Store.open(tmp_path / "db" / "newsbot.sqlite3")
    await opened.load(seeds)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def empty_store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "empty" / "newsbot.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()
