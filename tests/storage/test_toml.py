"""parse_toml: rtoml's speed, tomllib's answers (values, types, refusals and their messages)."""

from __future__ import annotations

import math
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from storage.sheets import FACTS_FILE, parse_toml, read_sheet
from tests.conftest import SEEDS

EVERY_TYPE = """\
title = "basic \\u00e9 \\"quoted\\" \\t tab"
literal = 'C:\\path'
multi = \"\"\"
first line \\
  joined\"\"\"
multi_literal = '''
raw \\n'''
int = 42
negative = -17
big = 9223372036854775807
hex = 0xDEAD_beef
octal = 0o755
binary = 0b1101
underscored = 1_000_000
float = 3.1415
exponent = -2e-3
infinite = -inf
not_a_number = nan
negative_zero = -0.0
yes = true
no = false
date = 2025-03-04
local_datetime = 2025-03-04T10:30:00.123456
local_datetime_space = 2025-03-04 10:30:00
offset_datetime = 2025-03-04T10:30:00+02:00
utc_datetime = 2025-03-04T10:30:00Z
local_time = 07:32:00.5
mixed = [1, "two", 3.0, 2025-01-01, [true]]
inline = { a = 1, b.c = "d" }
dotted.key = "value"
"quoted key" = 1

[table]
z = 1
a = 2

[[array]]
id = "first"

[[array]]
id = "second"
[array.sub]
x = 1
"""

# Each refused by tomllib. Some only by TOML 1.0 (accepted by TOML 1.1 parsers, rtoml 0.14
# among them), one only by tomllib (a byte-order mark).
REFUSED = [
    "a = 1\na = 2\n",
    "[t]\na = 1\n[t]\nb = 2\n",
    "[t]\na.b = 1\n[t.a]\nc = 2\n",
    "t = {a = 1,\n b = 2}\n",
    "t = {a = 1, }\n",
    's = "\\e"\n',
    's = "\\x41"\n',
    "t = 10:00\n",
    "d = 2025-01-01T10:00\n",
    's = "a\x01b"\n',
    "s = 1\rb = 2\n",
    "é = 1\n",
    "i = 01\n",
    "i = 1__0\n",
    "a = [1]\n[[a]]\nb = 1\n",
    "[[a]]\nb = 1\n[a]\nc = 1\n",
    "t = {a = 1}\n[t.b]\nc = 1\n",
    "d = 2025-02-30\n",
    "d = 2023-02-29\n",
    's = "\\uD800"\n',
    "a = \n",
    "a 1\n",
    "\ufeffa = 1\n",
    'a = "x" # \x7f\n',  # DEL in a comment: rtoml 0.13 accepts it, TOML 1.0 does not
    "f = .5\n",
    "f = 5.\n",
    "i = 0XDEAD\n",
    "t = 23:59:60\n",
    "d = 2025-01-01T10:00:00+0200\n",
    "a = 1 b = 2\n",
    "#\x00\n",
    's = """a"""""""\n',
    's = "unclosed\n',
    "[article\nslug = 'x'\n",
]


def same(a: Any, b: Any) -> bool:
    """Equal values of the very same types, recursively (and dict keys in the same order)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, datetime):
        return a == b and a.utcoffset() == b.utcoffset() and (a.tzinfo is None) == (b.tzinfo is None)
    return bool(a == b)


def test_every_type_parses_as_tomllib_parses_it() -> None:
    ours, theirs = parse_toml(EVERY_TYPE), tomllib.loads(EVERY_TYPE)
    assert same(ours, theirs)
    assert type(ours["date"]) is date
    assert type(ours["local_datetime"]) is datetime
    assert ours["local_datetime"].tzinfo is None
    assert ours["offset_datetime"].utcoffset().total_seconds() == 7200
    assert type(ours["local_time"]) is time
    assert type(ours["int"]) is int
    assert type(ours["big"]) is int
    assert type(ours["float"]) is float


def test_the_seed_parses_as_tomllib_parses_it() -> None:
    text = (SEEDS / "kremlin-peacekeepers" / FACTS_FILE).read_text(encoding="utf-8")
    assert same(parse_toml(text), tomllib.loads(text))


@pytest.mark.parametrize("text", REFUSED)
def test_what_tomllib_refuses_is_refused_with_its_message(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        parse_toml(text)
    assert str(ours.value) == str(expected.value)


def test_an_integer_beyond_64_bits_is_read_as_tomllib_reads_it() -> None:
    assert parse_toml("i = 123456789012345678901234567890\n") == {
        "i": 123456789012345678901234567890}


def test_a_syntax_error_in_a_sheet_names_its_line(seeds: Path) -> None:
    folder = seeds / "kremlin-peacekeepers"
    facts = folder / FACTS_FILE
    lines = facts.read_text(encoding="utf-8").splitlines()
    lines.insert(9, 'broken = "no closing quote')
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = read_sheet(folder)
    assert isinstance(problems, list)
    assert len(problems) == 1
    assert problems[0].line == 10
    assert problems[0].message.startswith("not valid TOML: ")
