"""/brief through discord.py itself: the payload Discord sends goes in, the message the bot
would send is captured. One screen in the common case, pages otherwise, never a ping."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.console import answer_line
from bot.embeds import DISCORD, problems
from bot.render import DRAFT_TAG, echo, to_text, view
from storage import queries
from storage.digest import DigestConfig, record_post, save_config
from storage.store import Store
from tests.bot.conftest import HarnessFactory
from tests.bot.test_discord_hostile import HOSTILE, raw_markup, texts
from tests.conftest import SEED_SLUG
from tests.discord_fakes import GUILD_ID, Harness, Request
from tests.factory import write_sheet

EPHEMERAL = 64


def answered(requests: list[Request]) -> dict[str, Any]:
    callbacks = [r for r in requests if r.is_callback]
    assert len(callbacks) == 1, [(r.method, r.path) for r in requests]
    assert callbacks[0].json["type"] == 4, callbacks[0].json
    return callbacks[0].message


async def test_the_newest_article_in_one_embed(harness: Harness) -> None:
    msg = answered(await harness.command("brief"))
    (embed,) = msg["embeds"]  # one screen
    assert problems(embed) == []
    assert embed["title"] == "Brief — the newest article"
    text = embed["description"]
    assert "components" not in msg or not msg["components"]  # nothing to page
    assert msg.get("flags", 0) & EPHEMERAL == 0  # the desk sees it
    assert msg["allowed_mentions"] == {"parse": []}
    # The source once, at the head, saying plainly there is no headline.
    assert text.startswith("No headline (it opens “Russia had some strong words for the U.S. "
                           "media.”) — Unattributed wire copy, undated")
    assert "footer" not in embed
    # Per topic, each actor's stance marker and name with the fact behind it.
    assert ("**European peacekeepers in Ukraine**: 🔴 the Kremlin `kremlin-peacekeepers/p1` · "
            "🔴 Dmitry Peskov `kremlin-peacekeepers/p2`") in text
    assert "🟢 Emmanuel Macron `kremlin-peacekeepers/p6`" in text
    assert "🔵 Vladimir Putin `kremlin-peacekeepers/p8`" in text
    assert "🔵 conditional" in text  # the legend names the marks used
    # Disputed claims and who disputes them.
    assert "**Disputed claims** (1)" in text
    assert ("disputed by ✖ the Kremlin rejects `kremlin-peacekeepers/c1/r1`, ✖ Dmitry Peskov "
            "rejects `kremlin-peacekeepers/c1/r2`, ↯ Sergey Lavrov contradicts "
            "`kremlin-peacekeepers/c1/r3`") in text
    # Open questions: the count and the first few, the source's apart.
    assert "**Open questions** (10)" in text
    assert "… and 7 more: `/questions status:open article:kremlin-peacekeepers`" in text
    assert "**About the source** (3 open" in text
    assert text.index("`kremlin-peacekeepers/oq3`") < text.index("**About the source**") \
        < text.index("`kremlin-peacekeepers/oq10`")
    assert "“unacceptable” — Sergey Lavrov `kremlin-peacekeepers/q2`" in text
    # What changed: no digest in this server yet, so the last 24 hours, and it says so.
    assert "**In the last 24 hours** (no digest here" in text
    assert "🆕 article added: `kremlin-peacekeepers`" in text


async def test_options_across_every_article_and_private(make_harness: HarnessFactory,
                                                        seeds: Path) -> None:
    write_sheet(seeds / "b-article", "b-article", positions=3)
    h = await make_harness(seeds)
    newest = answered(await h.command("brief"))["embeds"][0]
    assert "`b-article`" in newest["description"]  # dated, so newer than the undated seed
    msg = answered(await h.command("brief", actor="Russia", private=True))
    assert msg["flags"] & EPHEMERAL
    embed = msg["embeds"][0]
    assert embed["title"] == "Brief — actor: Russia"
    text = embed["description"]
    assert "Russia includes" in text
    assert text.startswith("Russia includes") or "Across every article" in text
    assert "Donald Trump `kremlin" not in text.split("**Disputed claims**")[0]  # not Russia
    msg = answered(await h.command("brief", topic="peace keepers"))
    assert "Showing **European peacekeepers in Ukraine**" in msg["embeds"][0]["description"]
    msg = answered(await h.command("brief", article="nowhere at all"))
    assert "No article named “nowhere at all”." in msg["embeds"][0]["description"]


async def test_the_last_digest_is_this_servers(make_harness: HarnessFactory,
                                               seeds: Path) -> None:
    h = await make_harness(seeds)
    store = h.bot.store
    await save_config(store, DigestConfig(GUILD_ID, 2, "08:00", "UTC"), user_id=3)
    text = answered(await h.command("brief"))["embeds"][0]["description"]
    assert "**Since the digest was set up** (none posted yet" in text
    last = int((await store.rows("SELECT max(id) FROM changes"))[0][0])
    await record_post(store, GUILD_ID, "2026-11-25", 5, last)
    text = answered(await h.command("brief"))["embeds"][0]["description"]
    assert "**Since the last digest** (posted " in text
    assert ": 0 changes" in text
    # In a direct message there is no server, so no digest: the last 24 hours.
    text = answered(await h.command("brief", in_guild=False))["embeds"][0]["description"]
    assert "**In the last 24 hours**" in text


async def test_every_option_autocompletes(harness: Harness) -> None:
    for option, typed, expected in (("article", "krem", SEED_SLUG), ("topic", "peace",
                                    "peacekeepers"), ("actor", "lavr", "lavrov")):
        typed_in: dict[str, Any] = {option: typed}
        choices = await harness.autocomplete("brief", option, **typed_in)
        assert expected in [c["value"] for c in choices], (option, choices)


async def test_hostile_options_never_ping_nor_break(harness: Harness,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    for option in ("article", "topic", "actor"):
        for value in HOSTILE:
            caplog.clear()
            with caplog.at_level(logging.INFO):
                options: dict[str, Any] = {option: value}
                msg = answered(await harness.command("brief", **options))
            assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
            assert msg["allowed_mentions"] == {"parse": []}
            for embed in msg["embeds"]:
                assert problems(embed) == [], (option, value)
            shown = "\n".join(texts(msg))
            assert raw_markup(shown) == [], (option, value, shown[:300])
            echoed = DISCORD.text(echo(value))
            if echoed.strip():
                embed = msg["embeds"][0]
                assert echoed in embed["title"] + "\n" + embed.get("description", ""), value


async def test_a_long_brief_pages_like_the_others(make_harness: HarnessFactory,
                                                  seeds: Path) -> None:
    # A hundred long positions on one topic by one actor in a dated, newest article: the
    # lines are bounded, so it still fits; the rest is counted with where to see it.
    write_sheet(seeds / "long-one", "long-one", positions=100, summary_words=200)
    h = await make_harness(seeds)
    msg = answered(await h.command("brief"))
    for embed in msg["embeds"]:
        assert problems(embed) == []
    text = "\n".join(e["description"] for e in msg["embeds"])
    assert "`long-one/p1` (+99 more)" in text


async def test_a_drafted_article_is_marked(store: Store, seeds: Path) -> None:
    folder = write_sheet(seeds / "drafted", "drafted", positions=2)
    facts = folder / "facts.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "en"\nreview = "draft"'), encoding="utf-8")
    await store.load(seeds)
    text = to_text(view(await queries.brief(store)))
    assert text.startswith("Brief — the newest article\n⚠️ Machine draft, not yet reviewed")
    assert f"drafted/p1 {DRAFT_TAG}" in text
    assert f"· drafted {DRAFT_TAG}" in text


async def test_the_console_answers_the_same(store: Store) -> None:
    text = await answer_line(store, "/brief")
    assert text == to_text(view(await queries.brief(store)))
    assert "European peacekeepers in Ukraine: 🔴 the Kremlin kremlin-peacekeepers/p1" in text
    text = await answer_line(store, "/brief topic:peacekeepers")
    assert text.startswith("Brief — topic: European peacekeepers in Ukraine\n")
    assert "Open questions (3)" in text
    text = await answer_line(store, "/help")
    assert "/brief [article:…] [topic:…] [actor:…]" in text
