"""The console answers the same commands a Discord user types."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.commands import UsageError
from bot.console import answer_line, repl
from storage.store import Store
from tests.conftest import REPO

TRUMP_QUOTE = "If we do this deal, he’s not looking for more war"


async def test_answers_cite_ids_and_article(store: Store) -> None:
    text = await answer_line(store, "/quotes speaker:Trump")
    assert f"“{TRUMP_QUOTE}”" in text
    assert "kremlin-peacekeepers/q1" in text
    assert "Source:" not in text  # once, where it helps: under /source
    text = await answer_line(store, "/source kremlin-peacekeepers/q1")
    # The seed's title is its first line, not a headline, and the answer says so.
    assert ("Source: No headline (it opens “Russia had some strong words for the U.S. media.”) "
            "— Unattributed wire copy, undated [kremlin-peacekeepers]") in text


async def test_help_lists_every_command(store: Store) -> None:
    text = await answer_line(store, "/help")
    for name in ("positions", "quotes", "claims", "questions", "who", "search", "source",
                 "articles", "timeline"):
        assert f"/{name}" in text


async def test_bad_line_raises_usage_error(store: Store) -> None:
    with pytest.raises(UsageError):
        await answer_line(store, "/nope")


async def test_repl_reads_until_quit_and_counts_bad_lines(store: Store) -> None:
    stdin = io.StringIO("/who Peskov\n\n# a comment\n/bogus\nquit\n/who Lavrov\n")
    stdout = io.StringIO()
    bad = await repl(store, stdin, stdout, interactive=False)
    out = stdout.getvalue()
    assert bad == 1
    assert "Kremlin spokesperson" in out
    assert "Unknown command /bogus" in out
    assert "Sergey Lavrov (person)" not in out  # /who Lavrov came after quit


async def test_not_found_suggests(store: Store) -> None:
    text = await answer_line(store, "/who Lvrv")
    assert "No actor named “Lvrv”" in text
    assert "Sergey Lavrov" in text


@pytest.fixture
def cli_env(tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "db.sqlite3"))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return tmp_path


def test_cli_ask(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ask", "/quotes speaker:lavrov"]) == 0
    assert "“unacceptable”" in capsys.readouterr().out
    assert cli.main(["ask", "/quotes speakr:lavrov"]) == 2
    assert "no option 'speakr'" in capsys.readouterr().err


def test_cli_check(cli_env: Path, seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(seeds)]) == 0
    assert capsys.readouterr().out.startswith("OK: 1 article(s)")
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    facts.write_text(facts.read_text().replace('speaker = "lavrov"', 'speaker = "lavrof"'))
    assert cli.main(["check", str(seeds / "kremlin-peacekeepers")]) == 1
    err = capsys.readouterr().err
    assert "quotes[2].speaker: unknown actor 'lavrof'; did you mean 'lavrov'?" in err
    assert "nothing changed" in err


def test_cli_load_then_broken_sheet_keeps_facts(cli_env: Path, seeds: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["load"]) == 0
    assert "positions: 12 added" in capsys.readouterr().out
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    facts.write_text(facts.read_text().replace("not looking for more war", "not looking for war"))
    assert cli.main(["load"]) == 1
    assert "does not stand verbatim" in capsys.readouterr().err
    # The console still answers from the last good facts, and says why it did not reload.
    assert cli.main(["ask", "/quotes speaker:Trump"]) == 0
    captured = capsys.readouterr()
    assert TRUMP_QUOTE in captured.out
    assert "previous facts keep answering" in captured.err


def test_cli_bad_setting_is_one_line(cli_env: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    assert cli.main(["ask", "/articles"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsbot: LOG_LEVEL:")
    assert "\n" not in err


def test_console_from_piped_stdin(cli_env: Path) -> None:
    """`newsbot` with no token and stdin not a terminal: answers each line, no prompt."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "bot"], input="/who Putin\n/claims\n",
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "Russian President" in result.stdout
    assert "newsbot> " not in result.stdout
    assert "DISCORD_TOKEN" in result.stderr  # says how to connect to Discord
