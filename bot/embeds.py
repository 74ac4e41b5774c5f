"""Pure: a rendered View -> Discord embeds, one per page, each within Discord's limits.

Long answers become several pages rather than being cut. A single fact too long for one page
is split at a space with a visible "continued" marker, so nothing is ever cut silently.

A list answer is read one page of items at a time (``View.paging``); when that page's items
do not fit one embed they become parts ("page 3 of 32, part 2 of 3"), never a cut.
"""

from __future__ import annotations

import re

import discord

from bot.render import Style, View, shorten

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

# Our own budgets, inside those limits with room for the page marker.
PAGE_BUDGET = 3800
FOOTER_BUDGET = 1500
CONTINUED = "… (continued on the next page)"
CONTINUES = "(continued) …"
COLOUR = discord.Colour(0x2B6CB0)


# Every character discord.utils.escape_markdown can act on (`>`, `#`, `-` at a line's start,
# `[` opening a masked link): text without any of them comes back unchanged, so the regex
# substitution, most of the cost of rendering a long answer, is skipped for it.
_MARKDOWN = re.compile(r"[_\\~|*`>#\[-]")


# Every Discord markup that renders as something other than its text begins with "<" (users,
# roles, channels, slash commands, timestamps, custom emoji, guild links) or "@" (@everyone,
# @here). discord.utils.escape_mentions only knows ids of 17 to 20 digits: "<@123>" came back
# raw. A zero-width space after each of the two characters defuses every such form, of any
# length, and shows nothing.
_MENTION_START = re.compile(r"([<@])")


def defuse_mentions(text: str) -> str:
    """``text`` that can never render as a mention, a channel, a role, a slash command, a
    timestamp or an emoji, and reads the same."""
    return _MENTION_START.sub("\\1\u200b", text) if "<" in text or "@" in text else text


def _escape(text: str) -> str:
    # Markdown escaped so sheet or user text cannot restyle the answer; mentions are defused
    # too, on top of AllowedMentions.none() on every send.
    if _MARKDOWN.search(text):
        text = discord.utils.escape_markdown(text)
    return defuse_mentions(text)


DISCORD = Style(text=_escape, bold=lambda s: f"**{s}**", code=lambda s: f"`{s}`",
                italic=lambda s: f"*{s}*", hit=("**", "**"))


def _split_line(line: str, budget: int) -> list[str]:
    """Split one over-long line at spaces, marking every cut."""
    pieces: list[str] = []
    rest = line
    room = budget - len(CONTINUED) - len(CONTINUES) - 2
    while len(rest) > budget:
        cut = rest.rfind(" ", room // 2, room)
        if cut <= 0:
            cut = room
            run = 0
            while run < cut and rest[cut - 1 - run] == "\\":
                run += 1
            if run % 2:  # an odd run ends in an escape: keep it with the character it escapes
                cut -= 1
        pieces.append(rest[:cut].rstrip() + " " + CONTINUED)
        rest = CONTINUES + " " + rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


def _chunks(v: View, budget: int) -> list[str]:
    chunks: list[str] = []
    for block in v.blocks:
        text = "\n".join(block.lines)
        if len(text) <= budget:
            chunks.append(text)
            continue
        current = ""
        for line in block.lines:
            for piece in _split_line(line, budget):
                if current and len(current) + 1 + len(piece) > budget:
                    chunks.append(current)
                    current = ""
                current = f"{current}\n{piece}" if current else piece
        if current:
            chunks.append(current)
    return chunks


def pages(v: View, budget: int = PAGE_BUDGET) -> list[discord.Embed]:
    head = "\n".join(shorten(n, 600) for n in v.notes)
    room = budget - len(head) - 2
    bodies: list[str] = []
    current = ""
    for chunk in _chunks(v, room):
        if current and len(current) + 2 + len(chunk) > room:
            bodies.append(current)
            current = ""
        current = f"{current}\n\n{chunk}" if current else chunk
    if current or not bodies:
        bodies.append(current or v.empty)
    title = shorten(v.title, TITLE_LIMIT)
    # Footers show sheet text (an article's title and outlet) as plain text: no markdown to
    # escape, but no mention-like form either.
    footer = shorten(defuse_mentions(v.footer), FOOTER_BUDGET)
    embeds = []
    for number, body in enumerate(bodies, 1):
        description = "\n\n".join(x for x in (head, body) if x) or v.empty or "\u200b"
        embed = discord.Embed(title=title, description=description, colour=COLOUR)
        text = " · ".join(x for x in (footer, marker(v, number, len(bodies))) if x)
        if text:
            embed.set_footer(text=text)
        embeds.append(embed)
    return embeds


def marker(v: View, part: int, parts: int) -> str:
    """Where an embed stands: "page 2 of 3" among the embeds of one View, or, for a list
    answer read a page at a time, "positions 21–30 of 312 · page 3 of 32[, part 2 of 3]"."""
    if v.paging is None:
        return f"page {part} of {parts}" if parts > 1 else ""
    return v.paging.label + (f", part {part} of {parts}" if parts > 1 else "")


def embed_size(embed: discord.Embed) -> int:
    """What Discord counts towards the 6,000 characters all embeds of one message may hold."""
    return len(embed)


def per_message(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Group pages into messages: at most 10 embeds and 6,000 characters in each."""
    messages: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        if not messages or len(messages[-1]) == EMBEDS_PER_MESSAGE \
                or size + embed_size(embed) > EMBED_TOTAL_LIMIT:
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += embed_size(embed)
    return messages


def problems(embed_dict: dict[str, object]) -> list[str]:
    """What in one embed breaks Discord's limits (empty when it fits). Used by tests too."""
    found = []
    title = str(embed_dict.get("title") or "")
    description = str(embed_dict.get("description") or "")
    footer = embed_dict.get("footer") or {}
    footer_text = str(footer.get("text", "")) if isinstance(footer, dict) else ""
    fields = embed_dict.get("fields") or []
    assert isinstance(fields, list)
    if len(title) > TITLE_LIMIT:
        found.append(f"title {len(title)} > {TITLE_LIMIT}")
    if len(description) > DESCRIPTION_LIMIT:
        found.append(f"description {len(description)} > {DESCRIPTION_LIMIT}")
    if len(footer_text) > FOOTER_LIMIT:
        found.append(f"footer {len(footer_text)} > {FOOTER_LIMIT}")
    if len(fields) > FIELDS_LIMIT:
        found.append(f"{len(fields)} fields > {FIELDS_LIMIT}")
    total = len(title) + len(description) + len(footer_text)
    for field in fields:
        name, value = str(field.get("name", "")), str(field.get("value", ""))
        total += len(name) + len(value)
        if len(value) > FIELD_VALUE_LIMIT:
            found.append(f"field value {len(value)} > {FIELD_VALUE_LIMIT}")
        if len(name) > TITLE_LIMIT:
            found.append(f"field name {len(name)} > {TITLE_LIMIT}")
    author = embed_dict.get("author")
    if isinstance(author, dict):
        total += len(str(author.get("name", "")))
    if total > EMBED_TOTAL_LIMIT:
        found.append(f"total {total} > {EMBED_TOTAL_LIMIT}")
    return found
