"""Long answers are read and rendered one page at a time: the pager fetches each page when
it is reached, from a fresh snapshot, and says exactly where it stands."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from bot.console import answer_line, every_page, repl
from bot.pager import Pager
from storage import queries
from storage.db import StoreError
from storage.store import Store
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import Harness, message_payload
from tests.factory import write_sheet

SLUG = "long-article"
ALPHA = "Minister Alpha"


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["label"]: b for row in message.get("components") or [] for b in row["components"]}


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    (found,) = [b for name, b in buttons(message).items() if name == label or
                (label == "position" and name.startswith("page "))]
    return found


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


def cited(message: dict[str, Any]) -> list[int]:
    """The position numbers a page cites, in order."""
    return [int(n) for n in re.findall(rf"`{SLUG}/p(\d+)`", message["embeds"][0]["description"])]


class Browser:
    """One answer on Discord, and its pager's buttons clicked as the asker would."""

    def __init__(self, h: Harness, sent: dict[str, Any]) -> None:
        self.h = h
        self.shown = sent
        self.message = message_payload(sent)
        store = h.bot._connection._view_store
        (self.pager,) = {v for v in store._synced_message_views.values() if isinstance(v, Pager)}
        self.message["id"] = str(next(mid for mid, v in store._synced_message_views.items()
                                      if v is self.pager))

    async def click(self, label: str) -> dict[str, Any]:
        requests = await self.h.click(self.message, button(self.message, label)["custom_id"])
        (callback,) = [r for r in requests if r.is_callback]
        assert callback.json["type"] == 7  # the answer's own message is edited
        self.shown = callback.message
        self.message = {**self.message, "embeds": self.shown["embeds"],
                        "components": self.shown["components"]}
        return self.shown


async def ask(h: Harness, command: str, **options: Any) -> dict[str, Any]:
    (callback,) = [r for r in await h.command(command, **options) if r.is_callback]
    return callback.message


async def browse(make_harness: HarnessFactory, seeds: Path, positions: int = 57,
                 summary_words: int = 12) -> tuple[Harness, Browser]:
    write_sheet(seeds / "long", SLUG, positions=positions, summary_words=summary_words)
    h = await make_harness(seeds)
    return h, Browser(h, await ask(h, "positions", actor=ALPHA))


async def test_first_page_holds_the_first_items_and_counts_them_all(
        make_harness: HarnessFactory, seeds: Path) -> None:
    _, b = await browse(make_harness, seeds)
    assert cited(b.shown) == list(range(1, 11))  # the sheet's order, ten to a page
    assert footer(b.shown).endswith("positions 1–10 of 57 · page 1 of 6")
    assert button(b.shown, "position")["label"] == "page 1 of 6"
    assert button(b.shown, "Previous").get("disabled")
    assert not button(b.shown, "Next").get("disabled")
    # Only the page shown was rendered: the pager holds its embeds, not the whole answer.
    assert len(b.pager.embeds) == 1


async def test_next_fetches_the_next_items_and_previous_comes_back(
        make_harness: HarnessFactory, seeds: Path) -> None:
    _, b = await browse(make_harness, seeds)
    second = await b.click("Next")
    assert cited(second) == list(range(11, 21))
    assert footer(second).endswith("positions 11–20 of 57 · page 2 of 6")
    assert button(second, "position")["label"] == "page 2 of 6"
    assert not button(second, "Previous").get("disabled")
    first = await b.click("Previous")
    assert cited(first) == list(range(1, 11))
    assert button(first, "Previous").get("disabled")


async def test_last_page_is_short_and_ends_the_pager(make_harness: HarnessFactory,
                                                     seeds: Path) -> None:
    _, b = await browse(make_harness, seeds)
    for _ in range(5):
        last = await b.click("Next")
    assert cited(last) == list(range(51, 58))
    assert footer(last).endswith("positions 51–57 of 57 · page 6 of 6")
    assert button(last, "Next").get("disabled")
    assert not button(last, "Previous").get("disabled")


async def test_items_too_long_for_one_embed_become_parts(make_harness: HarnessFactory,
                                                          seeds: Path) -> None:
    # Each summary is ~4,200 characters: one page of ten needs a dozen embeds.
    _, b = await browse(make_harness, seeds, positions=12, summary_words=600)
    parts = int(re.search(r"part 1 of (\d+)$", footer(b.shown))[1])  # type: ignore[index]
    assert parts > 10
    assert "positions 1–10 of 12 · page 1 of 2, part 1 of" in footer(b.shown)
    assert button(b.shown, "position")["label"] == f"page 1 of 2, part 1 of {parts}"
    seen = [b.shown["embeds"][0]["description"]]
    for part in range(2, parts + 1):
        shown = await b.click("Next")
        assert footer(shown).endswith(f"page 1 of 2, part {part} of {parts}")
        seen.append(shown["embeds"][0]["description"])
    second = await b.click("Next")
    assert "positions 11–12 of 12 · page 2 of 2" in footer(second)
    text = "\n".join(seen)
    for n in range(1, 11):  # every fact of the first page, none dropped
        assert f"`{SLUG}/p{n}`" in text
    assert "`long-article/p11`" not in text
    assert cited(second)[0] == 11
    # Back from page 2 lands on the last part of page 1.
    back = await b.click("Previous")
    assert footer(back).endswith(f"page 1 of 2, part {parts} of {parts}")


async def test_a_reload_between_clicks_is_counted_and_clamped(
        make_harness: HarnessFactory, seeds: Path) -> None:
    h, b = await browse(make_harness, seeds)
    await b.click("Next")
    await b.click("Next")  # page 3 of 6
    write_sheet(seeds / "long", SLUG, positions=14)
    await h.bot.store.load(seeds)
    # Page 4 no longer exists: the last page as it now is, labelled from the new count.
    shown = await b.click("Next")
    assert cited(shown) == [11, 12, 13, 14]
    assert footer(shown).endswith("positions 11–14 of 14 · page 2 of 2")
    assert button(shown, "Next").get("disabled")
    write_sheet(seeds / "long", SLUG, positions=31)
    await h.bot.store.load(seeds)
    shown = await b.click("Previous")
    assert cited(shown) == list(range(1, 11))
    assert footer(shown).endswith("positions 1–10 of 31 · page 1 of 4")


async def test_a_page_that_cannot_be_read_gets_the_short_message(
        make_harness: HarnessFactory, seeds: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    h, b = await browse(make_harness, seeds)

    async def locked(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("the database is locked")

    monkeypatch.setattr(queries, "positions", locked)
    requests = await h.click(b.message, button(b.message, "Next")["custom_id"])
    (callback,) = [r for r in requests if r.is_callback]
    assert callback.json["type"] == 4  # a new message, not an edit of the page
    assert callback.message["flags"] & 64  # ephemeral
    assert "busy" in callback.message["content"]
    assert b.pager.page == 1  # nothing turned

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "positions", broken)
    with caplog.at_level(logging.ERROR):
        requests = await h.click(b.message, button(b.message, "Next")["custom_id"])
    (callback,) = [r for r in requests if r.is_callback]
    assert "secret internals" not in callback.message["content"]
    assert "logged" in callback.message["content"]
    assert any(r.exc_info for r in caplog.records if r.levelno >= logging.ERROR)


async def test_who_shows_a_few_and_points_to_the_rest(make_harness: HarnessFactory,
                                                      seeds: Path) -> None:
    write_sheet(seeds / "long", SLUG, positions=57)
    h = await make_harness(seeds)
    sent = await ask(h, "who", name=ALPHA)
    text = sent["embeds"][0]["description"]
    assert cited(sent) == [1, 2, 3, 4, 5]
    assert ("… and 52 more positions of their own; with affiliated actors': "
            "`/positions actor:Minister Alpha`") in text
    assert not sent.get("components")  # a summary: one page


async def test_console_prints_a_page_and_more_prints_the_next(store: Store, seeds: Path) -> None:
    write_sheet(seeds / "long", SLUG, positions=23)
    await store.load(seeds)
    stdin = io.StringIO(f"/positions actor:{ALPHA}\nmore\nmore\nmore\n")
    stdout = io.StringIO()
    bad = await repl(store, stdin, stdout, interactive=False)
    out = stdout.getvalue()
    pages = out.split("\n\n")
    assert "positions 1–10 of 23 · page 1 of 3" in pages[0]
    assert "Type more for page 2 of 3." in pages[0]
    assert f"{SLUG}/p10" in pages[0]
    assert f"{SLUG}/p11" not in pages[0]
    assert f"{SLUG}/p11" in pages[1]
    assert "positions 11–20 of 23 · page 2 of 3" in pages[1]
    assert f"{SLUG}/p23" in pages[2]
    assert "Type more" not in pages[2]
    assert "that was the last page" in pages[3]
    assert bad == 0  # a notice, not a bad line: a script's exit status does not fail on it
    # One page by number, and every page one after another.
    assert f"{SLUG}/p21" in await answer_line(store, f"/positions actor:{ALPHA}", page=3)
    text = "\n".join([t async for t in every_page(store, f"/positions actor:{ALPHA}")])
    assert [int(n) for n in re.findall(rf"{SLUG}/p(\d+)$", text, re.MULTILINE)] == \
        list(range(1, 24))  # each once, in order
