"""/brief's query: one answer with who stands where, disputes, open questions, quotes and what
changed since the last digest, for the newest article or across every article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import queries
from storage.digest import DigestConfig, record_post, save_config
from storage.results_brief import BriefAnswer
from storage.store import Store
from tests.conftest import SEED_SLUG
from tests.factory import write_sheet


def fid(local: str) -> str:
    return f"{SEED_SLUG}/{local}"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_without_options_the_newest_article_at_a_glance(store: Store) -> None:
    answer = await queries.brief(store)
    assert isinstance(answer, BriefAnswer)
    assert answer.newest
    assert answer.article is not None
    assert answer.article.slug == SEED_SLUG
    # One line per topic, in the sheet's order of topics; one mark per actor, with its fact.
    assert [t.topic for t in answer.topics] == [
        "peacekeepers", "nato-troops", "us-russia-trust", "rare-earths", "aid-for-resources",
        "leader-talks", "trump-deal"]
    peacekeepers = answer.topics[0]
    assert [(m.actor, m.stance, m.fact_id) for m in peacekeepers.marks] == [
        ("kremlin", "opposes", fid("p1")), ("peskov", "opposes", fid("p2")),
        ("lavrov", "opposes", fid("p4")), ("trump", "unclear", fid("p5")),
        ("macron", "supports", fid("p6")), ("putin", "unclear", fid("p7"))]
    assert (answer.topics_total, answer.positions_total) == (7, 12)
    # The disputed claim, with every response (the render picks those that dispute it).
    assert [c.fact_id for c in answer.disputed] == [fid("c1")]
    assert [(r.actor, r.response) for r in answer.disputed[0].responses] == [
        ("kremlin", "rejects"), ("peskov", "rejects"), ("lavrov", "contradicts")]
    assert answer.disputed_total == 1
    # Open questions: the news ones and those about the article itself, apart.
    assert (answer.questions_total, answer.source_questions_total) == (10, 3)
    assert [q.fact_id for q in answer.questions] == [fid("oq1"), fid("oq2"), fid("oq3")]
    assert [q.fact_id for q in answer.source_questions] == [fid("oq10"), fid("oq11")]
    assert all(q.about == "source" for q in answer.source_questions)
    assert [q.fact_id for q in answer.quotes] == [fid("q1"), fid("q2")]
    assert answer.quotes_total == 2
    # No digest here: the last 24 hours, in which the seed was loaded.
    assert answer.since == "day"
    assert [(c.kind, c.fact_id, c.change) for c in answer.changes] == [
        ("article", SEED_SLUG, "added")]


async def test_a_topic_or_an_actor_covers_every_article(tmp_path: Path, seeds: Path) -> None:
    write_sheet(seeds / "b-article", "b-article", positions=3)  # dated: the newest
    async with await Store.open(tmp_path / "two.sqlite3") as store:
        await store.load(seeds)
        newest = await queries.brief(store)
        assert newest.article is not None
        assert newest.article.slug == "b-article"
        assert [t.topic for t in newest.topics] == ["points"]
        # Minister Alpha's first position on the topic, the others counted.
        (mark,) = newest.topics[0].marks
        assert (mark.fact_id, mark.more) == ("b-article/p1", 2)
        assert newest.disputed == ()
        assert newest.questions_total == 0
        russia = await queries.brief(store, actor="Russia")
        assert russia.article is None
        assert not russia.newest
        assert russia.matches[0].rollup  # Russia includes the Kremlin's people
        assert {m.actor for t in russia.topics for m in t.marks} == {
            "kremlin", "peskov", "lavrov", "putin"}
        assert [c.fact_id for c in russia.disputed] == [fid("c1")]
        # oq1-oq5 and oq12 involve Russia's people; oq9 and oq10 ask about the source.
        assert (russia.questions_total, russia.source_questions_total) == (6, 2)
        assert [q.fact_id for q in russia.quotes] == [fid("q2")]
        topic = await queries.brief(store, topic="peacekeepers")
        assert [t.topic for t in topic.topics] == ["peacekeepers"]
        assert topic.questions_total == 3
        assert topic.source_questions_total == 1
        assert [q.fact_id for q in topic.quotes] == [fid("q1")]
        article = await queries.brief(store, article=SEED_SLUG)
        assert article.article is not None
        assert article.article.slug == SEED_SLUG
        assert not article.newest


async def test_names_not_found_and_an_empty_archive(store: Store, empty_store: Store) -> None:
    answer = await queries.brief(store, topic="zzzz qqqq")
    assert answer.not_found is not None
    assert answer.not_found.entity == "topic"
    assert answer.topics == ()
    empty = await queries.brief(empty_store)
    assert not empty.loaded
    assert empty.topics == ()


async def test_changes_since_the_guilds_last_digest(tmp_path: Path, seeds: Path,
                                                    seed_folder: Path) -> None:
    clock = Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    async with await Store.open(tmp_path / "d.sqlite3", clock=clock) as store:
        await store.load(seeds)
        await save_config(store, DigestConfig(1, 2, "08:00", "UTC"), user_id=3)
        setup = await queries.brief(store, guild_id=1)
        assert (setup.since, setup.changes_total) == ("setup", 0)  # the load came before
        other = await queries.brief(store, guild_id=99)  # no digest there: the last day
        assert (other.since, other.changes_total) == ("day", 1)
        clock.now += timedelta(hours=1)
        facts = seed_folder / "facts.toml"
        text = facts.read_text(encoding="utf-8")
        facts.write_text(text.replace('id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\n'
                                      'stance = "unclear"', 'id = "p7"\nactor = "putin"\n'
                                      'topic = "peacekeepers"\nstance = "opposes"'),
                         encoding="utf-8")
        await store.load(seeds)
        changed = await queries.brief(store, guild_id=1)
        assert [(c.fact_id, c.change, c.before, c.after) for c in changed.changes] == [
            (fid("p7"), "changed", "unclear", "opposes")]
        assert (await queries.brief(store, topic="rare earths", guild_id=1)).changes == ()
        assert (await queries.brief(store, actor="Putin", guild_id=1)).changes_total == 1
        last = int((await store.rows("SELECT max(id) FROM changes"))[0][0])
        await record_post(store, 1, "2026-11-25", 5, last)
        posted = await queries.brief(store, guild_id=1)
        assert (posted.since, posted.changes_total) == ("digest", 0)
        assert posted.since_at == "2026-11-25T10:00:00+00:00"
        clock.now += timedelta(days=2)  # a day on, nothing new in the last 24 hours
        assert (await queries.brief(store, guild_id=99)).changes_total == 0
