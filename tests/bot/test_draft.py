"""`newsbot draft` and drafts in answers: a drafted article keeps the archive's actor ids, and
every answer, list, digest and surface that shows its facts says they are a machine draft until
an editor flips the sheet to reviewed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bot import cli
from bot.draft import archive_actors, draft
from bot.render import DRAFT_TAG, to_text, view
from bot.render_admin import digest_view
from storage import queries
from storage.digest import digest_content
from storage.model import Sheet
from storage.sheets import FACTS_FILE, TEXT_FILE, read_sheet
from storage.store import Store
from tests.conftest import SEED_SLUG
from tests.discord_fakes import Harness
from tests.factory import write_sheet

ARTICLE = (
    "Kremlin repeats its warning on troops\n\n"
    "Kremlin spokesman Dmitry Peskov said on Monday that Moscow would not accept foreign "
    "troops in Ukraine.\n\n"
    "\u201cThis position has not changed,\u201d Peskov told reporters in Moscow.\n"
)


def article(seeds: Path) -> Path:
    folder = seeds / "kremlin-warning"
    folder.mkdir()
    (folder / TEXT_FILE).write_text(ARTICLE, encoding="utf-8")
    return folder


async def drafted(store: Store, folder: Path, **options: Any) -> tuple[bool, str, str]:
    out, err = io.StringIO(), io.StringIO()
    ok = await draft(store, folder, force=options.get("force", False),
                     to_stdout=options.get("to_stdout", False), out=out, err=err)
    return ok, out.getvalue(), err.getvalue()


def sheet(folder: Path) -> Sheet:
    result = read_sheet(folder)
    assert isinstance(result, Sheet), "\n".join(str(p) for p in result)
    return result


async def test_a_draft_keeps_the_archives_actor_ids(store: Store, seeds: Path) -> None:
    assert (await archive_actors(store))["dmitry peskov"] == "peskov"
    folder = article(seeds)
    ok, out, err = await drafted(store, folder)
    assert ok, err
    assert "review = \"draft\"" in out
    assert "Dmitry Peskov: “This position has not changed”" in out
    drafted_sheet = sheet(folder)
    assert drafted_sheet.article.review == "draft"
    (quote,) = drafted_sheet.quotes
    assert quote.speaker == "peskov"  # the archive's id, not one of its own making
    assert "peskov" in {a.key for a in drafted_sheet.actors}


async def test_an_existing_sheet_is_kept_unless_forced_and_stdout_writes_nothing(
        store: Store, seeds: Path) -> None:
    folder = article(seeds)
    assert (await drafted(store, folder))[0]
    first = (folder / FACTS_FILE).read_text(encoding="utf-8")
    (folder / FACTS_FILE).write_text(first + "\n# an editor's note\n", encoding="utf-8")
    ok, _, err = await drafted(store, folder)
    assert not ok
    assert "already exists" in err
    assert (folder / FACTS_FILE).read_text(encoding="utf-8").endswith("# an editor's note\n")
    ok, out, err = await drafted(store, folder, to_stdout=True)
    assert ok
    assert "[article]" in out.splitlines()
    assert "Drafted" in err  # the report goes to stderr, the sheet alone to stdout
    assert (folder / FACTS_FILE).read_text(encoding="utf-8").endswith("# an editor's note\n")
    assert (await drafted(store, folder, force=True))[0]
    assert "# an editor's note" not in (folder / FACTS_FILE).read_text(encoding="utf-8")


async def test_what_is_not_an_article_is_refused_in_one_line(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "binary"
    folder.mkdir()
    (folder / TEXT_FILE).write_bytes(b"%PDF-1.7\x00\x01\x02")
    ok, out, err = await drafted(store, folder)
    assert not ok
    assert out == ""
    assert err.count("\n") == 1
    assert not (folder / FACTS_FILE).exists()
    ok, _, err = await drafted(store, tmp_path / "nowhere")
    assert not ok
    assert err.startswith("newsbot: ")


def test_the_command_line_drafts_and_exits_by_the_outcome(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "")
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "db.sqlite3"))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    folder = article(seeds)
    assert cli.main(["draft", str(folder)]) == 0
    assert "review = \"draft\"" in capsys.readouterr().out
    assert cli.main(["check", str(folder)]) == 0  # the draft passes the check unchanged
    assert cli.main(["draft", str(folder / TEXT_FILE)]) == 1  # the sheet exists now
    assert "already exists" in capsys.readouterr().err


async def test_answers_say_which_facts_are_a_machine_draft(store: Store, seeds: Path) -> None:
    folder = article(seeds)
    assert (await drafted(store, folder))[0]
    slug = sheet(folder).article.slug  # from the headline
    since = int((await store.rows("SELECT coalesce(max(id), 0) FROM changes"))[0][0])
    await store.load(seeds)
    quotes = await queries.quotes(store, speaker="Peskov")
    text = to_text(view(quotes))
    assert f"Machine draft, not yet reviewed by an editor: {slug}" in text
    drafted_lines = [line for line in text.splitlines() if f"{slug}/" in line]
    assert drafted_lines
    assert all(DRAFT_TAG in line for line in drafted_lines)
    assert not any(DRAFT_TAG in line for line in text.splitlines() if f"{SEED_SLUG}/" in line)
    listed = to_text(view(await queries.articles(store)))
    assert f"{slug} {DRAFT_TAG}, not yet reviewed" in listed
    fact_id = next(i.fact_id for i in quotes.items if i.article == slug)
    assert DRAFT_TAG in to_text(view(await queries.source(store, fact_id)))
    added = digest_view(await digest_content(store, since), "2026-12-04")
    assert "drafted by machine, not yet reviewed" in to_text(added)

    # An editor reviews the sheet and flips it: the answers stop saying so, the digest says it.
    since = int((await store.rows("SELECT coalesce(max(id), 0) FROM changes"))[0][0])
    facts = folder / FACTS_FILE
    facts.write_text(facts.read_text(encoding="utf-8").replace('review = "draft"',
                                                               'review = "reviewed"'),
                     encoding="utf-8")
    report = await store.load(seeds)
    assert report.diff["article"].changed == (slug,)
    text = to_text(view(await queries.quotes(store, speaker="Peskov")))
    assert DRAFT_TAG not in text
    assert "Machine draft" not in text
    reviewed = to_text(digest_view(await digest_content(store, since), "2026-12-05"))
    assert f"{slug} — reviewed by an editor" in reviewed


async def test_discord_answers_mark_drafts_too(harness: Harness, seeds: Path) -> None:
    folder = article(seeds)
    assert (await drafted(harness.bot.store, folder))[0]
    slug = sheet(folder).article.slug
    await harness.bot.store.load(seeds)
    (callback,) = [r for r in await harness.command("quotes", speaker="Peskov") if r.is_callback]
    embed = callback.message["embeds"][0]
    assert "Machine draft, not yet reviewed by an editor" in embed["description"]
    assert f"`{slug}/q1` {DRAFT_TAG}" in embed["description"]
    assert callback.message["allowed_mentions"] == {"parse": []}


async def test_the_digest_marks_drafted_questions_and_claims_still_open(
        store: Store, seeds: Path) -> None:
    facts = seeds / SEED_SLUG / FACTS_FILE
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "en"\nreview = "draft"', 1), encoding="utf-8")
    await store.load(seeds)
    since = int((await store.rows("SELECT coalesce(max(id), 0) FROM changes"))[0][0])
    text = to_text(digest_view(await digest_content(store, since), "2026-12-05"))
    assert "Nothing changed since the previous digest." in text
    assert f"Machine draft, not yet reviewed by an editor: {SEED_SLUG}" in text
    remaining = [line for line in text.splitlines() if line.startswith("• ")]
    assert remaining  # the open questions and disputed claims, every one of them a draft's
    assert all(line.endswith(DRAFT_TAG) for line in remaining)


EMPIRE_ARTICLE = "Ruritania joins the Empire.\n\nRuritania joined the Empire on Monday, officials said.\n"
EMPIRE_FACTS = """\
[article]
slug = "empire"
title = "Ruritania joins the Empire."
outlet = "Test Wire"
published = 2025-03-01
language = "en"
review = "draft"

[[actors]]
id = "ruritania"
name = "Ruritania"
kind = "country"
affiliation = "empire"
evidence = "Ruritania joined the Empire"

[[actors]]
id = "empire"
name = "The Empire"
kind = "country"
evidence = "joined the Empire on Monday"
"""


async def test_a_drafted_affiliation_rolls_nobody_up_and_is_shown_as_a_drafts(
        empty_store: Store, tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    write_sheet(root / "alpha", "alpha", positions=1)  # Minister Alpha speaks for Ruritania
    (root / "empire").mkdir()
    (root / "empire" / TEXT_FILE).write_text(EMPIRE_ARTICLE, encoding="utf-8")
    (root / "empire" / FACTS_FILE).write_text(EMPIRE_FACTS, encoding="utf-8")
    await empty_store.load(root)
    # The draft says Ruritania belongs to the Empire: no reviewed fact is rolled up under it.
    empire = await queries.positions(empty_store, actor="The Empire")
    assert empire.items == ()
    assert empire.matches[0].rollup == ()
    assert [p.fact_id for p in (await queries.positions(empty_store, actor="Ruritania")).items] \
        == ["alpha/p1"]
    # /who follows each actor as its newest reviewed article has it: the draft's link is not
    # shown as the desk's (its own profile, The Empire's, says it is a draft).
    alpha = await queries.who(empty_store, "Minister Alpha")
    assert alpha.affiliation_chain == ("Ruritania",)
    assert "Machine draft" not in to_text(view(alpha))
    assert "Machine draft, not yet reviewed by an editor: empire" in to_text(
        view(await queries.who(empty_store, "The Empire")))
    # Reviewed, the link counts, and /who follows it.
    facts = root / "empire" / FACTS_FILE
    facts.write_text(EMPIRE_FACTS.replace('review = "draft"', 'review = "reviewed"'),
                     encoding="utf-8")
    await empty_store.load(root)
    assert [p.fact_id for p in (await queries.positions(empty_store, actor="The Empire")).items] \
        == ["alpha/p1"]
    alpha = await queries.who(empty_store, "Minister Alpha")
    assert alpha.affiliation_chain == ("Ruritania", "The Empire")
