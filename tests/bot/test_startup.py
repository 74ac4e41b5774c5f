"""The start-up load the bot and the console share: a refused sheet never stops the start."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.startup import load_at_start
from storage.store import Store

log = logging.getLogger("tests.startup")


def break_sheet(seeds: Path) -> None:
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    facts.write_text(facts.read_text().replace("not looking for more war", "not looking for war"))


async def test_the_bot_logs_a_refused_sheet(store: Store, seeds: Path,
                                            caplog: pytest.LogCaptureFixture,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    break_sheet(seeds)
    with caplog.at_level(logging.INFO, logger=log.name):
        await load_at_start(store, seeds, log, terminal=False)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(m.startswith("fact sheet refused: ") and "verbatim" in m for m in errors)
    assert errors[-1].endswith("problem(s) in the fact sheets; the previous facts keep answering")
    assert capsys.readouterr().err == ""  # unattended: the log is where it is read


async def test_the_console_prints_a_refused_sheet(store: Store, seeds: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    break_sheet(seeds)
    await load_at_start(store, seeds, log, terminal=True)
    err = capsys.readouterr().err
    assert "does not stand verbatim" in err
    assert err.endswith("nothing changed.\nThe previous facts keep answering.\n")


async def test_the_bot_logs_what_it_loaded(store: Store, seeds: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=log.name):
        await load_at_start(store, seeds, log, terminal=False)
    assert "facts: 0 article(s) loaded, 1 unchanged" in caplog.messages
