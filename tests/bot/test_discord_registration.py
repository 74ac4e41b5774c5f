"""The command tree as registered with Discord is valid, and synced only where it should be."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from discord import app_commands

from bot.checks import is_moderator
from bot.commands import SPEC, Command
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import APP_ID, GUILD_ID, Harness

EXPECTED = {"brief", "positions", "quotes", "claims", "questions", "who", "search", "source",
            "articles", "timeline", "help", "reload", "status", "digest", "article", "sheet"}


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


OPTION_TYPES = {"text": 3, "flag": 5, "channel": 7, "integer": 4, "attachment": 11}  # as Discord numbers them
SUBCOMMAND = 1
MANAGE_GUILD = 0x20


def spec_shape(command: Command) -> dict[str, Any]:
    """What Discord must hold for a command of the spec, in every field the spec decides."""
    shape: dict[str, Any] = {"name": command.name, "description": command.description}
    if command.subcommands:
        shape["subcommands"] = [spec_shape(s) for s in command.subcommands]
    else:
        shape["options"] = [
            {"name": o.name, "description": o.description, "type": OPTION_TYPES[o.kind],
             "required": o.required, "choices": [(c, c) for c in o.choices],
             "autocomplete": o.lookup is not None} for o in command.discord_options]
    return shape


def registered_shape(command: dict[str, Any]) -> dict[str, Any]:
    """The same fields, read from a command as the bot registered it with Discord."""
    shape: dict[str, Any] = {"name": command["name"], "description": command["description"]}
    options = command.get("options") or []
    if options and all(o["type"] == SUBCOMMAND for o in options):
        shape["subcommands"] = [registered_shape(o) for o in options]
    else:
        shape["options"] = [
            {"name": o["name"], "description": o["description"], "type": o["type"],
             "required": bool(o.get("required")),
             "choices": [(c["name"], c["value"]) for c in o.get("choices") or []],
             "autocomplete": bool(o.get("autocomplete"))} for o in options]
    return shape


async def test_discord_holds_exactly_the_command_spec(harness: Harness) -> None:
    registered = harness.fake.registered[str(GUILD_ID)]
    # Both ways at once: nothing registered that the spec lacks, nothing in the spec missing,
    # and names, descriptions, options (in order), choices and autocomplete the same.
    assert {c["name"]: registered_shape(c) for c in registered} == {
        c.name: spec_shape(c) for c in SPEC}
    # A moderator command in the spec is checked at run time, and hidden by default where
    # Discord allows it (top-level commands); no other command is.
    hidden = {c["name"] for c in registered
              if int(c.get("default_member_permissions") or 0) == MANAGE_GUILD}
    assert hidden == {c.name for c in SPEC if c.moderator}
    checked = {(c.qualified_name, is_moderator in c.checks)
               for top in harness.bot.tree.get_commands() for c in
               (top.commands if isinstance(top, app_commands.Group) else [top])
               if isinstance(c, app_commands.Command)}
    assert checked == {(path, c.moderator) for path, c in every_command()}


def every_command() -> list[tuple[str, Command]]:
    """(path, command) of every command that runs: subcommands stand for their group."""
    return [(f"{c.name} {s.name}", s) for c in SPEC for s in c.subcommands] + [
        (c.name, c) for c in SPEC if not c.subcommands]


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
