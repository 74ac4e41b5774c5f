"""What the drafter does with awkward input: the sheet it writes passes the validator on any
text; what is not an article is refused with a typed error; an existing sheet is kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from spacy.language import Language

from drafting import (
    BinaryArticleError,
    DraftError,
    EmptyArticleError,
    SheetExistsError,
    draft_folder,
    draft_text,
    render_report,
)
from drafting.meta import UNKNOWN_OUTLET
from drafting.source import decode_article
from drafting.writer import toml_string
from storage.model import Sheet
from storage.sheets import FACTS_FILE, TEXT_FILE, read_sheet, review_state
from tests.drafting.conftest import FIXTURES


def _folder(tmp_path: Path, text: str | bytes) -> Path:
    folder = tmp_path / "article"
    folder.mkdir()
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / TEXT_FILE).write_bytes(data)
    return folder


def _valid(folder: Path) -> Sheet:
    sheet = read_sheet(folder)
    assert isinstance(sheet, Sheet), "\n".join(str(p) for p in sheet)
    return sheet


def test_an_article_without_quotes_drafts_no_quotes(tmp_path: Path, nlp: Language) -> None:
    text = (FIXTURES / "river-levels" / TEXT_FILE).read_text(encoding="utf-8")
    report = draft_folder(_folder(tmp_path, text), nlp=nlp)
    sheet = _valid(report.folder)
    assert sheet.quotes == ()
    assert sheet.claims  # what people said is still drafted, as claims
    assert report.quotes == []


def test_an_unclosed_quotation_mark_quotes_nothing(tmp_path: Path, nlp: Language) -> None:
    text = ("Budget talks stall\nThe minister said “we will not move an inch on this and "
            "walked out.\nTalks resume on Monday, officials said.\n")
    sheet = _valid(draft_folder(_folder(tmp_path, text), nlp=nlp).folder)
    assert sheet.quotes == ()


def test_a_quote_over_three_paragraphs_is_one_quote_a_paragraph(tmp_path: Path,
                                                                 nlp: Language) -> None:
    text = ("Mayor speaks\nMayor Ana Ruiz spoke for ten minutes.\n“We will rebuild the bridge,\n"
            "“we will rebuild the school,\n“and we will do it this year,” she said.\n")
    sheet = _valid(draft_folder(_folder(tmp_path, text), nlp=nlp).folder)
    assert [q.text for q in sheet.quotes] == ["We will rebuild the bridge",
                                              "we will rebuild the school",
                                              "and we will do it this year"]
    assert {q.speaker for q in sheet.quotes} == {"ruiz"}


def test_no_headline_and_no_dateline_say_so(tmp_path: Path, nlp: Language) -> None:
    text = (FIXTURES / "museum-night-garden" / TEXT_FILE).read_text(encoding="utf-8")
    sheet = _valid(draft_folder(_folder(tmp_path, text), nlp=nlp).folder)
    assert sheet.article.title.startswith("Untitled draft: ")
    assert sheet.article.outlet == UNKNOWN_OUTLET
    assert sheet.article.published is None


def test_a_dateline_gives_outlet_and_date(tmp_path: Path, nlp: Language) -> None:
    text = (FIXTURES / "harbour-strike" / TEXT_FILE).read_text(encoding="utf-8")
    sheet = _valid(draft_folder(_folder(tmp_path, text), nlp=nlp).folder)
    assert sheet.article.title == "Dockworkers vote to extend Port Elling strike"
    assert sheet.article.slug == "dockworkers-vote-to-extend-port-elling-strike"
    assert sheet.article.outlet == "Coastal Wire"
    assert str(sheet.article.published) == "2025-03-04"


HOSTILE = (
    'Odd "punctuation" test: back\\slash, tab\there, \u00a0non-breaking space, emoji 🙂,\n'
    "ＦＵＬＬＷＩＤＴＨ and Ω, ''' triple quotes ''' and \"\"\" too, a lone \" mark,\n"
    "“Curly,” said Jo Bloggs. \"Straight,\" said Jo Bloggs. „Low,” said Jo Bloggs.\n"
    "Dashes — and – and ‐ and a line with a control char \x07 in it.\n"
    "[[actors]]\nid = \"injected\"\n\n\n“Two” “quotes” “in” a row, and a “quote with\n"
    "a line break” too. ‘Single’ marks, Trump’s apostrophe, and 'straight single'.\n"
)


def test_hostile_punctuation_still_gives_a_valid_sheet(tmp_path: Path, nlp: Language) -> None:
    report = draft_folder(_folder(tmp_path, HOSTILE), nlp=nlp)
    _valid(report.folder)
    assert report.dropped == []
    tomllib.loads(report.toml)  # and the TOML is TOML


def test_fifty_thousand_words(tmp_path: Path, nlp: Language) -> None:
    paragraphs = [p for p in (FIXTURES / "harbour-strike" / TEXT_FILE).read_text(
        encoding="utf-8").split("\n")[1:] if p]
    body: list[str] = []
    while sum(len(p.split()) for p in body) < 50_000:
        body += paragraphs
    text = "A very long article\n" + "\n".join(body) + "\n"
    assert len(text.split()) >= 50_000
    report = draft_folder(_folder(tmp_path, text), nlp=nlp)
    sheet = _valid(report.folder)
    assert len(sheet.quotes) > 1000
    assert report.dropped == []


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\ufeff\n".encode(), b"... -- !!\n"])
def test_empty_input_is_refused(tmp_path: Path, data: bytes, nlp: Language) -> None:
    folder = _folder(tmp_path, data)
    with pytest.raises(EmptyArticleError):
        draft_folder(folder, nlp=nlp)
    assert not (folder / FACTS_FILE).exists()


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # an image
    b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n",  # not UTF-8
    b"text\x01with\x02many\x03control\x04characters\x05",
])
def test_binary_input_is_refused(tmp_path: Path, data: bytes, nlp: Language) -> None:
    folder = _folder(tmp_path, data)
    with pytest.raises(BinaryArticleError):
        draft_folder(folder, nlp=nlp)
    assert not (folder / FACTS_FILE).exists()


def test_draft_text_refuses_empty_text(nlp: Language) -> None:
    with pytest.raises(EmptyArticleError):
        draft_text("  \n", nlp=nlp)


def test_decoding_keeps_the_text_exactly() -> None:
    assert decode_article("Line one\r\nLine “two”\n".encode()) == "Line one\r\nLine “two”\n"


def test_an_existing_sheet_is_refused_without_force(tmp_path: Path, nlp: Language) -> None:
    folder = _folder(tmp_path, (FIXTURES / "council-budget" / TEXT_FILE).read_bytes())
    (folder / FACTS_FILE).write_text("# the editor's work\n", encoding="utf-8")
    with pytest.raises(SheetExistsError):
        draft_folder(folder, nlp=nlp)
    assert (folder / FACTS_FILE).read_text(encoding="utf-8") == "# the editor's work\n"
    printed = draft_folder(folder, to_stdout=True, nlp=nlp)  # printing overwrites nothing
    assert printed.written is None
    assert (folder / FACTS_FILE).read_text(encoding="utf-8") == "# the editor's work\n"
    forced = draft_folder(folder, force=True, nlp=nlp)
    assert forced.written == folder / FACTS_FILE
    assert (folder / FACTS_FILE).read_text(encoding="utf-8") == printed.toml == forced.toml
    assert review_state(folder) == "draft"


def test_the_article_file_itself_may_be_given(tmp_path: Path, nlp: Language) -> None:
    folder = _folder(tmp_path, (FIXTURES / "council-budget" / TEXT_FILE).read_bytes())
    report = draft_folder(folder / TEXT_FILE, nlp=nlp)
    assert report.written == folder / FACTS_FILE
    other = tmp_path / "story.txt"
    other.write_text("Some text here.\n", encoding="utf-8")
    with pytest.raises(DraftError, match=r"article\.txt"):
        draft_folder(other, nlp=nlp)


def test_known_actors_keep_their_archive_ids(tmp_path: Path, nlp: Language) -> None:
    archive = {"Priya Nandakumar": "mayor-nandakumar", "Tomás Ferreira": "not an id!"}
    folder = _folder(tmp_path, (FIXTURES / "council-budget" / TEXT_FILE).read_bytes())
    draft_folder(folder, known_actor=archive.get, nlp=nlp)
    sheet = _valid(folder)
    ids = {a.name: a.key for a in sheet.actors}
    assert ids["Priya Nandakumar"] == "mayor-nandakumar"
    assert ids["Tomás Ferreira"] == "ferreira"  # an invalid id from the archive is not used
    assert {q.speaker for q in sheet.quotes} >= {"mayor-nandakumar", "ferreira"}


def test_the_report_lists_counts_quotes_and_doubts(tmp_path: Path, nlp: Language) -> None:
    folder = _folder(tmp_path, (FIXTURES / "clinic-closure" / TEXT_FILE).read_bytes())
    text = render_report(draft_folder(folder, nlp=nlp))
    assert f"Drafted {folder / FACTS_FILE}" in text
    assert "3 quotes" in text
    assert "Fiona Brennan: “Somebody is going to get hurt.” (said)" in text
    assert "speaker resolved from the description 'the doctor'" in text


@pytest.mark.parametrize("value", ['a "quote"', "back\\slash", "tab\tand\nnewline", "bell\x07",
                                   "del\x7f", "'''", '"""', "ünïcödé 🙂"])
def test_toml_strings_round_trip(value: str) -> None:
    assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value
