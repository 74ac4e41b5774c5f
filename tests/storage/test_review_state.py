"""Sheet-level review state (``[article] review``), per-entry ``unsure`` notes, and how the
validator pairs quotation marks (paragraph by paragraph, quotes that run over paragraphs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import schema
from storage.model import REVIEW_STATES, Sheet
from storage.sheets import (
    FACTS_FILE,
    quote_spans,
    quoted_passages,
    read_sheet,
    review_state,
)
from tests.storage.test_sheets import MINI_ARTICLE, MINI_FACTS, write_sheet


def _read(folder: Path) -> Sheet | list[str]:
    result = read_sheet(folder)
    return result if isinstance(result, Sheet) else [str(p) for p in result]


def _problems(folder: Path) -> list[str]:
    result = _read(folder)
    assert not isinstance(result, Sheet), "the sheet was accepted"
    return result


def test_a_sheet_without_review_is_reviewed_and_unchanged(tmp_path: Path) -> None:
    folder = write_sheet(tmp_path / "bridge")
    assert isinstance(_read(folder), Sheet)
    assert review_state(folder) == "reviewed"


def test_the_bundled_seed_is_reviewed(seed_folder: Path) -> None:
    assert review_state(seed_folder) == "reviewed"


@pytest.mark.parametrize("state", REVIEW_STATES)
def test_review_states_are_accepted(tmp_path: Path, state: str) -> None:
    facts = MINI_FACTS.replace('language = "en"', f'language = "en"\nreview = "{state}"')
    folder = write_sheet(tmp_path / "bridge", facts)
    assert isinstance(_read(folder), Sheet)
    assert review_state(folder) == state


def test_an_unknown_review_state_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace('language = "en"', 'language = "en"\nreview = "drafted"')
    problems = _read(write_sheet(tmp_path / "bridge", facts))
    assert problems == [f"{tmp_path / 'bridge' / FACTS_FILE}:7: article.review: 'drafted' is not one "
                        "of draft, reviewed; did you mean 'draft'?"]


def test_an_unreadable_sheet_counts_as_a_draft(tmp_path: Path) -> None:
    folder = write_sheet(tmp_path / "bridge", "[article\n")
    assert review_state(folder) == "draft"
    assert review_state(tmp_path / "missing") == "draft"


def test_every_entry_may_say_what_was_unsure(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace('evidence = "Mayor Alice Smith"\n',
                               'evidence = "Mayor Alice Smith"\nunsure = "role guessed"\n')
    facts += 'unsure = "speaker from a pronoun"\n'
    assert isinstance(_read(write_sheet(tmp_path / "bridge", facts)), Sheet)
    assert all(schema.UNSURE in fields for fields in schema.TABLES.values())


def test_an_empty_unsure_note_is_refused(tmp_path: Path) -> None:
    problems = _problems(write_sheet(tmp_path / "bridge", MINI_FACTS + 'unsure = "  "\n'))
    assert len(problems) == 1
    assert "quotes[1].unsure: must not be empty" in problems[0]


@pytest.mark.parametrize(("text", "passages"), [
    ("He said “one two,” then \"three four\".", ["one two,", "three four"]),
    # A stray closing mark and an unclosed opening one quote nothing.
    ("A stray ” mark. An “unclosed quote\nNext paragraph.", []),
    # One bad paragraph does not flip the pairs of the next.
    ("Odd \" mark here.\nShe said \"fine\" and left.", ["fine"]),
    # A quote over three paragraphs: each paragraph is a passage; the last one closes.
    ("“First part,\n“second part,\n“third part,” he said.", ["First part,", "second part,",
                                                             "third part,"]),
    # Blank lines separate paragraphs; single line breaks then are wrapping.
    ("She said “one\ntwo” there.\n\nNext.", ["one two"]),
])
def test_quoted_passages(text: str, passages: list[str]) -> None:
    assert quoted_passages(text) == passages
    assert all(0 <= a < b <= len(text) for a, b in quote_spans(text))


def test_each_paragraph_of_a_multi_paragraph_quote_is_a_valid_quote(tmp_path: Path) -> None:
    article = ("Mayor Alice Smith said:\n“The bridge is safe,\n“and it is ready,” she added.\n"
               "Engineer Bob Jones said “it is not.”\n")
    facts = MINI_FACTS.replace(
        "Mayor Alice Smith said the new bridge is “perfectly safe”", "“and it is ready,” she added",
    ).replace("perfectly safe", "and it is ready")
    facts += ('\n[[quotes]]\nid = "q2"\nspeaker = "alice"\ntext = "The bridge is safe"\n'
              'cue = "said"\nevidence = "“The bridge is safe,"\n'
              '\n[[quotes]]\nid = "q3"\nspeaker = "alice"\ntext = "it is not"\n'
              'cue = "said"\nevidence = "Engineer Bob Jones said “it is not.”"\n')
    assert isinstance(_read(write_sheet(tmp_path / "bridge", facts, article)), Sheet)


def test_words_between_two_quotes_are_not_quoted(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace('text = "perfectly safe"', 'text = "and that"')
    article = MINI_ARTICLE.replace("“perfectly safe” and that", "“perfectly safe” and that “x”")
    problems = _problems(write_sheet(tmp_path / "bridge", facts, article))
    assert any("not inside quotation marks" in p for p in problems)


def _quote_spans_char_by_char(text: str) -> list[tuple[int, int]]:
    """quote_spans as first written, looking at every character: the reference the faster
    one (which visits only the marks) must equal."""
    import re

    opening, closing, either = "“„‟", "”", '"″'
    blank = re.compile(r"\n[^\S\n]*\n")
    breaks = blank if blank.search(text) else re.compile(r"\n")
    paragraphs, start = [], 0
    for m in breaks.finditer(text):
        paragraphs.append((start, m.start()))
        start = m.end()
    paragraphs.append((start, len(text)))
    spans = []
    for number, (begin, end) in enumerate(paragraphs):
        opened = None
        for i in range(begin, end):
            ch = text[i]
            if ch in opening or (ch in either and opened is None):
                opened = i + 1
            elif (ch in closing or ch in either) and opened is not None:
                if i > opened:
                    spans.append((opened, i))
                opened = None
        if opened is not None and number + 1 < len(paragraphs):
            following = text[paragraphs[number + 1][0]:paragraphs[number + 1][1]].lstrip()
            if following[:1] in (opening + either) and text[opened:end].strip():
                spans.append((opened, end))
    return spans


def test_quote_spans_equals_the_character_by_character_reading() -> None:
    import random

    pieces = ["a", "b", " ", "\n", "\n\n", "\n  \n", "“", "”", "„", "‟", '"', "″", "x y", "."]
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert quote_spans(text) == _quote_spans_char_by_char(text), repr(text)
