"""/article add through discord.py: the whole loop from an uploaded article to an edited,
published fact, and what add refuses. Drafting runs for real (the draft extra)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from storage.desk import versions
from storage.sheets import FACTS_FILE, TEXT_FILE
from tests.bot.conftest import HarnessFactory
from tests.bot.test_discord_desk import answer, buttons, click, get_sheet, mod, put, text, upload
from tests.discord_fakes import EDITOR_ID as EDITOR
from tests.discord_fakes import Harness

MODERATOR = 0x20 | 0x80000000  # Manage Server, use application commands

FIXTURES = Path(__file__).parents[1] / "drafting" / "fixtures"
ARTICLE = (FIXTURES / "harbour-strike" / TEXT_FILE).read_bytes()
SLUG = "port-strike"


@pytest.fixture
async def h(make_harness: HarnessFactory, seeds: Path) -> Harness:
    return await make_harness(seeds)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def add(h: Harness, data: bytes = ARTICLE, **options: str) -> str:
    return text(await mod(h, "article add", file=upload(h, "story.txt", data), **options))


async def test_add_review_edit_put_apply_publish(h: Harness, seeds: Path) -> None:
    reply = await mod(h, "article add", file=upload(h, "story.txt", ARTICLE), slug=SLUG,
                      outlet="Coastal Wire", url="https://example.com/port-strike")
    card = text(reply)
    assert "Drafted:" in card
    assert "Machine draft, not yet reviewed" in card
    assert "Okonkwo" in card
    assert "nothing that a family can live on" in card
    drafted = reply.files[FACTS_FILE].decode()
    assert drafted.startswith("# newsbot sheet version: ")
    assert 'review = "draft"' in drafted
    assert 'outlet = "Coastal Wire"' in drafted
    assert (seeds / SLUG / TEXT_FILE).read_bytes() == ARTICLE
    assert [v.action for v in await versions(h.bot.store, SLUG)] == ["add"]

    listed = text(answer(await h.command("articles")))
    assert "draft" in listed.lower()
    assert SLUG in listed

    sheet = await get_sheet(h, SLUG)
    assert sheet == drafted  # nothing changed since the review card
    title = re.search(r'^title = "(.*)"$', sheet, re.MULTILINE)
    assert title is not None
    edited = sheet.replace(title[0], 'title = "Port Elling dockworkers extend their strike"', 1)
    card_put = await put(h, edited)
    assert "articles: 1 changed" in text(card_put)
    assert "Applied" in text(await click(h, card_put, "Apply"))
    assert "Port Elling dockworkers extend their strike" in text(
        answer(await h.command("articles")))

    assert "Published" in text(await mod(h, "article publish", article=SLUG))
    quotes = text(answer(await h.command("quotes", article=SLUG)))
    assert "nothing that a family can live on" in quotes
    assert "(draft)" not in quotes
    assert [v.action for v in await versions(h.bot.store, SLUG)] == ["publish", "put", "add"]


async def test_add_refuses_what_it_cannot_take(h: Harness, seeds: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    before = listing(seeds)
    assert "already exists" in await add(h, slug="kremlin-peacekeepers")
    assert "is not a slug" in await add(h, slug="Not A Slug!")
    assert "not a date like 2025-03-04" in await add(h, published="4 March")
    assert "http(s) address" in await add(h, url="javascript:alert(1)")
    assert "not a text file" in await add(h, b"\x00\x01binary")
    monkeypatch.setitem(sys.modules, "drafting", None)  # the draft extra not installed
    assert "Drafting is not installed" in await add(h, slug=SLUG)
    assert listing(seeds) == before


async def test_the_same_article_twice_gets_a_clear_refusal(h: Harness, seeds: Path) -> None:
    await add(h, slug=SLUG)
    again = await mod(h, "article add", file=upload(h, "story.txt", ARTICLE), slug=SLUG)
    assert "already exists" in text(again)
    assert buttons(again) == {}


async def test_a_long_review_card_pages_and_slow_work_is_deferred(
        make_harness: HarnessFactory, seeds: Path) -> None:
    # defer_after=0: every answer takes the deferred path (a draft of a long article does).
    h = await make_harness(seeds, defer_after=0.0)
    paragraphs = [f"“Point number {i} is about the harbour budget,” said Mayor Alice Brennan."
                  for i in range(1, 61)]
    story = ("Mayor explains harbour budget\n" + "\n".join(paragraphs) + "\n").encode()
    requests = await h.command("article add", user_id=EDITOR, permissions=MODERATOR,
                               file=upload(h, "budget.txt", story), slug="harbour-budget")
    assert requests[0].is_callback
    assert requests[0].json["type"] == 5  # deferred, privately
    assert requests[0].json["data"]["flags"] & 64
    reply = answer(requests)
    assert reply.path.startswith("/webhooks/")
    assert list(reply.files) == [FACTS_FILE]
    assert "Next" in buttons(reply)  # sixty quotes: more than one page
    card = text(reply)
    assert "Quotes (60)" in card
    assert "Alice Brennan: “Point number 1 is about the harbour budget” (said)" in card

    sheet = await get_sheet(h, "harbour-budget")
    card_put = await put(h, sheet.replace("Mayor explains harbour budget",
                                          "Mayor explains the harbour budget", 1))
    assert "Applied" in text(await click(h, card_put, "Apply"))
