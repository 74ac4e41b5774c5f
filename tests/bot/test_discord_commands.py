"""Every command with the seed facts, end to end through discord.py."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from storage import queries
from storage.db import StoreError
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import EDITOR_ID, Harness, Request

EPHEMERAL = 64
TRUMP_QUOTE = "If we do this deal, he’s not looking for more war"


def only_answer(requests: list[Request]) -> dict[str, Any]:
    """The single message a command produced, from its interaction callback."""
    callbacks = [r for r in requests if r.is_callback]
    assert len(callbacks) == 1, [(r.method, r.path) for r in requests]
    assert callbacks[0].json["type"] == 4
    return callbacks[0].message


def description(message: dict[str, Any]) -> str:
    return "\n".join(e.get("description", "") for e in message["embeds"])


async def test_positions_with_rollup(harness: Harness) -> None:
    msg = only_answer(await harness.command("positions", actor="Russia"))
    text = description(msg)
    for fact in ("p1", "p2", "p3", "p4", "p7", "p8", "p9", "p10"):
        assert f"`kremlin-peacekeepers/{fact}`" in text
    assert "kremlin-peacekeepers/p5" not in text  # Trump is not Russia
    assert "🔴 opposes · **Sergey Lavrov**" in text
    assert "Russia includes" in text
    assert msg.get("flags", 0) & EPHEMERAL == 0  # public by default
    assert "footer" not in msg["embeds"][0]  # the source is shown once, under /source
    msg = only_answer(await harness.command("source", fact_id="kremlin-peacekeepers/p1"))
    footer = msg["embeds"][0]["footer"]["text"]
    assert "No headline (it opens “Russia had some strong words for the U.S. media.”)" in footer
    assert "undated" in footer


async def test_positions_by_topic(harness: Harness) -> None:
    text = description(only_answer(await harness.command("positions", topic="rare earths")))
    assert "kremlin-peacekeepers/p10" in text
    assert "🟢 supports · **Dmitry Peskov**" in text
    assert "kremlin-peacekeepers/p1`" not in text


async def test_a_position_shows_every_excerpt_behind_it(harness: Harness) -> None:
    # p8's summary rests on two passages: the second carries the condition it states.
    text = description(only_answer(await harness.command("positions", actor="Putin",
                                                         topic="talks")))
    assert "🔵 conditional · **Vladimir Putin**" in text
    assert "↳ *“noting that he had not yet engaged in detailed talks with Trump" in text
    assert "↳ *“He suggested that future conversations would be possible if US-Russia " \
           "relations improved.”*" in text


async def test_quotes_verbatim_with_speaker_and_cue(harness: Harness) -> None:
    text = description(only_answer(await harness.command("quotes", speaker="trump")))
    assert f"“{TRUMP_QUOTE}” — **Donald Trump**, claimed `kremlin-peacekeepers/q1`" in text
    text = description(only_answer(await harness.command("quotes", contains="unacceptable")))
    assert "“unacceptable” — **Sergey Lavrov**, according to `kremlin-peacekeepers/q2`" in text


async def test_claims_with_responses(harness: Harness) -> None:
    text = description(only_answer(await harness.command("claims", status="disputed")))
    assert "disputed · **Donald Trump** claims" in text
    for rid, who, verb in (("c1/r1", "the Kremlin", "rejects"), ("c1/r2", "Dmitry Peskov", "rejects"),
                           ("c1/r3", "Sergey Lavrov", "contradicts")):
        assert f"{who} {verb}:" in text
        assert f"`kremlin-peacekeepers/{rid}`" in text
    assert "via TASS" in text
    assert "kremlin-peacekeepers/c3" not in text  # unverified, filtered out
    assert "kremlin-peacekeepers/c2" not in text  # nobody answers it: unverified too


async def test_questions_open(harness: Harness) -> None:
    text = description(only_answer(await harness.command("questions", status="open")))
    ids = [f"kremlin-peacekeepers/oq{i}" for i in range(1, 12)]
    assert sum(i + "`" in text for i in ids) >= 5
    assert text.count("❓") >= 5


async def test_who_source_articles_timeline_search(harness: Harness) -> None:
    text = description(only_answer(await harness.command("who", name="peskov")))
    assert "Kremlin spokesperson" in text
    assert "the Kremlin → Russia" in text
    text = description(only_answer(await harness.command("source", fact_id="kremlin-peacekeepers/q2")))
    assert "According to Lavrov, the presence of such forces would remain “unacceptable” to Russia" in text
    text = description(only_answer(await harness.command("articles")))
    assert "`kremlin-peacekeepers`" in text
    assert "12 positions" in text
    text = description(only_answer(await harness.command("timeline")))
    order = [text.index(f"kremlin-peacekeepers/t{i}`") for i in range(1, 5)]
    assert order == sorted(order)
    text = description(only_answer(await harness.command("search", query="TASS")))
    assert "**TASS**" in text  # the match is highlighted


async def test_help_is_ephemeral(harness: Harness) -> None:
    msg = only_answer(await harness.command("help"))
    assert msg.get("flags", 0) & EPHEMERAL
    assert "/positions" in description(msg)


async def test_private_option(harness: Harness) -> None:
    msg = only_answer(await harness.command("quotes", speaker="Lavrov", private=True))
    assert msg.get("flags", 0) & EPHEMERAL


async def test_not_found_is_an_answer_with_suggestion(harness: Harness) -> None:
    msg = only_answer(await harness.command("who", name="Lvrv"))
    text = description(msg)
    assert "No actor named “Lvrv”. Did you mean **Sergey Lavrov**?" in text
    assert msg.get("flags", 0) & EPHEMERAL == 0


async def test_small_typo_is_forgiven_and_said(harness: Harness) -> None:
    text = description(only_answer(await harness.command("positions", actor="Lavorv")))
    assert "Showing **Sergey Lavrov**" in text
    assert "kremlin-peacekeepers/p3" in text


async def test_slow_work_defers_then_follows_up(make_harness: HarnessFactory, seeds: Path) -> None:
    h = await make_harness(seeds, defer_after=0.0)
    requests = await h.command("quotes", speaker="Trump")
    assert [r.json["type"] for r in requests if r.is_callback] == [5]  # deferred, thinking
    followups = [r for r in requests if r.path.startswith("/webhooks/") and r.method == "POST"]
    assert len(followups) == 1
    assert followups[0].params.get("wait") in ("true", "1", "True")
    assert TRUMP_QUOTE in description(followups[0].message)


async def test_unexpected_error_is_short_ephemeral_and_logged(
        harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "positions", broken)
    with caplog.at_level(logging.ERROR):
        requests = await harness.command("positions", actor="Russia")
    msg = only_answer(requests)
    assert msg.get("flags", 0) & EPHEMERAL
    assert "Something went wrong" in msg["content"]
    assert "secret internals" not in msg["content"]
    interaction_id = requests[0].path.split("/")[2]
    assert interaction_id in msg["content"]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged
    assert interaction_id in logged[0].getMessage()
    assert logged[0].exc_info is not None


async def test_store_error_is_explained(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def locked(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("the database is locked")

    monkeypatch.setattr(queries, "claims", locked)
    msg = only_answer(await harness.command("claims"))
    assert msg.get("flags", 0) & EPHEMERAL
    assert "busy" in msg["content"]


async def test_search_cooldown_per_member(make_harness: HarnessFactory, seeds: Path) -> None:
    h = await make_harness(seeds, search_cooldown_uses=1, search_cooldown_seconds=60.0)
    first = only_answer(await h.command("search", query="Putin"))
    assert "Putin" in description(first)
    second = only_answer(await h.command("search", query="Putin"))
    assert second.get("flags", 0) & EPHEMERAL
    assert "Try again in" in second["content"]
    assert " s." in second["content"]
    other = only_answer(await h.command("search", query="Putin", user_id=EDITOR_ID))
    assert "Putin" in description(other)


async def test_commands_work_in_direct_messages(harness: Harness) -> None:
    msg = only_answer(await harness.command("who", name="Macron", in_guild=False))
    assert "French President" in description(msg)


async def test_error_after_a_public_deferral_stays_private(
        make_harness: HarnessFactory, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = queries.quotes

    async def broken(*args: Any, **kwargs: Any) -> Any:
        await real(*args, **kwargs)  # real work first, so the handler defers before it fails
        raise RuntimeError("secret internals")

    h = await make_harness(seeds, defer_after=0.0)
    monkeypatch.setattr(queries, "quotes", broken)
    requests = await h.command("quotes", speaker="Trump")
    assert [r.json["type"] for r in requests if r.is_callback] == [5]
    steps = [(r.method, r.path.rsplit("/", 1)[-1]) for r in requests if not r.is_callback]
    assert steps[0] == ("DELETE", "@original")  # the public "thinking…" message goes first
    (followup,) = [r for r in requests if r.method == "POST" and r.path.startswith("/webhooks/")]
    assert followup.json["flags"] & EPHEMERAL
    assert "Something went wrong" in followup.json["content"]
