"""/reload and /status through discord.py: who may, what they see, what is recorded."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from storage.reload import recent_reloads
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import EDITOR_ID, REPORTER_ID, Harness, Request

MANAGE_GUILD = 0x20
MODERATOR_ROLE = 1500000000000000001
EPHEMERAL = 64
TRUMP_QUOTE = "If we do this deal, he’s not looking for more war"


def answer(requests: list[Request]) -> dict[str, Any]:
    messages = [r.message for r in requests
                if (r.is_callback and r.json["type"] == 4) or r.path.startswith("/webhooks/")]
    assert len(messages) == 1, [(r.method, r.path) for r in requests]
    return messages[0]


def text(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    parts += [f"{e.get('title', '')}\n{e.get('description', '')}" for e in message.get("embeds", [])]
    return "\n".join(parts)


async def mod(h: Harness, path: str, **options: Any) -> dict[str, Any]:
    return answer(await h.command(path, user_id=EDITOR_ID, permissions=MANAGE_GUILD | 0x80000000,
                                  **options))


def putin_opposes(facts: Path) -> None:
    """Edit p7 (Putin on peacekeepers) from "unclear" to "opposes"; p5 is "unclear" too and stays."""
    p7 = 'id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\nstance = "unclear"'
    sheet = facts.read_text()
    assert sheet.count(p7) == 1
    facts.write_text(sheet.replace(p7, p7.replace('"unclear"', '"opposes"')))


def break_quote(seeds: Path) -> None:
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    facts.write_text(facts.read_text().replace('text = "If we do this deal, he’s not looking for more war"',
                                               'text = "If we do this deal, he’s not looking for war"'))


async def test_member_without_rights_is_refused_at_run_time(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        msg = answer(await harness.command("reload", user_id=REPORTER_ID))
    assert msg["flags"] & EPHEMERAL
    assert "Only moderators" in msg["content"]
    refusal = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusal
    assert str(REPORTER_ID) in refusal[0]
    assert "1100000000000000001" in refusal[0]  # the guild id
    assert await recent_reloads(harness.bot.store) == []  # nothing ran


async def test_moderator_role_is_enough(make_harness: HarnessFactory, seeds: Path) -> None:
    h = await make_harness(seeds, moderator_role_ids=frozenset({MODERATOR_ROLE}))
    msg = answer(await h.command("status", user_id=REPORTER_ID, roles=(MODERATOR_ROLE,)))
    assert "Status" in text(msg)


async def test_commands_are_hidden_by_default_and_guild_only(harness: Harness) -> None:
    registered = {c["name"]: c for c in harness.fake.registered["1100000000000000001"]}
    for name in ("reload", "status", "article", "sheet"):
        assert int(registered[name]["default_member_permissions"]) == MANAGE_GUILD
        assert registered[name].get("contexts") == [0]


async def test_not_in_direct_messages(harness: Harness) -> None:
    msg = answer(await harness.command("reload", user_id=EDITOR_ID, in_guild=False))
    assert msg["flags"] & EPHEMERAL
    assert "server channel" in msg["content"]


async def test_reload_unchanged_then_changed(harness: Harness, seeds: Path) -> None:
    msg = await mod(harness, "reload")
    assert msg["flags"] & EPHEMERAL
    assert "0 article(s), 1 unchanged" in text(msg)
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    putin_opposes(facts)
    msg = await mod(harness, "reload")
    assert "positions: 1 changed (kremlin-peacekeepers/p7)" in text(msg)
    answered = answer(await harness.command("positions", actor="Putin", topic="peacekeepers"))
    assert "🔴 opposes" in text(answered)
    (entry, first) = await recent_reloads(harness.bot.store)
    assert (entry.result, first.result) == ("applied", "unchanged")
    assert entry.user_id == EDITOR_ID
    assert entry.guild_id == 1100000000000000001
    assert entry.diff == {"position": [0, 1, 0]}


async def test_dry_run_changes_nothing(harness: Harness, seeds: Path) -> None:
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    putin_opposes(facts)
    msg = await mod(harness, "reload", dry_run=True)
    assert "positions: 1 changed (kremlin-peacekeepers/p7)" in text(msg)
    assert "nothing changed" in text(msg)
    answered = answer(await harness.command("positions", actor="Putin", topic="peacekeepers"))
    assert "⚪ unclear" in text(answered)
    (entry,) = await recent_reloads(harness.bot.store)
    assert entry.dry_run
    assert entry.result == "checked"


async def test_broken_sheet_refused_with_problems_and_answers_unchanged(
        harness: Harness, seeds: Path) -> None:
    before = text(answer(await harness.command("quotes")))
    break_quote(seeds)
    msg = await mod(harness, "reload")
    shown = text(msg)
    assert "Refused: 1 problem(s)" in shown
    assert "nothing changed" in shown
    assert "quotes[1].text: the quote does not stand verbatim" in shown
    assert "facts.toml:" in shown  # file and line
    assert text(answer(await harness.command("quotes"))) == before
    (entry,) = await recent_reloads(harness.bot.store)
    assert entry.result == "refused"
    assert entry.error is not None
    assert "does not stand verbatim" in entry.error


async def test_many_problems_show_ten_and_a_count(harness: Harness, seeds: Path) -> None:
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    broken = re.sub(r'stance = "(\w+)', r'stance = "x\1', facts.read_text())  # all 12 positions
    facts.write_text(broken)
    shown = text(await mod(harness, "reload"))
    assert "Refused: 12 problem(s)" in shown
    assert shown.count("did you mean") == 10
    assert "… and 2 more" in shown


async def test_reload_one_article_with_autocomplete(harness: Harness) -> None:
    choices = await harness.autocomplete("reload", "article", user_id=EDITOR_ID, article="krem")
    assert choices[0]["value"] == "kremlin-peacekeepers"
    msg = await mod(harness, "reload", article="kremlin-peacekeepers")
    assert "Reload — kremlin-peacekeepers" in text(msg)
    shown = text(await mod(harness, "reload", article="no-such-article"))
    assert "no article with slug 'no-such-article'" in shown


async def test_concurrent_reloads_are_serialised(harness: Harness, seeds: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = harness.bot.store
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    putin_opposes(facts)
    release = asyncio.Event()
    entered = asyncio.Event()
    real_write = store.loader._write

    async def slow_write(*args: Any) -> Any:
        entered.set()
        await release.wait()
        return await real_write(*args)

    monkeypatch.setattr(store.loader, "_write", slow_write)
    first = asyncio.ensure_future(mod(harness, "reload"))
    await entered.wait()
    second = await mod(harness, "reload")
    assert "another reload is running" in text(second)
    release.set()
    assert "1 changed" in text(await first)
    results = sorted(e.result for e in await recent_reloads(store))
    assert results == ["applied", "busy"]


async def test_status_shows_facts_reloads_and_failing_jobs(harness: Harness) -> None:
    await mod(harness, "reload", dry_run=True)
    harness.bot.job_failures["digest"] = "channel 123 was deleted"
    shown = text(await mod(harness, "status"))
    assert "1 article(s)" in shown
    assert "12 positions" in shown
    assert "2 quotes" in shown
    assert "checked (dry run)" in shown
    assert f"<@{EDITOR_ID}>" in shown
    assert "version 0.1.0" in shown
    assert "not connected" in shown  # offline: no gateway latency
    assert "channel 123 was deleted" in shown


async def test_locked_database_is_explained_and_loses_nothing(
        harness: Harness, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    import storage.db

    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    putin_opposes(facts)
    monkeypatch.setattr(storage.db, "BUSY_TIMEOUT_MS", 50)
    await harness.bot.store.writer.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(harness.bot.store.path, timeout=0.05)
    other.execute("BEGIN IMMEDIATE")
    try:
        shown = text(await mod(harness, "reload"))
    finally:
        other.rollback()
        other.close()
    assert "locked" in shown
    assert "nothing changed" in shown
    assert TRUMP_QUOTE in text(answer(await harness.command("quotes", speaker="Trump")))
    assert "⚪ unclear" in text(answer(await harness.command("positions", actor="Putin",
                                                           topic="peacekeepers")))
