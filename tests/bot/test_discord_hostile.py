"""Hostile option values for every string option of every command, through discord.py.

Whatever a member types, the bot answers (one interaction callback of type 4, never a crash),
pings nobody, logs no error, echoes the text back with its markdown and mentions defused, and
the store keeps answering normally afterwards. One bot per option; the values loop inside and
every assertion names the value that failed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from bot.embeds import CONTENT_LIMIT, DISCORD, EMBEDS_PER_MESSAGE, defuse_mentions, problems
from bot.render import echo
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import (
    CHANNEL_ID,
    GUILD_ID,
    MEMBER_PERMISSIONS,
    Channel,
    Harness,
    Request,
    Upload,
)

SLUG = "kremlin-peacekeepers"
MODERATOR = MEMBER_PERMISSIONS | 0x20  # Manage Server
TRUMP_QUOTE = "If we do this deal, he’s not looking for more war"
MARKDOWN = "**bold** _i_ ~~s~~ `code` > quote"
USER_MENTION = "<@123456789012345678>"

HOSTILE = [
    '"quoted"', "'", "NEAR(", "NEAR(a b)", "*", "--", MARKDOWN, "@everyone", "@here",
    "<@&123>", USER_MENTION, "x" * 5000, "🙂🔥", "a\0b", "'); DROP TABLE facts; --",
    # a few more of the same family
    "%", "_", "\\", "\0", "a OR b AND NOT c", '" OR 1=1 --', "||spoiler||", "# heading",
    "[link](https://example.org)", "@everyone " + "y" * 300, "lavrov\0; DROP TABLE actors",
    # Discord markup with short ids (escape_mentions knows only 17 to 20 digits) and the rest
    # of the forms that render as something else: channel, slash command, timestamp, emoji,
    # guild link.
    "<@123>", "<@!1234567890123456>", "<@&4242>", "<#1>", "</search:1>", "</a b:12>",
    "<t:0:R>", "<t:1700000000>", "<:e:1>", "<a:e:1>", "<id:customize>", "<@1><@&2><#3>",
]

# Any of those forms, rendered: "<" directly followed by what opens them, or @everyone/@here.
RAW_MARKUP = re.compile(r"<(?:@|#|/|t:|a?:|id:)|@(?:everyone|here)")


def raw_markup(shown: str) -> list[str]:
    return RAW_MARKUP.findall(shown)

# Every string option of every command (status has fixed choices in Discord, but a modified
# client can still send anything, so it is included too).
STRING_OPTIONS = [
    ("positions", "actor"), ("positions", "topic"), ("positions", "article"),
    ("quotes", "speaker"), ("quotes", "contains"), ("quotes", "article"),
    ("claims", "status"), ("claims", "actor"), ("claims", "article"),
    ("questions", "topic"), ("questions", "actor"), ("questions", "status"),
    ("questions", "article"), ("timeline", "article"), ("who", "name"),
    ("search", "query"), ("source", "fact_id"),
    ("brief", "article"), ("brief", "topic"), ("brief", "actor"),
]


def only_answer(requests: list[Request], value: str) -> dict[str, Any]:
    callbacks = [r for r in requests if r.is_callback]
    assert len(callbacks) == 1, (value, [(r.method, r.path) for r in requests])
    assert callbacks[0].json["type"] == 4, (value, callbacks[0].json)
    return callbacks[0].message


def texts(message: dict[str, Any]) -> list[str]:
    """Every piece of text in a message that Discord renders."""
    out = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        out += [embed.get("title") or "", embed.get("description") or "",
                (embed.get("footer") or {}).get("text", ""),
                (embed.get("author") or {}).get("name", "")]
        for field in embed.get("fields") or []:
            out += [field.get("name", ""), field.get("value", "")]
    return out


def description(message: dict[str, Any]) -> str:
    return "\n".join(e.get("description", "") for e in message["embeds"])


async def ask_hostile(h: Harness, command: str, option: str, value: str,
                      caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    caplog.clear()
    with caplog.at_level(logging.INFO):
        options: dict[str, Any] = {option: value}
        msg = only_answer(await h.command(command, **options), value)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], (value, errors)
    assert msg.get("allowed_mentions") == {"parse": []}, (value, msg.get("allowed_mentions"))
    assert len(msg.get("content") or "") <= CONTENT_LIMIT, value
    assert len(msg.get("embeds") or []) <= EMBEDS_PER_MESSAGE, value
    for embed in msg.get("embeds") or []:
        assert problems(embed) == [], (value, problems(embed))
    assert not msg.get("content"), (value, msg.get("content"))  # an answer, not an error note
    shown = "\n".join(texts(msg))
    assert raw_markup(shown) == [], (value, shown[:300])
    for raw in ("**bold**", "~~s~~", "`code`", "_i_", "||spoiler||"):
        assert raw not in shown, (value, raw, shown[:300])
    assert "\0" not in shown, value
    # The member's own words come back (shortened, on one line) with markdown escaped.
    embed = msg["embeds"][0]
    echoed = DISCORD.text(echo(value))
    if echoed.strip():
        assert echoed in embed.get("title", "") + "\n" + embed.get("description", ""), (
            value, echoed, embed.get("title"), embed.get("description", "")[:300])
    return msg


async def still_answers(h: Harness) -> None:
    text = description(only_answer(await h.command("quotes", speaker="Trump"), "Trump"))
    assert f"“{TRUMP_QUOTE}” — **Donald Trump**, claimed `{SLUG}/q1`" in text
    text = description(only_answer(await h.command("articles"), "articles"))
    assert "12 positions" in text
    assert "2 quotes" in text
    text = description(only_answer(await h.command("search", query="TASS"), "TASS"))
    assert "**TASS**" in text


@pytest.mark.parametrize(("command", "option"), STRING_OPTIONS,
                         ids=[f"{c}-{o}" for c, o in STRING_OPTIONS])
async def test_hostile_values(make_harness: HarnessFactory, seeds: Path,
                              caplog: pytest.LogCaptureFixture, command: str, option: str) -> None:
    h = await make_harness(seeds, search_cooldown_seconds=0)
    for value in HOSTILE:
        await ask_hostile(h, command, option, value, caplog)
    await still_answers(h)


async def test_hostile_values_in_every_option_at_once(
        make_harness: HarnessFactory, seeds: Path, caplog: pytest.LogCaptureFixture) -> None:
    h = await make_harness(seeds, search_cooldown_seconds=0)
    by_command: dict[str, list[str]] = {}
    for command, option in STRING_OPTIONS:
        by_command.setdefault(command, []).append(option)
    for value in HOSTILE:
        for command, options in by_command.items():
            caplog.clear()
            with caplog.at_level(logging.INFO):
                values: dict[str, Any] = dict.fromkeys(options, value)
                msg = only_answer(await h.command(command, **values), value)
            assert [r for r in caplog.records if r.levelno >= logging.ERROR] == [], (command, value)
            assert msg.get("allowed_mentions") == {"parse": []}, (command, value)
            shown = "\n".join(texts(msg))
            assert raw_markup(shown) == [], (command, value, shown[:300])
            assert "**bold**" not in shown, (command, value)
    await still_answers(h)


async def test_other_string_options_too(make_harness: HarnessFactory, seeds: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    # Commands beyond the fact commands (a moderator's /reload article:, say) are asked as a
    # moderator would; the answer may be private, but it is an answer and pings nobody.
    h = await make_harness(seeds, search_cooldown_seconds=0)
    registered = {(c["name"], o["name"]) for c in h.fake.registered[str(GUILD_ID)]
                  for o in c.get("options", []) if o["type"] == 3}
    assert set(STRING_OPTIONS) <= registered
    for command, option in sorted(registered - set(STRING_OPTIONS)):
        for value in HOSTILE:
            caplog.clear()
            options: dict[str, Any] = {option: value}
            with caplog.at_level(logging.INFO):
                requests = await h.command(command, permissions=MODERATOR, **options)
            context = f"/{command} {option}:{value[:40]!r}"
            msg = only_answer(requests, context)
            errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            assert errors == [], (context, errors)
            assert msg.get("allowed_mentions") == {"parse": []}, context
            shown = "\n".join(texts(msg))
            assert raw_markup(shown) == [], (context, shown[:300])
            assert "**bold**" not in shown, context
    await still_answers(h)


async def test_markdown_is_escaped_where_a_name_is_corrected(harness: Harness) -> None:
    # "Lavorv" is forgiven; what the member typed is repeated back escaped in the note.
    msg = only_answer(await harness.command("positions", actor="*Lavorv*"), "*Lavorv*")
    text = description(msg)
    assert "Showing **Sergey Lavrov** for “\\*Lavorv\\*”." in text
    assert msg["embeds"][0]["title"] == "Positions — actor: Sergey Lavrov"


async def test_mentions_in_a_not_found_answer_are_defused(harness: Harness) -> None:
    msg = only_answer(await harness.command("who", name="@everyone"), "@everyone")
    assert "No actor named “@\u200beveryone”." in description(msg)
    assert msg["allowed_mentions"] == {"parse": []}


async def test_sql_text_does_not_touch_the_store(harness: Harness) -> None:
    for command, option in STRING_OPTIONS:
        for value in ("'); DROP TABLE facts; --", '"); DELETE FROM facts; --'):
            options: dict[str, Any] = {option: value}
            only_answer(await harness.command(command, **options), value)
    await still_answers(harness)
    text = description(only_answer(await harness.command("source", fact_id=f"{SLUG}/q2"), "q2"))
    assert "the presence of such forces would remain “unacceptable” to Russia" in text


async def test_names_from_a_sheet_never_render_as_markup(make_harness: HarnessFactory,
                                                          seeds: Path) -> None:
    # A sheet is an editor's text: a name written with Discord markup is shown as written, in
    # answers and in autocomplete, never rendered.
    facts = seeds / SLUG / "facts.toml"
    sheet = facts.read_text(encoding="utf-8")
    assert sheet.count('name = "Sergey Lavrov"') == 1
    sheet = sheet.replace('name = "Sergey Lavrov"', 'name = "Sergey <@1> Lavrov <t:0:R>"')
    sheet = sheet.replace('outlet = "Unattributed wire copy"', 'outlet = "Wire <@&2> copy"')
    facts.write_text(sheet, encoding="utf-8")
    h = await make_harness(seeds)
    choices = await h.autocomplete("who", "name", name="Lavrov")
    names = [c["name"] for c in choices]
    assert "Sergey <\u200b@\u200b1> Lavrov <\u200bt:0:R>" in names
    assert raw_markup("\n".join(names)) == []
    msg = only_answer(await h.command("who", name="Lavrov"), "Lavrov")
    shown = "\n".join(texts(msg))
    assert "Sergey <\u200b@\u200b1> Lavrov" in shown
    source = only_answer(await h.command("source", fact_id=f"{SLUG}/p3"), "source")
    assert "Wire <\u200b@\u200b&2> copy" in source["embeds"][0]["footer"]["text"]
    assert raw_markup(shown) == [], shown[:300]
    # /brief shows the name on its topic lines and the outlet at its head: neither renders.
    brief = "\n".join(texts(only_answer(await h.command("brief"), "brief")))
    assert "🔴 Sergey <\u200b@\u200b1> Lavrov <\u200bt:0:R>" in brief
    assert "Wire <\u200b@\u200b&2> copy" in brief
    assert raw_markup(brief) == [], brief[:300]


def test_the_escape_shortcut_changes_nothing() -> None:
    """bot.embeds skips discord.py's markdown regex for text with none of its characters:
    on every kind of text the result is still exactly what discord.py's escapes give."""
    import random

    import discord

    from bot.embeds import _escape

    pieces = ["a", "Z", " ", "\n", "\t", "1", "2.", "_", "\\", "~", "|", "*", "`", ">", ">>> ",
              "#", "##", "-", " - ", "[", "]", "(", ")", "[x](y)", "@", "@everyone", "@here",
              "<@123456789012345678>", "@&12345678901234567", "https://e.org/a_b", "<https:/x>",
              "steam://run/1_2", "é", "🙂", "\0", ":", "/", "<", "!", "1234567890123456789"]
    rng = random.Random(6)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = defuse_mentions(discord.utils.escape_markdown(text))
        assert _escape(text) == expected, repr(text)


def test_defused_text_reads_the_same_and_renders_no_markup() -> None:
    import random

    pieces = ["<", "@", "&", "!", "#", "/", ":", "t", "a", "id", "1", "12345678901234567890",
              ">", " ", "everyone", "here", "R", "x"]
    rng = random.Random(13)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        defused = defuse_mentions(text)
        assert defused.replace("\u200b", "") == text, repr(text)
        assert raw_markup(defused) == [], repr(text)


SMALL_ARTICLE = "Mayor steps down\nThe mayor said “I am done with this job.”\n".encode()


VALID_TEXT = {"time": "08:00", "timezone": "UTC"}  # any other required text names an article


def required_values(h: Harness, options: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid value for each required option: a file, a number, a channel, a text."""
    values: dict[str, Any] = {}
    for o in options:
        if not o.get("required"):
            continue
        if o["type"] == 3:
            values[o["name"]] = VALID_TEXT.get(o["name"], SLUG)
        elif o["type"] == 11:
            file = Upload("upload.txt", len(SMALL_ARTICLE))
            h.fake.cdn[file.url] = SMALL_ARTICLE
            values[o["name"]] = file
        elif o["type"] == 4:
            values[o["name"]] = 1
        elif o["type"] == 7:
            values[o["name"]] = Channel(CHANNEL_ID)
    return values


async def test_subcommand_string_options_too(make_harness: HarnessFactory, seeds: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    # /digest, /article and /sheet nest their options in subcommands; each string option is
    # asked as a moderator would, with a valid value for every other required option.
    h = await make_harness(seeds, search_cooldown_seconds=0)
    asked = 0
    for group in h.fake.registered[str(GUILD_ID)]:
        for sub in group.get("options", []):
            if sub["type"] != 1:
                continue
            for option in [o for o in sub.get("options", []) if o["type"] == 3]:
                for value in HOSTILE:
                    caplog.clear()
                    values = {**required_values(h, sub["options"]), option["name"]: value}
                    path = f"{group['name']} {sub['name']}"
                    with caplog.at_level(logging.INFO):
                        requests = await h.command(path, permissions=MODERATOR, **values)
                    context = f"/{path} {option['name']}:{value[:40]!r}"
                    msg = only_answer(requests, context)
                    errors = [r.getMessage() for r in caplog.records
                              if r.levelno >= logging.ERROR]
                    assert errors == [], (context, errors)
                    assert msg.get("allowed_mentions") == {"parse": []}, context
                    shown = "\n".join(texts(msg))
                    assert raw_markup(shown) == [], (context, shown[:300])
                    assert "**bold**" not in shown, context
                    asked += 1
    assert asked >= 10 * len(HOSTILE)
    await still_answers(h)
