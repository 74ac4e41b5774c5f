"""Parsing command lines as typed on the console."""

from __future__ import annotations

import re

import pytest

from bot.commands import COMMANDS, SPEC, UsageError, help_entries, parse


def test_options_with_spaces_quotes_and_colons() -> None:
    command, options = parse('/positions actor:"Sergey Lavrov" topic:rare earths')
    assert command.name == "positions"
    assert options == {"actor": "Sergey Lavrov", "topic": "rare earths"}
    _, options = parse("/quotes contains:he's not: really speaker:Trump")
    assert options == {"contains": "he's not: really", "speaker": "Trump"}


def test_single_required_option_may_be_bare() -> None:
    assert parse("/who Lavrov")[1] == {"name": "Lavrov"}
    assert parse("/search NEAR( \"x")[1] == {"query": 'NEAR( "x'}
    assert parse("/source kremlin-peacekeepers/q1")[1] == {"fact_id": "kremlin-peacekeepers/q1"}


def test_choices_are_checked_and_folded() -> None:
    assert parse("/claims status:Disputed")[1] == {"status": "disputed"}
    with pytest.raises(UsageError, match="disputed"):
        parse("/claims status:disputd")


@pytest.mark.parametrize(("line", "fragment"), [
    ("positions actor:x", "start with /"),
    ("/positons", "Did you mean /positions"),
    ("/positions actr:Lavrov", "Did you mean actor:"),
    ("/positions Lavrov", "name:value"),
    ("/who", "needs name"),
    ("/who name:", "needs name"),
    ("/positions actor:a actor:b", "twice"),
    # Discord's own commands are refused by name, not as unknown.
    ("/reload", "/reload is a moderators' command on Discord only"),
    ("/reload dry_run:true", "newsbot load"),
    ("/status", "/status is a moderators' command on Discord only"),
    ("/digest preview", "/digest is a command on Discord only"),
    ("/digest setup channel:x", "the console does not run it"),
])
def test_usage_errors_say_how_to_fix(line: str, fragment: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(line)
    assert fragment in str(info.value)


def test_nul_and_case() -> None:
    command, options = parse("/POSITIONS ACTOR:lav\0rov")
    assert command.name == "positions"
    assert options == {"actor": "lav rov"}


def test_every_command_has_a_description_and_runner() -> None:
    for name, command in COMMANDS.items():
        assert name == command.name == name.lower()
        assert 1 <= len(command.description) <= 100
        assert (command.run is None) == (name == "help")
        for option in command.options:
            assert 1 <= len(option.description) <= 100


def test_every_command_of_the_spec_is_on_discords_help() -> None:
    listed: set[str] = set()
    for usage, _, _ in help_entries(discord=True):
        m = re.match(r"/(\w+)(?: ([\w|]+)(?=\s|$))?", usage)  # "/digest setup|off", "/who name:…"
        assert m, usage
        listed |= {f"{m[1]} {sub}" for sub in m[2].split("|")} if m[2] else {m[1]}
    assert listed == {f"{c.name} {s.name}" for c in SPEC for s in c.subcommands} | {
        c.name for c in SPEC if not c.subcommands}
    for command in SPEC:
        if not command.console:
            assert command.name not in COMMANDS
            assert all(s.run is None for s in (command, *command.subcommands))
    assert [usage for usage, _, _ in help_entries()] == [c.usage for c in COMMANDS.values()]
