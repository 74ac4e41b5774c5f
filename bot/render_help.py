"""Pure rendering of /help, on Discord and the console alike."""

from __future__ import annotations

from collections.abc import Iterable

from bot.render import PLAIN, Block, Style, View


def help_view(commands: Iterable[tuple[str, str, list[tuple[str, str]]]], s: Style = PLAIN,
              console: bool = False) -> View:
    """``commands``: (usage, description, [(option, description)]) for each command."""
    blocks = []
    for usage, description, options in commands:
        lines = [f"{s.code(usage)} — {description}"]
        lines += [f"  {name}: {text}" for name, text in options]
        blocks.append(Block(tuple(lines)))
    notes = ["Every answer cites fact ids; /source <id> shows the evidence in the article."]
    if console:
        notes.append("Values may contain spaces; quote them if you like: "
                     "/positions actor:\"Sergey Lavrov\" topic:peacekeepers. quit to leave.")
    return View(title="How to ask", notes=tuple(notes), blocks=tuple(blocks), footer="")
