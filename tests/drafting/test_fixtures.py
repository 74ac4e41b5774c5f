"""Each fixture article (tests/drafting/fixtures: articles written for these tests, with a gold
file) drafts to a sheet that passes the validator and matches its gold within a tolerance.

Tolerance, per article: every gold quote found and no quote drafted that the gold says is not
one (titles, scare quotes); at least 80 % of the found quotes with the right speaker; at least
75 % of the gold actors drafted; at least 60 % of the gold indirect claims found, at least 80 %
of those with the right claimant. The evaluation (make eval) reports the exact figures.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from benchmarks.draft_scoring import Gold, Item, same_entity, score
from drafting import draft_folder
from storage.model import Sheet
from storage.sheets import FACTS_FILE, TEXT_FILE, read_sheet, review_state
from storage.text import locate
from tests.drafting.conftest import FIXTURES

NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "gold.toml").exists())


def _span(text: str, excerpt: str) -> tuple[int, int]:
    """Where an excerpt stands in the article, under the validator's verbatim rule."""
    span = locate(excerpt, text)
    assert span is not None, f"not in the article: {excerpt!r}"
    return span


def _drafted(tmp_path: Path, name: str, nlp: Language) -> tuple[str, dict[str, Any], Any]:
    folder = tmp_path / name
    folder.mkdir()
    text = (FIXTURES / name / TEXT_FILE).read_text(encoding="utf-8")
    (folder / TEXT_FILE).write_text(text, encoding="utf-8")
    report = draft_folder(folder, nlp=nlp)
    gold = tomllib.loads((FIXTURES / name / "gold.toml").read_text(encoding="utf-8"))
    return text, gold, report


def test_there_are_four_to_six_fixtures() -> None:
    assert 4 <= len(NAMES) <= 6


@pytest.mark.parametrize("name", NAMES)
def test_fixture_drafts_a_valid_draft_sheet(tmp_path: Path, name: str, nlp: Language) -> None:
    _, _, report = _drafted(tmp_path, name, nlp)
    assert report.written == tmp_path / name / FACTS_FILE
    sheet = read_sheet(tmp_path / name)
    assert isinstance(sheet, Sheet), "\n".join(str(p) for p in sheet)
    assert review_state(tmp_path / name) == "draft"
    assert report.dropped == []  # the validator refused nothing the drafter wrote
    assert len(sheet.quotes) == report.counts["quotes"]


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_its_gold(tmp_path: Path, name: str, nlp: Language) -> None:
    text, gold, _ = _drafted(tmp_path, name, nlp)
    sheet = read_sheet(tmp_path / name)
    assert isinstance(sheet, Sheet)
    names = {a.key: (a.name, *a.aliases) for a in sheet.actors}

    def spans_of(quote_text: str) -> tuple[int, int]:
        # The sheet keeps a quote's words, not where they are: find them inside the article.
        return _span(text, quote_text)

    quotes = [Item(spans_of(q.text), names[q.speaker]) for q in sheet.quotes]
    quote_gold = [Gold(_span(text, q["text"]), q["speaker"]) for q in gold.get("quotes", [])]
    tally = score(quotes, quote_gold, text)
    assert tally.found == tally.gold, tally.errors
    assert tally.speaker_right >= 0.8 * tally.named_found, tally.errors
    for wrong in gold.get("not_quotes", []):
        assert not any(wrong["text"] in q.text or q.text in wrong["text"] for q in sheet.quotes)

    found_actors = [g for g in gold.get("actors", [])
                    if any(same_entity(n, g["name"]) for n in names.values())]
    assert len(found_actors) >= 0.75 * len(gold.get("actors", []))

    claims = [Item(_span(text, c.evidence[0]), names[c.claimant]) for c in sheet.claims]
    claim_gold = [Gold(_span(text, c["text"]), c["claimant"]) for c in gold.get("claims", [])]
    ctally = score(claims, claim_gold, text)
    assert ctally.found >= 0.6 * ctally.gold, ctally.errors
    assert ctally.speaker_right >= 0.8 * ctally.named_found, ctally.errors
