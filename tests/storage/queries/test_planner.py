"""Query functions read one page of a list answer, with the count of the whole answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import storage.queries.planner
from storage import queries
from storage.results import Page
from storage.store import Store
from tests.factory import write_sheet

SLUG = "long-article"


async def test_a_page_is_the_slice_of_the_whole_answer(store: Store, seeds: Path) -> None:
    write_sheet(seeds / "long", SLUG, positions=23)
    await store.load(seeds)
    everything = await queries.positions(store)  # page None: every item
    assert everything.total == len(everything.items) > 23
    for number in (1, 2, 3):
        answer = await queries.positions(store, page=Page(number, 10))
        assert answer.total == everything.total
        assert answer.pages == -(-everything.total // 10)
        assert answer.items == everything.items[(number - 1) * 10:number * 10]
        assert set(answer.articles) == {i.article for i in answer.items}


async def test_a_page_past_the_end_is_clamped(store: Store, seeds: Path) -> None:
    write_sheet(seeds / "long", SLUG, positions=23)
    await store.load(seeds)
    answer = await queries.positions(store, actor="Minister Alpha", page=Page(9, 10))
    assert answer.page == Page(3, 10)
    assert [i.fact_id for i in answer.items] == [f"{SLUG}/p{n}" for n in (21, 22, 23)]
    assert answer.total == 23
    none = await queries.positions(store, actor="Minister Alpha", topic="peacekeepers",
                                   page=Page(2, 10))
    assert (none.items, none.total, none.page, none.pages) == ((), 0, Page(1, 10), 1)


async def test_every_list_answer_pages_in_its_own_order(store: Store) -> None:
    for run in (lambda p: queries.quotes(store, page=p), lambda p: queries.claims(store, page=p),
                lambda p: queries.questions(store, page=p),
                lambda p: queries.timeline(store, page=p),
                lambda p: queries.articles(store, page=p)):
        whole = await run(None)
        count = -(-len(whole.items) // 2)
        pages = [await run(Page(n, 2)) for n in range(1, count + 1)]
        assert all(p.total == len(whole.items) and p.pages == count for p in pages)
        assert [item for p in pages for item in p.items] == list(whole.items)
        assert (await run(Page(count + 5, 2))).items == pages[-1].items  # clamped


async def test_articles_count_the_facts_of_the_page(store: Store, seeds: Path) -> None:
    write_sheet(seeds / "long", SLUG, positions=23)
    await store.load(seeds)
    whole = await queries.articles(store)
    first = await queries.articles(store, page=Page(1, 1))
    assert first.total == len(whole.items) == 2
    assert first.items == whole.items[:1]
    second = await queries.articles(store, page=Page(2, 1))
    assert second.items == whole.items[1:]
    assert {s.ref.slug: s.counts for s in (*first.items, *second.items)}[SLUG] == \
        {"position": 23}


async def test_who_reads_a_few_of_each_and_counts_them_all(store: Store, seeds: Path) -> None:
    write_sheet(seeds / "long", SLUG, positions=23)
    await store.load(seeds)
    answer = await queries.who(store, "Minister Alpha")
    assert answer.positions_total == 23
    assert [p.fact_id for p in answer.positions] == [f"{SLUG}/p{n}" for n in range(1, 6)]
    assert (answer.quotes, answer.quotes_total) == ((), 0)


async def test_facts_involving_a_roll_up_page_and_count_each_fact_once(store: Store) -> None:
    # Russia's roll-up holds the Kremlin's people: a claim one of them makes and another
    # answers involves two of the actors, and is still one claim.
    for run in (lambda p: queries.claims(store, actor="Russia", page=p),
                lambda p: queries.questions(store, actor="Russia", page=p),
                lambda p: queries.claims(store, actor="Lavrov", page=p),
                lambda p: queries.claims(store, status="disputed", actor="Russia", page=p)):
        whole = await run(None)
        assert whole.items
        ids = [i.fact_id for i in whole.items]
        assert len(ids) == len(set(ids))
        pages = [await run(Page(n, 1)) for n in range(1, len(ids) + 1)]
        assert all(p.total == len(ids) for p in pages)
        assert [i.fact_id for p in pages for i in p.items] == ids


async def test_who_follows_an_affiliation_the_newest_article_leaves_out(store: Store,
                                                                      seeds: Path) -> None:
    # A newer, dated article names the Kremlin without saying whose it is; the seed says it
    # is Russia's. The chain keeps Russia, as /positions actor:Russia keeps Peskov.
    folder = write_sheet(seeds / "newer", "newer-article", positions=1)
    facts = folder / "facts.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        'id = "ruritania"', 'id = "kremlin"').replace('affiliation = "ruritania"',
                                                      'affiliation = "kremlin"'),
        encoding="utf-8")
    await store.load(seeds)
    answer = await queries.who(store, "Peskov")
    assert answer.affiliation_chain[-1] == "Russia"
    assert "Dmitry Peskov" in (await queries.positions(store, actor="Russia")).matches[0].rollup


async def test_both_ways_of_reading_a_page_give_the_same_pages(
        store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page is read by walking the articles in answer order or by sorting every match,
    whichever costs less (storage.queries.planner.WALK_COST): forced each way, every filter pages alike."""
    write_sheet(seeds / "long", SLUG, positions=23)
    await store.load(seeds)
    runs: list[Callable[[Page | None], Awaitable[Any]]] = [
            lambda p: queries.positions(store, page=p),
            lambda p: queries.positions(store, actor="Russia", page=p),
            lambda p: queries.positions(store, actor="Minister Alpha", page=p),
            lambda p: queries.quotes(store, contains="e", page=p),
            lambda p: queries.claims(store, actor="Russia", page=p),
            lambda p: queries.claims(store, status="disputed", page=p),
            lambda p: queries.questions(store, actor="Russia", page=p),
            lambda p: queries.timeline(store, page=p)]
    for run in runs:
        whole = await run(None)
        assert whole.items
        for cost in (0, 10**9):  # always walk; never walk
            monkeypatch.setattr(storage.queries.planner, "WALK_COST", cost)
            pages = [await run(Page(n, 3)) for n in range(1, -(-len(whole.items) // 3) + 1)]
            assert [item for p in pages for item in p.items] == list(whole.items)
            assert all(p.total == len(whole.items) for p in pages)
