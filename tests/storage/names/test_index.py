"""Autocomplete, typo lookups, fact-id autocomplete and search as they work at newsroom scale:
what each offers and in which order (never how fast: timings are the benchmark's job)."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.render import to_text, view
from storage import queries
from storage.names import NameIndex
from storage.queries import HIT_END, HIT_START
from storage.results import SearchAnswer
from storage.store import Store
from storage.text import fold_name
from tests.conftest import SEED_SLUG
from tests.factory import write_sheet

HOSTILE = ['"', "'", "NEAR(", "NEAR(a b)", "*", "a OR", "AND", "NOT", "^", "(", ":", "col:x",
           "x" * 5000, "harbour " * 700, "🙂", "🙂 harbour 🙂", "\0", "harbour\0", "%", "_",
           "\\", "\u2019", "\ue000", "   ", "", "'; DROP TABLE facts; --", "a/", "/", "//q1"]


def make_index(names: Mapping[str, tuple[str, ...]]) -> NameIndex:
    """key -> (display name, other names...)"""
    keys: dict[str, set[str]] = {}
    for key, given in names.items():
        for name in (key, *given):
            keys.setdefault(fold_name(name), set()).add(key)
    return NameIndex("actor", {k: tuple(sorted(v)) for k, v in keys.items()},
                     {key: given[0] for key, given in names.items()})


PEOPLE = make_index({
    "putin": ("Vladimir Putin", "Putin"),
    "zelensky": ("Volodymyr Zelensky", "Vladimir Zelensky"),
    "vlad": ("Vlad Smith",),
    "fanclub": ("Putin Fan Club",),
    "peskov": ("Dmitry Peskov", "Peskov"),
    "lavrov": ("Sergey Lavrov", "Lavrov", "Sergei Lavrov"),
    "un": ("United Nations", "UN"),
})


def keys(index: NameIndex, typed: str, limit: int = 25) -> list[str]:
    return [key for key, _ in index.ranked(typed, limit)]


# --- autocomplete of names ----------------------------------------------------------------

def test_names_starting_with_what_was_typed_come_first_shortest_first() -> None:
    assert keys(PEOPLE, "vlad")[:3] == ["vlad", "putin", "zelensky"]  # 10, 14, 17 letters
    assert keys(PEOPLE, "VLAD", limit=2) == ["vlad", "putin"]
    assert PEOPLE.ranked("vlad", 1) == [("vlad", "Vlad Smith")]


def test_then_names_with_a_later_word_starting_with_it() -> None:
    found = keys(PEOPLE, "puti")
    assert found[:2] == ["putin", "fanclub"]  # "putin" (the key) is the shortest name
    assert keys(PEOPLE, "lavr")[0] == "lavrov"
    assert keys(PEOPLE, "zel")[0] == "zelensky"
    assert keys(PEOPLE, "nations")[0] == "un"
    assert keys(PEOPLE, "vla put")[0] == "putin"  # every typed word starts a word of the name


def test_typos_still_find_the_name() -> None:
    assert keys(PEOPLE, "vladmir")[:2] == ["putin", "zelensky"]
    assert keys(PEOPLE, "lavorv")[0] == "lavrov"
    assert keys(PEOPLE, "sergey lavrv")[0] == "lavrov"
    assert keys(PEOPLE, "dmitri peskov")[0] == "peskov"
    assert keys(PEOPLE, "peksov")[0] == "peskov"
    assert "lavrov" not in keys(PEOPLE, "zzzzzz")


def test_short_input_with_no_match_offers_nothing_rather_than_noise() -> None:
    assert keys(PEOPLE, "xq") == []
    assert keys(PEOPLE, "zzzzzz") == []


def test_empty_input_lists_every_name_alphabetically() -> None:
    shown = [name for _, name in PEOPLE.ranked("", 25)]
    assert shown == sorted(shown, key=str.casefold)
    assert len(shown) == 7
    assert len(PEOPLE.ranked("  ", 3)) == 3


def test_hostile_input_is_a_list() -> None:
    for typed in HOSTILE:
        found = PEOPLE.ranked(typed, 25)
        assert isinstance(found, list), typed
        assert len(found) <= 25
        assert all(key in PEOPLE.display for key, _ in found)


def test_a_large_index_keeps_the_same_order_of_kinds() -> None:
    rng = random.Random(4)
    letters = "abcdefghijklmnoprstuvz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    people = {f"k{i}": (f"{rng.choice(words).title()} {rng.choice(words).title()}",)
              for i in range(6000)}
    people["target"] = ("Anneliese Wexford",)
    index = make_index(people)
    assert keys(index, "anneliese wex")[0] == "target"
    assert "target" in keys(index, "wexf")  # a later word
    assert "target" in keys(index, "anneleise wexford")  # a transposition
    assert "target" in keys(index, "wexfrod")
    for typed in ("a", "an", "ann", "zz", "q"):
        found = keys(index, typed)
        assert len(found) == len(set(found)) <= 25
        starting = [k for k in found if fold_name(people[k][0]).startswith(fold_name(typed))]
        assert found[:len(starting)] == starting, typed  # prefix matches first


# --- resolve: the typo path gives what the full scan gave -------------------------------

def old_typo(index: NameIndex, wanted: str) -> frozenset[str] | None:
    """The lookup as it was: Damerau-Levenshtein against every name."""
    if len(wanted) < 4:
        return None
    allowed = 1 if len(wanted) <= 7 else 2
    near = process.extract(wanted, index.folded, scorer=DamerauLevenshtein.distance,
                           score_cutoff=allowed, limit=20)
    found = frozenset(k for name, _, _ in near for k in index.keys_by_folded[name])
    return found if len(found) == 1 else None


def typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(chars))
        edit = rng.randrange(4)
        if edit == 0 and len(chars) > 1:
            del chars[i]
        elif edit == 1:
            chars.insert(i, rng.choice("aeiknrst"))
        elif edit == 2:
            chars[i] = rng.choice("aeiknrst")
        elif i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def test_typo_lookup_matches_the_full_scan() -> None:
    rng = random.Random(9)
    letters = "abdeiklmnorstuv"
    people = {f"k{i}": (" ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
                                 for _ in range(rng.randint(1, 3))),) for i in range(3000)}
    index = make_index(people)
    corrected = 0
    for i in range(400):
        wanted = fold_name(typo(rng, people[f"k{i}"][0]))
        expected = old_typo(index, wanted)
        assert index.typo_keys(wanted) == expected, wanted
        corrected += expected is not None
    assert corrected > 100


def test_resolve_suggests_when_nothing_is_close_enough() -> None:
    missing = PEOPLE.resolve("Lvrv")
    assert missing.entity == "actor"
    assert "Sergey Lavrov" in getattr(missing, "suggestions", ())
    assert getattr(PEOPLE.resolve("zzzzzz"), "suggestions", None) == ()
    assert PEOPLE.resolve("Lavorv").keys == ("lavrov",)  # type: ignore[union-attr]


# --- fact-id autocomplete -----------------------------------------------------------------

@pytest.fixture
async def two_articles(tmp_path: Path, seeds: Path) -> AsyncIterator[Store]:
    write_sheet(seeds / "b-article", "b-article", positions=3)
    store = await Store.open(tmp_path / "two.sqlite3")
    await store.load(seeds)
    yield store
    await store.close()


async def test_fact_ids_by_the_part_after_the_slug(two_articles: Store) -> None:
    seed = SEED_SLUG
    assert await queries.fact_ids(two_articles, "p1") == [
        "b-article/p1", f"{seed}/p1", f"{seed}/p10", f"{seed}/p11", f"{seed}/p12"]
    assert await queries.fact_ids(two_articles, "p1", limit=2) == ["b-article/p1", f"{seed}/p1"]
    assert await queries.fact_ids(two_articles, "C1/R") == [f"{seed}/c1/r{i}" for i in (1, 2, 3)]
    found = await queries.fact_ids(two_articles, "q1")
    assert found[0] == f"{seed}/q1"
    assert set(found) == {f"{seed}/{i}" for i in ("q1", "oq1", "oq10", "oq11", "oq12", "oq13")}


async def test_fact_ids_by_a_piece_of_the_slug(two_articles: Store) -> None:
    found = await queries.fact_ids(two_articles, "peacekeep")
    assert len(found) == 25
    assert all(i.startswith(f"{SEED_SLUG}/") for i in found)
    assert found == sorted(found)
    assert await queries.fact_ids(two_articles, "peacekeepers/q") == [
        f"{SEED_SLUG}/q1", f"{SEED_SLUG}/q2"]
    assert await queries.fact_ids(two_articles, "article/p") == [
        f"b-article/p{i}" for i in (1, 2, 3)]
    assert await queries.fact_ids(two_articles, "b-article/") == [
        f"b-article/p{i}" for i in (1, 2, 3)]


async def test_fact_ids_survive_hostile_input(two_articles: Store) -> None:
    every = set(await queries.fact_ids(two_articles, "", limit=10_000))
    for typed in HOSTILE:
        found = await queries.fact_ids(two_articles, typed)
        assert len(found) <= 25, typed
        assert set(found) <= every, typed
    for typed in ("\0", "x" * 5000, "%", "_", "🙂", '"', "NEAR("):
        assert await queries.fact_ids(two_articles, typed) == [], repr(typed)


async def test_fact_ids_forget_a_removed_article(two_articles: Store, seeds: Path) -> None:
    shutil.rmtree(seeds / "b-article")
    await two_articles.load(seeds)
    assert await queries.fact_ids(two_articles, "p1") == [
        f"{SEED_SLUG}/p{i}" for i in ("1", "10", "11", "12")]
    assert await queries.fact_ids(two_articles, "article/p") == []


# --- search -------------------------------------------------------------------------------

SUMMARIES = [
    "The levy was discussed while the harbour stayed closed",  # p1: both words, apart
    "Only the harbour is mentioned here",                       # p2: one word
    "A harbour levy was proposed",                              # p3: side by side
    "Harbour levy, harbour levy, and more harbour levy",        # p4: side by side, often
]


@pytest.fixture
async def harbour(tmp_path: Path) -> AsyncIterator[Store]:
    folder = write_sheet(tmp_path / "seeds" / "harbour", "harbour", positions=len(SUMMARIES))
    facts = folder / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    for i, summary in enumerate(SUMMARIES, start=1):
        text = re.sub(rf'summary = "Point {i}: [^"]*"', f'summary = "{summary}"', text)
    facts.write_text(text, encoding="utf-8")
    store = await Store.open(tmp_path / "harbour.sqlite3")
    await store.load(tmp_path / "seeds")
    yield store
    await store.close()


def hit_ids(answer: SearchAnswer) -> list[str]:
    return [h.fact_id.split("/", 1)[1] for h in answer.items]


async def test_search_ranks_every_match_when_they_all_fit(harbour: Store) -> None:
    answer = await queries.search(harbour, "harbour levy")
    assert not answer.any_word
    # Side by side first (the one with the words most often first), then apart.
    assert hit_ids(answer) == ["p4", "p3", "p1"]
    for hit in answer.items:
        marked = {m.casefold() for m in re.findall(f"{HIT_START}(.*?){HIT_END}", hit.snippet)}
        assert marked == {"harbour", "levy"}


async def test_search_shows_the_newest_when_more_match_than_fit(harbour: Store) -> None:
    newest = await queries.search(harbour, "harbour", limit=2)
    assert hit_ids(newest) == ["p4", "p3"]
    assert newest.more  # the answer says that it is not all
    assert "these are the newest" in to_text(view(newest))
    assert hit_ids(await queries.search(harbour, "harbour levy", limit=2)) == ["p4", "p3"]
    # When they fit, the ranking decides: the fewest words (the most "harbour" per word) first.
    every = await queries.search(harbour, "harbour")
    assert hit_ids(every)[0] == "p4"
    assert not every.more
    assert "these are the newest" not in to_text(view(every))


async def test_search_falls_back_to_any_word_with_the_most_words_first(harbour: Store) -> None:
    answer = await queries.search(harbour, "harbour levy zebra")
    assert answer.any_word
    found = hit_ids(answer)
    assert set(found) == {"p1", "p2", "p3", "p4"}
    assert found[-1] == "p2"  # the only one with a single of the words
    assert (await queries.search(harbour, "zebra quagga")).items == ()


async def test_search_survives_hostile_input(harbour: Store) -> None:
    every = {f"harbour/p{i}" for i in range(1, 5)}
    for typed in HOSTILE:
        answer = await queries.search(harbour, typed)
        assert isinstance(answer, SearchAnswer), typed
        assert {h.fact_id for h in answer.items} <= every | {
            i for i in await queries.fact_ids(harbour, "", limit=100)}, typed
    assert hit_ids(await queries.search(harbour, "🙂 levy 🙂"))[:2] == ["p4", "p3"]
    assert hit_ids(await queries.search(harbour, "harbour\0levy")) == ["p4", "p3", "p1"]
    assert len((await queries.search(harbour, "harbour " * 700)).items) == 4
