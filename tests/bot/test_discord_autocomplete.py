"""Autocomplete for every option that names a thing, end to end through discord.py.

Discord refuses an autocomplete answer with more than 25 choices, a choice name outside 1..100
characters or a value over 100, and then shows the member nothing at all; so every answer is
checked against those limits, with the seed facts, with hostile input and with a large store.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.commands import COMMANDS
from storage.model import Sheet
from storage.sheets import FACTS_FILE, TEXT_FILE, read_sheet
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import GUILD_ID, Harness

MAX_CHOICES = 25
NAME_LIMIT = 100
VALUE_LIMIT = 100
SLUG = "kremlin-peacekeepers"

ACTOR_OPTIONS = [("positions", "actor"), ("quotes", "speaker"), ("claims", "actor"),
                 ("questions", "actor"), ("who", "name"), ("brief", "actor")]
TOPIC_OPTIONS = [("positions", "topic"), ("questions", "topic"), ("brief", "topic")]
ARTICLE_OPTIONS = [("positions", "article"), ("quotes", "article"), ("claims", "article"),
                   ("questions", "article"), ("timeline", "article"), ("brief", "article")]
FACT_OPTIONS = [("source", "fact_id")]
ALL_OPTIONS = ACTOR_OPTIONS + TOPIC_OPTIONS + ARTICLE_OPTIONS + FACT_OPTIONS

HOSTILE = ['"', "'", "NEAR(", "NEAR(a b)", "%", "_", "%_%", "\\", "*", "--", "x" * 500,
           "lav" * 200, "🙂🔥", "\0", "a\0b", "   ", "'); DROP TABLE facts; --", "@everyone",
           "<@&123>", "\u200b", "\n\t", "ǅ\u0301"]


def ids(cases: list[tuple[str, str]]) -> list[str]:
    return [f"{c}-{o}" for c, o in cases]


def checked(choices: list[dict[str, Any]], context: str = "") -> list[dict[str, Any]]:
    """The choices, after asserting what Discord requires of them."""
    assert isinstance(choices, list), context
    assert len(choices) <= MAX_CHOICES, (context, len(choices))
    for choice in choices:
        name, value = choice["name"], choice["value"]
        assert isinstance(name, str), (context, name)
        assert 1 <= len(name) <= NAME_LIMIT, (context, name)
        assert isinstance(value, str), (context, value)
        assert 1 <= len(value) <= VALUE_LIMIT, (context, value)
    values = [c["value"] for c in choices]
    assert len(values) == len(set(values)), (context, values)  # no choice offered twice
    return choices


async def complete(h: Harness, command: str, option: str, typed: str) -> list[dict[str, Any]]:
    options: dict[str, Any] = {option: typed}
    return checked(await h.autocomplete(command, option, **options),
                   f"/{command} {option}:{typed[:40]!r}")


def values(choices: list[dict[str, Any]]) -> list[str]:
    return [c["value"] for c in choices]


# --- which options autocomplete ------------------------------------------------------------


def autocompleted(h: Harness) -> set[tuple[str, str]]:
    """(command, option) of every option registered with Discord as autocompleted."""
    return {(c["name"], o["name"]) for c in h.fake.registered[str(GUILD_ID)]
            for o in c.get("options", []) if o.get("autocomplete")}


async def test_every_option_that_names_a_thing_is_autocompleted(harness: Harness) -> None:
    named = {(c.name, o.name) for c in COMMANDS.values() for o in c.options if o.lookup}
    assert named == set(ALL_OPTIONS)
    assert set(ALL_OPTIONS) <= autocompleted(harness)


async def test_other_autocompleted_options_keep_to_the_limits_too(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    # Options beyond the fact commands' (a moderator's /reload article:, say) answer the same way.
    with caplog.at_level(logging.WARNING):
        for command, option in sorted(autocompleted(harness) - set(ALL_OPTIONS)):
            assert await complete(harness, command, option, ""), (command, option)
            await complete(harness, command, option, "krem")
            for typed in HOSTILE:
                await complete(harness, command, option, typed)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- relevant first ------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "option"), ACTOR_OPTIONS, ids=ids(ACTOR_OPTIONS))
async def test_actor_prefix_is_first(harness: Harness, command: str, option: str) -> None:
    choices = await complete(harness, command, option, "lav")
    assert values(choices)[0] == "lavrov"
    assert choices[0]["name"] == "Sergey Lavrov"
    assert values(await complete(harness, command, option, "Sergey L"))[0] == "lavrov"
    assert values(await complete(harness, command, option, "PUT"))[0] == "putin"


@pytest.mark.parametrize(("command", "option"), ACTOR_OPTIONS, ids=ids(ACTOR_OPTIONS))
@pytest.mark.parametrize(("typed", "wanted"), [("pesk", "peskov"), ("Lavorv", "lavrov"),
                                                ("Peskof", "peskov"), ("vladimir", "putin"),
                                                ("Lávrov", "lavrov"), ("u.s.", "us")])
async def test_actor_fuzzy(harness: Harness, command: str, option: str, typed: str,
                           wanted: str) -> None:
    found = values(await complete(harness, command, option, typed))
    assert wanted in found[:3], (typed, found)


@pytest.mark.parametrize(("command", "option"), TOPIC_OPTIONS, ids=ids(TOPIC_OPTIONS))
async def test_topic_relevant_first_and_fuzzy(harness: Harness, command: str, option: str) -> None:
    assert values(await complete(harness, command, option, "peace"))[0] in ("peacekeepers",
                                                                             "peace-deal")
    assert values(await complete(harness, command, option, "rare"))[0] == "rare-earths"
    assert "peacekeepers" in values(await complete(harness, command, option, "peacekeper"))[:3]
    assert "rare-earths" in values(await complete(harness, command, option, "rare earht"))[:3]


@pytest.mark.parametrize(("command", "option"), ARTICLE_OPTIONS, ids=ids(ARTICLE_OPTIONS))
async def test_article_relevant_first_and_fuzzy(harness: Harness, command: str,
                                                option: str) -> None:
    for typed in ("krem", "Russia had some", "kremlin-peacekeeprs", "Russia had sone strong"):
        choices = await complete(harness, command, option, typed)
        assert values(choices)[:1] == [SLUG], typed
    # The name shown is the article's title (cut to Discord's 100 characters); the value its slug.
    assert choices[0]["name"].startswith("Russia had some strong words for the U.S. media.")


@pytest.mark.parametrize(("command", "option"), FACT_OPTIONS, ids=ids(FACT_OPTIONS))
async def test_fact_id_prefix_and_contains(harness: Harness, command: str, option: str) -> None:
    found = values(await complete(harness, command, option, f"{SLUG}/q"))
    assert found[:2] == [f"{SLUG}/q1", f"{SLUG}/q2"]
    assert all(v.startswith(f"{SLUG}/q") for v in found), found
    found = values(await complete(harness, command, option, "p1"))
    assert found[0] == f"{SLUG}/p1"  # the shortest id containing what was typed comes first
    assert {f"{SLUG}/p10", f"{SLUG}/p11", f"{SLUG}/p12"} <= set(found)
    found = values(await complete(harness, command, option, f"{SLUG.upper()}/C1/"))
    assert found == [f"{SLUG}/c1/r{i}" for i in range(1, 4)]  # typed in capitals
    assert values(await complete(harness, command, option, f"  {SLUG}/oq9  ")) == [f"{SLUG}/oq9"]


# --- empty and hostile input ---------------------------------------------------------------


@pytest.mark.parametrize(("command", "option"), ALL_OPTIONS, ids=ids(ALL_OPTIONS))
async def test_empty_input_offers_choices(harness: Harness, command: str, option: str) -> None:
    assert await complete(harness, command, option, "")


async def test_empty_input_lists_names_alphabetically(harness: Harness) -> None:
    names = [c["name"] for c in await complete(harness, "who", "name", "")]
    assert "Sergey Lavrov" in names
    assert "Dmitry Peskov" in names
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(("command", "option"), ALL_OPTIONS, ids=ids(ALL_OPTIONS))
async def test_hostile_input_is_a_list_without_error(
        harness: Harness, caplog: pytest.LogCaptureFixture, command: str, option: str) -> None:
    with caplog.at_level(logging.WARNING):
        for typed in HOSTILE:
            await complete(harness, command, option, typed)  # asserts one answer of type 8
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert problems == []


async def test_autocomplete_sees_the_other_options_without_tripping(harness: Harness) -> None:
    choices = checked(await harness.autocomplete("questions", "actor", topic="NEAR(",
                                                 actor="lav", status="open", article="%"))
    assert values(choices)[0] == "lavrov"


# --- a large store --------------------------------------------------------------------------

BIG_SLUG = "ministers-" + "m" * 54  # 64 characters: the longest slug validation allows
MINISTERS = 60
LONG_NAME = "Minister " + " ".join(["of the Long and Winding Portfolio"] * 12)  # ~400 characters
BRIEFINGS = 30


def toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def write_sheet(folder: Path, facts: str, article: str) -> Sheet:
    folder.mkdir(parents=True)
    (folder / FACTS_FILE).write_text(facts, encoding="utf-8")
    (folder / TEXT_FILE).write_text(article, encoding="utf-8")
    sheet = read_sheet(folder)
    assert isinstance(sheet, Sheet), [str(p) for p in sheet]  # the generated sheet is valid
    return sheet


def big_seeds(root: Path) -> Path:
    """One sheet with 60 actors, 60 topics and 60 positions sharing prefixes, plus 30 short
    sheets whose ~300-character titles share a prefix too."""
    sentences = [f"Minister {n:02d} spoke about the budget." for n in range(1, MINISTERS + 1)]
    article = "Sixty ministers\n" + " ".join(sentences) + "\nThe Long Winding Portfolio minister.\n"
    parts = [f"[article]\nslug = {toml(BIG_SLUG)}\ntitle = {toml('Minister briefing: ' + 'x' * 280)}\n"
             'outlet = "Test wire"\npublished = 2025-01-02\nlanguage = "en"\n']
    for n in range(1, MINISTERS + 1):
        parts.append(f'[[actors]]\nid = "minister-{n:02d}"\nname = "Minister {n:02d}"\n'
                     f'kind = "person"\nevidence = "Minister {n:02d} spoke"\n')
    parts.append(f'[[actors]]\nid = "{"long-" + "n" * 35}"\nname = {toml(LONG_NAME)}\n'
                 'kind = "person"\nevidence = "The Long Winding Portfolio minister."\n')
    for n in range(1, MINISTERS + 1):
        parts.append(f'[[topics]]\nid = "ministry-{n:02d}"\nname = "Ministry budget {n:02d} '
                     f'{"and its many long line items " * 5}"\n')
    for n in range(1, MINISTERS + 1):
        parts.append(f'[[positions]]\nid = "position-number-{n:02d}"\nactor = "minister-{n:02d}"\n'
                     f'topic = "ministry-{n:02d}"\nstance = "supports"\nsummary = "Backs budget."\n'
                     f'evidence = "Minister {n:02d} spoke about the budget."\n')
    seeds = root / "big-seeds"
    write_sheet(seeds / "big", "\n".join(parts), article)
    for n in range(1, BRIEFINGS + 1):
        title = f"Minister briefing number {n:02d}, " + "with a very long headline " * 11
        write_sheet(seeds / f"briefing-{n:02d}",
                    f'[article]\nslug = "briefing-{n:02d}"\ntitle = {toml(title)}\n'
                    'outlet = "Test wire"\npublished = "undated"\nlanguage = "en"\n',
                    f"{title}\nA briefing.\n")
    return seeds


@pytest.fixture
async def big(make_harness: HarnessFactory, tmp_path: Path) -> Harness:
    h = await make_harness(big_seeds(tmp_path))
    found = values(await h.autocomplete("timeline", "article", article=BIG_SLUG))
    assert found[:1] == [BIG_SLUG]  # the big sheet was loaded
    return h


@pytest.mark.parametrize(("command", "option", "typed"), [
    *[(c, o, "Minister") for c, o in ACTOR_OPTIONS],
    *[(c, o, "min") for c, o in ACTOR_OPTIONS],
    *[(c, o, "") for c, o in ACTOR_OPTIONS],
    *[(c, o, "Ministry budget") for c, o in TOPIC_OPTIONS],
    *[(c, o, "") for c, o in TOPIC_OPTIONS],
    *[(c, o, "Minister briefing") for c, o in ARTICLE_OPTIONS],
    *[(c, o, "") for c, o in ARTICLE_OPTIONS],
    *[(c, o, f"{BIG_SLUG}/") for c, o in FACT_OPTIONS],
    *[(c, o, "position-number") for c, o in FACT_OPTIONS],
    *[(c, o, "") for c, o in FACT_OPTIONS],
])
async def test_large_store_gives_exactly_25_choices(big: Harness, command: str, option: str,
                                                    typed: str) -> None:
    assert len(await complete(big, command, option, typed)) == MAX_CHOICES


async def test_large_store_still_puts_the_best_match_first(big: Harness) -> None:
    for command, option in ACTOR_OPTIONS:
        assert values(await complete(big, command, option, "Minister 42"))[0] == "minister-42"
        assert values(await complete(big, command, option, "Minister 4"))[0] == "minister-40"
        assert "minister-17" in values(await complete(big, command, option, "Minsiter 17"))[:3]
    for command, option in TOPIC_OPTIONS:
        assert values(await complete(big, command, option, "Ministry budget 07"))[0] == "ministry-07"
    for command, option in ARTICLE_OPTIONS:
        assert values(await complete(big, command, option, "briefing-29"))[0] == "briefing-29"
    found = values(await complete(big, "source", "fact_id", f"{BIG_SLUG}/position-number-3"))
    assert found == [f"{BIG_SLUG}/position-number-{n}" for n in range(30, 40)]


async def test_large_store_long_names_are_cut_to_discords_limit(big: Harness) -> None:
    for command, option in ACTOR_OPTIONS:
        choices = await complete(big, command, option, "Minister of the Long and Winding")
        assert choices[0]["value"] == "long-" + "n" * 35
        name = choices[0]["name"]
        assert len(name) <= NAME_LIMIT, name
        assert name.endswith("…"), name  # cut visibly, not refused
        assert LONG_NAME.startswith(name.removesuffix("…"))
    for command, option in ARTICLE_OPTIONS:
        for choice in await complete(big, command, option, "Minister briefing"):
            assert choice["name"].endswith("…"), choice  # every title there is over 100
    for command, option in TOPIC_OPTIONS:
        for choice in await complete(big, command, option, "Ministry"):
            assert choice["name"].startswith("Ministry budget"), choice
            assert choice["name"].endswith("…"), choice
