"""The command tree as registered with Discord is valid, and synced only where it should be."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import APP_ID, GUILD_ID

EXPECTED = {"positions", "quotes", "claims", "questions", "who", "search", "source", "articles",
            "timeline", "help", "reload", "status", "digest"}


def valid_name(name: str) -> bool:
    """Discord's rule: ^[-_\\p{L}\\p{N}]{1,32}$, and lowercase where the script has case."""
    return (1 <= len(name) <= 32 and name == name.lower()
            and all(c in "-_" or unicodedata.category(c)[0] in "LN" for c in name))


def rule_breaks(command: dict[str, Any], where: str = "") -> list[str]:
    where = f"{where}/{command['name']}"
    found = []
    if not valid_name(command["name"]):
        found.append(f"{where}: bad name")
    if not 1 <= len(command.get("description", "")) <= 100:
        found.append(f"{where}: description length {len(command.get('description', ''))}")
    options = command.get("options") or []
    if len(options) > 25:
        found.append(f"{where}: {len(options)} options")
    required = [bool(o.get("required")) for o in options]
    if required != sorted(required, reverse=True):
        found.append(f"{where}: a required option follows an optional one")
    for option in options:
        if option["type"] in (1, 2):
            found += rule_breaks(option, where)
            continue
        if not valid_name(option["name"]) or not 1 <= len(option.get("description", "")) <= 100:
            found.append(f"{where}.{option['name']}: bad name or description")
        choices = option.get("choices") or []
        if len(choices) > 25:
            found.append(f"{where}.{option['name']}: {len(choices)} choices")
        if choices and option.get("autocomplete"):
            found.append(f"{where}.{option['name']}: choices and autocomplete together")
        for choice in choices:
            if not 1 <= len(choice["name"]) <= 100:
                found.append(f"{where}.{option['name']}: choice name length")
    return found


async def test_tree_is_valid_and_synced_to_the_server(make_harness: HarnessFactory,
                                                      seeds: Path) -> None:
    h = await make_harness(seeds)
    commands = h.fake.registered[str(GUILD_ID)]
    assert {c["name"] for c in commands} == EXPECTED
    problems = [p for c in commands for p in rule_breaks(c)]
    assert problems == []
    assert "global" not in h.fake.registered  # never a global sync on start
    puts = [r.path for r in h.fake.requests if r.method == "PUT"]
    assert puts == [f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"]


async def test_lookup_options_autocomplete(make_harness: HarnessFactory, seeds: Path) -> None:
    h = await make_harness(seeds)
    by_name = {c["name"]: {o["name"]: o for o in c.get("options", [])}
               for c in h.fake.registered[str(GUILD_ID)]}
    for command, option in [("positions", "actor"), ("positions", "topic"), ("quotes", "speaker"),
                            ("claims", "actor"), ("questions", "topic"), ("who", "name"),
                            ("source", "fact_id"), ("timeline", "article")]:
        assert by_name[command][option].get("autocomplete") is True, (command, option)
    assert [c["value"] for c in by_name["claims"]["status"]["choices"]] == [
        "all", "disputed", "unverified", "confirmed", "false"]
    assert by_name["search"]["query"]["required"] is True


async def test_no_server_id_means_no_sync(make_harness: HarnessFactory, seeds: Path) -> None:
    h = await make_harness(seeds, guild_id=None)
    assert h.fake.registered == {}
    assert not [r for r in h.fake.requests if r.method == "PUT"]
