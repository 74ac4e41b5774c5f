"""Every query against the seed facts: ids, verbatim quotes, stances, names and hostile input."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import pytest

import storage.queries.options
from storage import queries
from storage.queries import HIT_END, HIT_START
from storage.results import (
    ArticlesAnswer,
    ClaimsAnswer,
    Page,
    PositionsAnswer,
    QuestionsAnswer,
    QuotesAnswer,
    SearchAnswer,
    TimelineAnswer,
)
from storage.store import Store
from storage.text import fold

SLUG = "kremlin-peacekeepers"
TRUMP_QUOTE = "If we do this deal, he\u2019s not looking for more war"
# The sheet lists oq12 and oq13, then the questions about the source (oq10, oq11, oq9);
# answers keep the sheet's order.
QUESTIONS_IN_SHEET_ORDER = [*(f"oq{i}" for i in range(1, 9)), "oq12", "oq13", "oq10", "oq11",
                            "oq9"]


def fid(local: str) -> str:
    return f"{SLUG}/{local}"


class HasId(Protocol):
    @property
    def fact_id(self) -> str: ...


def ids(items: Iterable[HasId]) -> list[str]:
    return [item.fact_id for item in items]


def squash(text: str) -> str:
    return " ".join(text.split())


async def all_fact_ids(store: Store) -> set[str]:
    return set(await queries.fact_ids(store, "", limit=10_000))


# --- quotes -------------------------------------------------------------------------------

async def test_quotes_are_verbatim_and_in_the_article(store, seed_folder):
    article = (seed_folder / "article.txt").read_text(encoding="utf-8")
    answer = await queries.quotes(store)
    assert isinstance(answer, QuotesAnswer)
    assert [(q.fact_id, q.speaker, q.speaker_name, q.text) for q in answer.items] == [
        (fid("q1"), "trump", "Donald Trump", TRUMP_QUOTE),
        (fid("q2"), "lavrov", "Sergey Lavrov", "unacceptable"),
    ]
    assert "\u2019" in answer.items[0].text  # the article's curly apostrophe, not a straight one
    for quote in answer.items:
        assert quote.text in article
        for excerpt in quote.evidence:
            assert excerpt in article
    assert answer.articles[SLUG].slug == SLUG


async def test_quotes_by_speaker_and_contains(store):
    trump = await queries.quotes(store, speaker="Trump")
    assert [(q.fact_id, q.text, q.cue) for q in trump.items] == [(fid("q1"), TRUMP_QUOTE, "claimed")]
    lavrov = await queries.quotes(store, speaker="lavrov")
    assert [(q.fact_id, q.text, q.cue) for q in lavrov.items] == [(fid("q2"), "unacceptable",
                                                                  "according to")]
    assert ids((await queries.quotes(store, speaker="Russia")).items) == [fid("q2")]
    assert ids((await queries.quotes(store, contains="UNACCEPTABLE")).items) == [fid("q2")]
    # A straight apostrophe finds the curly one.
    assert ids((await queries.quotes(store, contains="he's not looking")).items) == [fid("q1")]
    assert ids((await queries.quotes(store, contains="deal", speaker="Lavrov")).items) == []
    assert ids((await queries.quotes(store, article=SLUG)).items) == [fid("q1"), fid("q2")]


# --- positions ----------------------------------------------------------------------------

async def test_positions_by_actor(store):
    answer = await queries.positions(store, actor="Lavrov")
    assert isinstance(answer, PositionsAnswer)
    # Stored by topic, in the order the sheet declares its topics.
    assert [(p.fact_id, p.topic, p.stance) for p in answer.items] == [
        (fid("p4"), "peacekeepers", "opposes"),
        (fid("p3"), "nato-troops", "opposes"),
    ]
    assert answer.matches[0].keys == ("lavrov",)
    assert not answer.matches[0].corrected


async def test_positions_by_topic(store):
    answer = await queries.positions(store, topic="peacekeepers")
    assert {p.fact_id: (p.actor, p.stance) for p in answer.items} == {
        fid("p1"): ("kremlin", "opposes"),
        fid("p2"): ("peskov", "opposes"),
        fid("p4"): ("lavrov", "opposes"),
        fid("p5"): ("trump", "unclear"),
        fid("p6"): ("macron", "supports"),
        fid("p7"): ("putin", "unclear"),
    }
    assert all(p.topic_name == "European peacekeepers in Ukraine" for p in answer.items)


async def test_positions_by_actor_and_topic(store):
    answer = await queries.positions(store, actor="Putin", topic="talks")
    assert [(p.fact_id, p.stance) for p in answer.items] == [(fid("p8"), "conditional")]
    answer = await queries.positions(store, actor="Trump", topic="this deal")
    assert [(p.fact_id, p.stance) for p in answer.items] == [(fid("p12"), "supports")]
    answer = await queries.positions(store, actor="Macron", topic="rare earths")
    assert answer.items == ()
    assert answer.not_found is None


async def test_position_via_and_evidence(store, seed_folder):
    article = (seed_folder / "article.txt").read_text(encoding="utf-8")
    answer = await queries.positions(store, actor="Peskov")
    by_id = {p.fact_id: p for p in answer.items}
    assert set(by_id) == {fid("p2"), fid("p9"), fid("p10")}
    assert by_id[fid("p2")].via == "TASS"
    assert by_id[fid("p9")].via is None
    for position in answer.items:
        assert position.evidence
        for excerpt in position.evidence:
            assert excerpt in article


async def test_russia_rolls_up_everyone_affiliated(store):
    answer = await queries.positions(store, actor="Russia")
    assert set(ids(answer.items)) == {fid(p) for p in ("p1", "p2", "p3", "p4", "p7", "p8", "p9", "p10")}
    assert {p.actor for p in answer.items} == {"kremlin", "peskov", "lavrov", "putin"}
    match = answer.matches[0]
    assert match.keys[0] == "russia"
    assert set(match.keys) == {"russia", "kremlin", "peskov", "lavrov", "putin"}
    assert set(match.rollup) == {"the Kremlin", "Dmitry Peskov", "Sergey Lavrov", "Vladimir Putin"}


async def test_kremlin_rolls_up_peskov_but_not_lavrov(store):
    answer = await queries.positions(store, actor="Kremlin")
    assert set(ids(answer.items)) == {fid("p1"), fid("p2"), fid("p9"), fid("p10")}
    actors = {p.actor for p in answer.items}
    assert "peskov" in actors
    assert "lavrov" not in actors
    assert "Sergey Lavrov" not in answer.matches[0].rollup


async def test_a_roll_up_is_remembered_until_the_next_load(store, seeds, monkeypatch):
    found: list[tuple[str, ...]] = []
    members_on = storage.queries.options.members_on

    def counting(conn: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
        found.append(keys)
        return members_on(conn, keys)

    monkeypatch.setattr(storage.queries.options, "members_on", counting)
    first = await queries.positions(store, actor="Kremlin")
    again = await queries.quotes(store, speaker="the Kremlin")
    assert found == [("kremlin",)]  # the second answer found it remembered
    assert first.matches[0].keys == again.matches[0].keys == ("kremlin", "peskov")

    # Lavrov now speaks for the Kremlin: the next load's answers include him.
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    lavrov = 'role = "Russian Foreign Minister"\naffiliation = "russia"'
    assert text.count(lavrov) == 1
    facts.write_text(text.replace(lavrov, lavrov.replace('"russia"', '"kremlin"')),
                     encoding="utf-8")
    await store.load(seeds)
    answer = await queries.positions(store, actor="Kremlin")
    assert found == [("kremlin",)] * 2
    assert set(answer.matches[0].keys) == {"kremlin", "peskov", "lavrov"}
    assert "Sergey Lavrov" in answer.matches[0].rollup
    assert "lavrov" in {p.actor for p in answer.items}


# --- claims -------------------------------------------------------------------------------

async def test_disputed_claim_and_its_responses(store):
    answer = await queries.claims(store)
    assert isinstance(answer, ClaimsAnswer)
    assert ids(answer.items) == [fid("c1"), fid("c2"), fid("c3")]
    c1 = answer.items[0]
    assert (c1.claimant, c1.claimant_name, c1.status) == ("trump", "Donald Trump", "disputed")
    assert [(r.fact_id, r.actor, r.response) for r in c1.responses] == [
        (fid("c1/r1"), "kremlin", "rejects"),
        (fid("c1/r2"), "peskov", "rejects"),
        (fid("c1/r3"), "lavrov", "contradicts"),
    ]
    assert c1.responses[1].via == "TASS"
    assert all(r.via is None for r in c1.responses if r.actor != "peskov")
    c2 = answer.items[1]  # nobody in the article answers it
    assert (c2.claimant, c2.claimant_name, c2.status, c2.responses) == (
        "trump", "Donald Trump", "unverified", ())
    c3 = answer.items[2]
    assert (c3.claimant, c3.status, c3.responses) == ("trump", "unverified", ())


async def test_claims_status_filter(store):
    cases = [("disputed", ["c1"]), ("unverified", ["c2", "c3"]), ("confirmed", []), ("false", []),
             ("all", ["c1", "c2", "c3"]), (None, ["c1", "c2", "c3"])]
    for status, expected in cases:
        answer = await queries.claims(store, status=status)
        assert ids(answer.items) == [fid(c) for c in expected], status


async def test_claims_by_actor_as_claimant_or_responder(store):
    cases = [
        ("Trump", ["c1", "c2", "c3"]),  # claimant
        ("Lavrov", ["c1"]),             # responder
        ("Peskov", ["c1"]),
        ("Kremlin", ["c1"]),
        ("Russia", ["c1"]),             # roll-up of the responders
        ("Macron", []),
    ]
    for actor, expected in cases:
        answer = await queries.claims(store, actor=actor)
        assert answer.not_found is None, actor
        assert ids(answer.items) == [fid(c) for c in expected], actor
    both = await queries.claims(store, actor="Lavrov", status="unverified")
    assert both.items == ()


# --- questions ----------------------------------------------------------------------------

async def test_open_questions(store):
    answer = await queries.questions(store)
    assert isinstance(answer, QuestionsAnswer)
    open_ = [q for q in answer.items if q.status == "open"]
    assert len(open_) >= 5
    assert ids(answer.items) == [fid(q) for q in QUESTIONS_IN_SHEET_ORDER]
    assert all(q.answer is None and q.answer_evidence == () for q in answer.items)
    oq1 = answer.items[0]
    assert oq1.topic_name == "European peacekeepers in Ukraine"
    assert set(oq1.actor_names) == {"Donald Trump", "Vladimir Putin"}


async def test_questions_filters(store):
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"topic": "peacekeepers"}, ["oq1", "oq7", "oq12", "oq10"]),
        ({"topic": "rare earths"}, ["oq5"]),
        ({"actor": "Ukraine"}, ["oq6", "oq7"]),
        ({"actor": "Kremlin"}, ["oq2", "oq4", "oq5"]),
        ({"actor": "Russia"}, ["oq1", "oq2", "oq3", "oq4", "oq5", "oq12", "oq10", "oq9"]),
        ({"topic": "rare earths", "actor": "Peskov"}, ["oq5"]),
        ({"status": "open"}, QUESTIONS_IN_SHEET_ORDER),
        ({"status": "answered"}, []),
        ({"status": "open", "topic": "peace deal"}, ["oq13"]),
        ({"status": "open", "topic": "this deal"}, ["oq8"]),
    ]
    for kwargs, expected in cases:
        answer = await queries.questions(store, **kwargs)
        assert answer.not_found is None, kwargs
        assert ids(answer.items) == [fid(q) for q in expected], kwargs


# --- who ----------------------------------------------------------------------------------

async def test_who_peskov(store):
    answer = await queries.who(store, "Peskov")
    assert answer.not_found is None
    assert (answer.key, answer.name, answer.kind) == ("peskov", "Dmitry Peskov", "person")
    assert answer.role == "Kremlin spokesperson"
    assert answer.affiliation_chain == ("the Kremlin", "Russia")
    assert answer.members == ()
    assert set(answer.aliases) == {"Peskov", "Dmitri Peskov"}
    assert ids(answer.positions) == [fid("p2"), fid("p9"), fid("p10")]
    assert answer.quotes == ()


async def test_who_russia_lists_its_members(store):
    answer = await queries.who(store, "Russia")
    assert answer.key == "russia"
    assert answer.affiliation_chain == ()
    assert set(answer.members) == {"the Kremlin", "Dmitry Peskov", "Sergey Lavrov", "Vladimir Putin"}


async def test_who_trump(store):
    answer = await queries.who(store, "President Trump")
    assert answer.key == "trump"
    assert answer.affiliation_chain == ("United States",)
    assert ids(answer.quotes) == [fid("q1")]
    assert ids(answer.claims) == [fid("c1"), fid("c2"), fid("c3")]
    assert ids(answer.positions) == [fid("p5"), fid("p12")]


# --- timeline and articles ----------------------------------------------------------------

async def test_timeline_order(store):
    answer = await queries.timeline(store)
    assert isinstance(answer, TimelineAnswer)
    assert [(e.fact_id, e.when) for e in answer.items] == [
        (fid("t1"), "previously"),
        (fid("t2"), "Monday"),
        (fid("t3"), "Tuesday"),
        (fid("t4"), "in a recent interview (date not given; its order among these events is not "
                    "known)"),
        (fid("t5"), "undated (the article does not say when; its order among these events is not "
                    "known)"),
    ]
    assert all(e.date is None for e in answer.items)
    assert answer.items[2].actor_names == ("the Kremlin", "Dmitry Peskov", "TASS")
    assert ids((await queries.timeline(store, article=SLUG)).items) == ids(answer.items)


async def test_articles_with_counts(store):
    answer = await queries.articles(store)
    assert isinstance(answer, ArticlesAnswer)
    assert len(answer.items) == 1
    summary = answer.items[0]
    assert summary.ref.slug == SLUG
    assert summary.ref.published is None
    assert summary.ref.title.startswith("Russia had some strong words")
    assert summary.counts == {"position": 12, "quote": 2, "claim": 3, "response": 3, "question": 13,
                              "event": 5}


# --- source -------------------------------------------------------------------------------

async def test_source_by_full_id(store, seed_folder):
    article = squash((seed_folder / "article.txt").read_text(encoding="utf-8"))
    answer = await queries.source(store, fid("q1"))
    assert answer.not_found is None
    assert (answer.fact_id, answer.kind, answer.text) == (fid("q1"), "quote", TRUMP_QUOTE)
    assert answer.passages
    for excerpt, sentence in answer.passages:
        assert excerpt in sentence
        assert sentence in article
    assert SLUG in answer.articles


async def test_source_short_and_tidied_ids(store):
    for typed in ["q2", "Q2", " q2 ", "`q2`", "'q2'", fid("q2"), fid("q2").upper()]:
        answer = await queries.source(store, typed)
        assert answer.not_found is None, typed
        assert answer.fact_id == fid("q2")
        assert answer.text == "unacceptable"
        [(excerpt, sentence)] = answer.passages
        assert excerpt in sentence
        assert "\u201cunacceptable\u201d" in sentence


async def test_source_with_several_excerpts(store):
    answer = await queries.source(store, fid("p2"))
    assert len(answer.passages) == 2
    for excerpt, sentence in answer.passages:
        assert excerpt in sentence
    response = await queries.source(store, "r3")
    assert response.fact_id == fid("c1/r3")
    assert response.kind == "response"


async def test_source_unknown_id_suggests(store):
    known = await all_fact_ids(store)
    for typed in [fid("q9"), "kremlin-peacekeeper/q2", fid("p13"), fid("c1/r9")]:
        answer = await queries.source(store, typed)
        assert answer.not_found is not None, typed
        assert answer.not_found.entity == "fact"
        assert answer.not_found.query == typed
        assert answer.not_found.suggestions, typed
        assert set(answer.not_found.suggestions) <= known
        assert answer.fact_id == ""
        assert answer.passages == ()


async def test_source_misspelled_slug_suggests_the_fact(store):
    answer = await queries.source(store, "kremlin-peacekeeper/q2")
    assert answer.not_found is not None
    assert fid("q2") in answer.not_found.suggestions


async def test_source_nonsense_is_not_found(store):
    for typed in ["", "   ", "zzzzzz/zz", "%", "_", "%/q1", "'; DROP TABLE facts; --"]:
        answer = await queries.source(store, typed)
        assert answer.not_found is not None, typed
        assert answer.fact_id == ""


async def test_source_with_nul_is_not_found(store):
    # SQLite cuts a LIKE pattern at a NUL, so "q2\0zzz" must not be read as "q2".
    for typed in ["q2\0zzz", "q2\0", "r1\0x"]:
        answer = await queries.source(store, typed)
        assert answer.not_found is not None, repr(typed)
        assert answer.fact_id == ""


# --- fuzzy names --------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "key", "corrected"), [
    ("LAVROV", "lavrov", False),
    ("Sérgey Lavrov", "lavrov", False),
    ("sergei lavrov", "lavrov", False),
    ("Putin", "putin", False),
    ("U.S.", "us", False),
    ("US", "us", False),
    ("the kremlin", "kremlin", False),
    ("Lavorv", "lavrov", True),
    ("Peskv", "peskov", True),
])
async def test_actor_names_are_forgiving(store, typed, key, corrected):
    profile = await queries.who(store, typed)
    assert profile.not_found is None
    assert profile.key == key
    [match] = profile.matches
    assert match.entity == "actor"
    assert match.query == typed
    assert match.keys[0] == key
    assert match.corrected is corrected
    positions = await queries.positions(store, actor=typed)
    assert positions.matches[0].keys[0] == key
    assert positions.matches[0].corrected is corrected
    assert {p.actor for p in positions.items} <= set(positions.matches[0].keys)


async def test_typo_answers_with_the_corrected_actor(store):
    answer = await queries.positions(store, actor="Lavorv")
    assert ids(answer.items) == [fid("p4"), fid("p3")]
    assert answer.matches[0].name == "Sergey Lavrov"
    assert answer.filters == {"actor": "Lavorv"}


async def test_nothing_close_suggests(store):
    answer = await queries.positions(store, actor="Lvrv")
    assert answer.items == ()
    assert answer.not_found is not None
    assert answer.not_found.entity == "actor"
    assert "Sergey Lavrov" in answer.not_found.suggestions
    profile = await queries.who(store, "Lvrv")
    assert profile.not_found is not None
    assert "Sergey Lavrov" in profile.not_found.suggestions


async def test_nothing_at_all_suggests_nothing(store):
    answers = (
        await queries.positions(store, actor="zzzzzz"),
        await queries.quotes(store, speaker="zzzzzz"),
        await queries.claims(store, actor="zzzzzz"),
        await queries.questions(store, actor="zzzzzz"),
    )
    for answer in answers:
        assert answer.items == ()
        assert answer.not_found is not None
        assert answer.not_found.entity == "actor"
        assert answer.not_found.suggestions == ()
    profile = await queries.who(store, "zzzzzz")
    assert profile.not_found is not None
    assert profile.not_found.suggestions == ()
    assert profile.key == ""


async def test_unknown_topic(store):
    answer = await queries.positions(store, topic="zzzzzz")
    assert answer.items == ()
    assert answer.not_found is not None
    assert answer.not_found.entity == "topic"
    questions = await queries.questions(store, topic="zzzzzz")
    assert questions.items == ()
    assert questions.not_found is not None
    assert questions.not_found.entity == "topic"
    corrected = await queries.positions(store, topic="peacekepers")
    assert corrected.matches[0].keys == ("peacekeepers",)
    assert corrected.matches[0].corrected


async def test_unknown_article(store):
    for answer in (await queries.timeline(store, article="no-such-story"),
                   await queries.positions(store, article="no-such-story"),
                   await queries.quotes(store, article="no-such-story"),
                   await queries.claims(store, article="no-such-story"),
                   await queries.questions(store, article="no-such-story")):
        assert answer.items == ()
        assert answer.not_found is not None
        assert answer.not_found.entity == "article"
    near = await queries.timeline(store, article="kremlin-peacekeeper")
    assert near.matches[0].keys == (SLUG,)
    assert near.matches[0].corrected
    assert len(near.items) == 5


# --- search -------------------------------------------------------------------------------

async def test_search_tass(store):
    answer = await queries.search(store, "TASS")
    assert isinstance(answer, SearchAnswer)
    assert not answer.any_word
    assert set(ids(answer.items)) == {fid("p2"), fid("c1/r2"), fid("t3")}
    for hit in answer.items:
        assert f"{HIT_START}TASS{HIT_END}" in hit.snippet
    assert SLUG in answer.articles
    lower = await queries.search(store, "tass")
    assert ids(lower.items) == ids(answer.items)


async def test_search_rare_earth(store):
    answer = await queries.search(store, "rare earth")
    assert set(ids(answer.items)) == {fid("p10"), fid("p11"), fid("oq5"), fid("oq6")}
    assert not answer.any_word
    for hit in answer.items:
        marked = re.findall(f"{HIT_START}(.*?){HIT_END}", hit.snippet)
        assert {m.casefold() for m in marked} >= {"rare", "earth"}


async def test_search_folds_accents_and_falls_back_to_any_word(store):
    accented = await queries.search(store, "Péskov")
    assert set(ids(accented.items)) == set(ids((await queries.search(store, "Peskov")).items))
    assert accented.items
    fallback = await queries.search(store, "TASS zzqqxx")
    assert fallback.any_word
    assert set(ids(fallback.items)) == {fid("p2"), fid("c1/r2"), fid("t3")}
    assert (await queries.search(store, "zzqqxx")).items == ()
    assert len((await queries.search(store, "peacekeepers", limit=2)).items) == 2


HOSTILE = [
    '"', "'", "NEAR(", "NEAR(a b)", "*", "-- drop", "a OR", "AND", "OR", "NOT", "^", "(", ")", ":",
    "{}", "col:x", "search:TASS", "x" * 5000, "TASS " * 1000, "🙂", "🙂 TASS 🙂", "\0", "TASS\0",
    '"TASS', "TASS'", "'TASS", '"unbalanced "quotes', "'; DROP TABLE facts; --",
    "\" OR 1=1 --", "1; DELETE FROM facts", "%", "_", "\\", "\u2019", "\ue000", "   ", "",
]


async def test_search_survives_hostile_input(store):
    known = await all_fact_ids(store)
    for typed in HOSTILE:
        answer = await queries.search(store, typed)
        assert isinstance(answer, SearchAnswer), typed
        assert answer.query == typed
        assert set(ids(answer.items)) <= known, typed
    assert await all_fact_ids(store) == known
    assert (await queries.search(store, "TASS\0")).items
    assert set(ids((await queries.search(store, "🙂 TASS 🙂")).items)) == {fid("p2"), fid("c1/r2"), fid("t3")}


async def test_quotes_contains_survives_hostile_input(store):
    for typed in HOSTILE:
        answer = await queries.quotes(store, contains=typed)
        assert isinstance(answer, QuotesAnswer), typed
        assert answer.not_found is None, typed
        # Whatever comes back really contains what was typed (folded, or as typed).
        needle = fold(typed)
        for quote in answer.items:
            assert (needle in fold(quote.text)) if needle else (typed.strip() in quote.text), typed


async def test_quotes_contains_hostile_results(store):
    cases = [('"', []), ("*", []), ("NEAR(", []), ("\0", []), ("'; DROP TABLE facts; --", []),
             ("x" * 5000, []), ("🙂", []), ("%", []), ("_", []), ("'", ["q1"]), ("\u2019", ["q1"])]
    for typed, expected in cases:
        answer = await queries.quotes(store, contains=typed)
        assert ids(answer.items) == [fid(q) for q in expected], repr(typed)


# --- fact id autocomplete -----------------------------------------------------------------

async def test_fact_ids_prefix_and_contains(store):
    assert await queries.fact_ids(store, fid("q")) == [fid("q1"), fid("q2")]
    assert await queries.fact_ids(store, "c1/r") == [fid(f"c1/r{i}") for i in range(1, 4)]
    found = await queries.fact_ids(store, "Q1")
    assert found[0] == fid("q1")
    assert set(found) == {fid("q1"), fid("oq1"), fid("oq10"), fid("oq11"), fid("oq12"), fid("oq13")}
    assert await queries.fact_ids(store, fid("P1").upper()) == [fid(p) for p in ("p1", "p10", "p11", "p12")]
    assert len(await queries.fact_ids(store, "", limit=5)) == 5
    assert len(await queries.fact_ids(store, "kremlin", limit=3)) == 3
    assert set(await queries.fact_ids(store, "", limit=10_000)) == {
        *(fid(f"p{i}") for i in range(1, 13)), fid("q1"), fid("q2"), fid("c1"), fid("c2"), fid("c3"),
        *(fid(f"c1/r{i}") for i in range(1, 4)), *(fid(f"oq{i}") for i in range(1, 14)),
        *(fid(f"t{i}") for i in range(1, 6))}


async def test_fact_ids_treat_like_wildcards_literally(store):
    for typed in ["%", "_", "%%", "p_", "q%", "kremlin%", "kremlin_peacekeepers", "%/q1", "\\", "\\%", "'"]:
        assert await queries.fact_ids(store, typed) == [], typed


async def test_fact_ids_with_nul_match_nothing(store):
    # No id contains a NUL; SQLite cuts a LIKE pattern at the NUL, so "%\0%" would match all.
    for typed in ["\0", "q1\0", "\0zzz"]:
        assert await queries.fact_ids(store, typed) == [], repr(typed)


# --- empty store --------------------------------------------------------------------------

async def test_queries_on_an_empty_store(empty_store):
    for answer in (await queries.positions(empty_store), await queries.quotes(empty_store),
                   await queries.claims(empty_store), await queries.questions(empty_store),
                   await queries.timeline(empty_store), await queries.articles(empty_store),
                   await queries.search(empty_store, "TASS"),
                   await queries.quotes(empty_store, contains="war"),
                   await queries.claims(empty_store, status="disputed"),
                   await queries.questions(empty_store, status="open")):
        assert answer.items == ()
        assert answer.not_found is None
        assert answer.articles == {}
    assert await queries.fact_ids(empty_store, "") == []
    assert await queries.fact_ids(empty_store, "q1") == []
    for answer in (await queries.positions(empty_store, actor="Lavrov"),
                   await queries.questions(empty_store, topic="peacekeepers"),
                   await queries.timeline(empty_store, article=SLUG)):
        assert answer.items == ()
        assert answer.not_found is not None
        assert answer.not_found.suggestions == ()
    profile = await queries.who(empty_store, "Lavrov")
    assert profile.not_found is not None
    source = await queries.source(empty_store, "q1")
    assert source.not_found is not None
    assert source.not_found.suggestions == ()


async def test_questions_about_the_source_come_after_the_news_on_every_page(
        tmp_path: Path, seeds: Path) -> None:
    # The source questions moved to the top of the sheet: the answer still lists them last,
    # after every news question of every page.
    facts = seeds / SLUG / "facts.toml"
    sheet = facts.read_text(encoding="utf-8")
    marker = "# Questions about the article itself"
    start = sheet.index(marker)
    end = sheet.index("[[timeline]]", start) if "[[timeline]]" in sheet[start:] else len(sheet)
    block = sheet[start:end]
    first = sheet.index("[[questions]]")
    facts.write_text(sheet[:first] + block + sheet[first:start] + sheet[end:], encoding="utf-8")
    async with await Store.open(tmp_path / "q.sqlite3") as store:
        await store.load(seeds)
        ids: list[str] = []
        for number in (1, 2):
            answer = await queries.questions(store, status="open", page=Page(number, 10))
            ids += [q.fact_id for q in answer.items]
    assert [i.rsplit("/", 1)[1] for i in ids[-3:]] == ["oq10", "oq11", "oq9"]
    assert len(ids) == 13
