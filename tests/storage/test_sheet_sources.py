"""What an article's title is (``[article] title_source``) and what a question is about
(``[[questions]] about``): validated vocabularies, stored, and read back by the answers."""

from __future__ import annotations

from pathlib import Path

from storage import queries
from storage.model import Sheet
from storage.rows import sheet_rows
from storage.sheets import FACTS_FILE, read_sheet
from storage.store import Store
from tests.storage.test_sheets import MINI_FACTS, write_sheet

QUESTION = """
[[questions]]
id = "oq1"
question = "Is the bridge safe?"
status = "open"
evidence = "Engineer Bob Jones disagreed."
"""


def _problems(folder: Path) -> list[str]:
    result = read_sheet(folder)
    assert not isinstance(result, Sheet), "the sheet was accepted"
    return [f"{p.path}: {p.message}" for p in result]


def test_without_the_fields_a_title_is_a_headline_and_a_question_news(tmp_path: Path) -> None:
    sheet = read_sheet(write_sheet(tmp_path / "bridge", MINI_FACTS + QUESTION))
    assert isinstance(sheet, Sheet)
    assert sheet.article.title_source == "headline"
    assert [q.about for q in sheet.questions] == ["news"]
    # Defaults stay out of the stored payloads, as before the fields existed: upgrading does
    # not make every stored article and question read as changed.
    rows = sheet_rows(sheet, "bridge", "2026-01-01T00:00:00")
    assert "title_source" not in rows.payloads[("article", "bridge")]
    assert "about" not in rows.payloads[("question", "bridge/oq1")]


def test_a_first_line_title_must_be_the_articles_first_line(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace('language = "en"', 'language = "en"\ntitle_source = "first-line"')
    problems = _problems(write_sheet(tmp_path / "bridge", facts))
    assert problems == ["article.title: title_source = \"first-line\" says the title is the "
                        "article's first line, but article.txt begins otherwise"]
    first = "Mayor Alice Smith said the new bridge is “perfectly safe” and that it's ready."
    fixed = facts.replace('title = "The bridge"', f'title = "{first}"')
    sheet = read_sheet(write_sheet(tmp_path / "fixed", fixed))
    assert isinstance(sheet, Sheet)
    assert sheet.article.title_source == "first-line"


def test_unknown_values_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace('language = "en"', 'language = "en"\ntitle_source = "firstline"')
    facts += QUESTION.replace('status = "open"', 'status = "open"\nabout = "sources"')
    result = read_sheet(write_sheet(tmp_path / "bridge", facts))
    assert not isinstance(result, Sheet)
    shown = [str(p) for p in result]
    assert any("article.title_source: 'firstline' is not one of headline, first-line" in s
               and "first-line" in s for s in shown), shown
    assert any("questions[1].about: 'sources' is not one of news, source" in s
               for s in shown), shown
    assert (tmp_path / "bridge" / FACTS_FILE).exists()


async def test_the_seed_says_it_has_no_headline_and_which_questions_are_about_it(
        store: Store) -> None:
    answer = await queries.questions(store)
    about = {q.fact_id.split("/")[1]: q.about for q in answer.items}
    assert {k for k, v in about.items() if v == "source"} == {"oq9", "oq10", "oq11"}
    assert answer.articles["kremlin-peacekeepers"].title_source == "first-line"
    source = await queries.source(store, "kremlin-peacekeepers/p1")
    assert source.articles["kremlin-peacekeepers"].title_source == "first-line"
