"""Validation of fact sheets: every rule of ``read_sheet`` / ``read_sheets`` and its message.

Most tests edit a private copy of the bundled seed sheet (``seed_folder``) by replacing text in
its facts.toml; a few write a minimal sheet of their own. Line numbers are looked up in the
edited file rather than hard-coded, so they always name the line that holds the offending key.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from storage.model import ACTOR_KINDS, CLAIM_STATUSES, QUESTION_STATUSES, RESPONSES, STANCES, Sheet
from storage.sheets import (
    FACTS_FILE,
    TEXT_FILE,
    Problem,
    SheetError,
    read_sheet,
    read_sheets,
)
from storage.text import normalise_verbatim

SLUG = "kremlin-peacekeepers"
SHOWN = f"{SLUG}/{FACTS_FILE}"  # how facts.toml is named when read with display_root=seeds

Q1_TEXT = "If we do this deal, he’s not looking for more war"


# --- helpers ---------------------------------------------------------------------------------


def edit(folder: Path, old: str, new: str) -> None:
    """Replace the first occurrence of ``old`` in the folder's facts.toml (which must hold it)."""
    facts = folder / FACTS_FILE
    text = facts.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} is not in {facts}"
    facts.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, toml: str) -> None:
    facts = folder / FACTS_FILE
    facts.write_text(facts.read_text(encoding="utf-8") + "\n" + toml, encoding="utf-8")


def drop_line(folder: Path, prefix: str, occurrence: int = 1) -> None:
    """Delete the ``occurrence``-th line of facts.toml that starts with ``prefix``."""
    facts = folder / FACTS_FILE
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    assert len(hits) >= occurrence, f"test setup: no line {occurrence} starting with {prefix!r}"
    del lines[hits[occurrence - 1]]
    facts.write_text("".join(lines), encoding="utf-8")


def line_of(folder: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of facts.toml holding the ``occurrence``-th line that contains ``needle``."""
    hits = [n for n, line in enumerate((folder / FACTS_FILE).read_text(encoding="utf-8").splitlines(), 1)
            if needle in line]
    assert len(hits) >= occurrence, f"test setup: {needle!r} is not in facts.toml {occurrence} time(s)"
    return hits[occurrence - 1]


def problems_of(folder: Path) -> list[Problem]:
    """The problems of a sheet that must be refused, read with its parent as display root."""
    result = read_sheet(folder, folder.parent)
    assert isinstance(result, list), "the sheet was accepted but should have been refused"
    assert result, "a refused sheet must report at least one problem"
    return result


def only_problem(folder: Path) -> Problem:
    problems = problems_of(folder)
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return problems[0]


def problem_at(folder: Path, path: str) -> Problem:
    """The single problem reported for field ``path``."""
    problems = problems_of(folder)
    matching = [p for p in problems if p.path == path]
    assert len(matching) == 1, f"no single problem at {path!r}:\n" + "\n".join(str(p) for p in problems)
    return matching[0]


def valid(folder: Path) -> Sheet:
    result = read_sheet(folder, folder.parent)
    assert isinstance(result, Sheet), "\n".join(str(p) for p in result)
    return result


MINI_ARTICLE = (
    "Mayor Alice Smith said the new bridge is “perfectly safe” and that it's ready.\n"
    "Engineer Bob Jones disagreed.\n"
)

MINI_FACTS = """\
[article]
slug = "bridge"
title = "The bridge"
outlet = "Gazette"
published = 2025-02-25
language = "en"

[[actors]]
id = "alice"
name = "Alice Smith"
kind = "person"
evidence = "Mayor Alice Smith"

[[topics]]
id = "bridge"
name = "The new bridge"

[[quotes]]
id = "q1"
speaker = "alice"
text = "perfectly safe"
cue = "said"
evidence = "Mayor Alice Smith said the new bridge is “perfectly safe”"
"""


def write_sheet(folder: Path, facts: str = MINI_FACTS, article: str = MINI_ARTICLE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FACTS_FILE).write_text(facts, encoding="utf-8")
    (folder / TEXT_FILE).write_text(article, encoding="utf-8")
    return folder


def whole_words_in(passage: str, text: str) -> bool:
    """``passage`` stands in ``text`` (verbatim rule) starting and ending on word boundaries."""
    needle = normalise_verbatim(passage)
    pattern = re.escape(needle)
    if re.match(r"\w", needle):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", needle):
        pattern += r"(?!\w)"
    return re.search(pattern, normalise_verbatim(text)) is not None


# --- Problem formatting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (Problem("s/facts.toml", 12, "quotes[1].cuee", "unknown field 'cuee'", "cue"),
         "s/facts.toml:12: quotes[1].cuee: unknown field 'cuee'; did you mean 'cue'?"),
        (Problem("s/facts.toml", 12, "quotes[1]", "missing required field 'cue'"),
         "s/facts.toml:12: quotes[1]: missing required field 'cue'"),
        (Problem("s/facts.toml", 3, "", "not valid TOML: Invalid value"),
         "s/facts.toml:3: not valid TOML: Invalid value"),
        (Problem("s/article.txt", None, "", "file is missing"), "s/article.txt: file is missing"),
        (Problem("s/facts.toml", None, "article.slug", "taken"), "s/facts.toml: article.slug: taken"),
    ],
)
def test_problem_str_format(problem: Problem, expected: str) -> None:
    assert str(problem) == expected


# --- valid sheets ----------------------------------------------------------------------------


def test_bundled_seed_sheet_is_valid(seed_folder: Path) -> None:
    sheet = valid(seed_folder)
    assert sheet.article.slug == SLUG
    assert sheet.article.language == "en"
    assert sheet.article.published is None  # "undated"
    assert sheet.article.url is None
    assert len(sheet.quotes) == 2
    assert [q.speaker for q in sheet.quotes] == ["trump", "lavrov"]
    assert sheet.quotes[0].text == Q1_TEXT
    assert sum(q.status == "open" for q in sheet.questions) >= 5
    assert any(c.status == "disputed" for c in sheet.claims)
    c1 = next(c for c in sheet.claims if c.id == "c1")
    assert c1.status == "disputed"
    assert [(r.id, r.actor) for r in c1.responses] == [
        ("r1", "kremlin"), ("r2", "peskov"), ("r3", "lavrov")]
    # Nobody in the article answers c2 (the editor's review: Putin's "no detailed talks" does
    # not contradict it), so it is unverified, not disputed.
    c2 = next(c for c in sheet.claims if c.id == "c2")
    assert (c2.status, c2.responses) == ("unverified", ())
    assert {a.key for a in sheet.actors} >= {"russia", "kremlin", "peskov", "lavrov", "trump"}
    assert next(a for a in sheet.actors if a.key == "peskov").affiliation == "kremlin"
    assert sheet.text == (seed_folder / TEXT_FILE).read_text(encoding="utf-8")
    assert re.fullmatch(r"[0-9a-f]{64}", sheet.content_hash)


def test_read_sheets_over_the_seeds_folder(seeds: Path) -> None:
    sheets = read_sheets(seeds)
    assert [s.article.slug for s in sheets] == [SLUG]


def test_read_sheets_accepts_an_article_folder_or_its_facts_file(seed_folder: Path) -> None:
    assert [s.article.slug for s in read_sheets(seed_folder)] == [SLUG]
    assert [s.article.slug for s in read_sheets(seed_folder / FACTS_FILE)] == [SLUG]


def test_minimal_sheet_is_valid(tmp_path: Path) -> None:
    sheet = valid(write_sheet(tmp_path / "bridge"))
    assert sheet.article.published == date(2025, 2, 25)
    assert [q.text for q in sheet.quotes] == ["perfectly safe"]
    assert (sheet.positions, sheet.claims, sheet.timeline) == ((), (), ())


# --- files -----------------------------------------------------------------------------------


def test_toml_syntax_error_is_one_problem_with_its_line(seed_folder: Path) -> None:
    edit(seed_folder, 'cue = "claimed"', "cue = claimed")
    problem = only_problem(seed_folder)
    assert problem.file == SHOWN
    assert problem.line == line_of(seed_folder, "cue = claimed")
    assert problem.path == ""
    assert problem.message.startswith("not valid TOML: ")
    assert "(at line" not in problem.message  # the position is in .line, not repeated
    assert str(problem) == f"{SHOWN}:{problem.line}: {problem.message}"


def test_duplicate_toml_key_is_a_syntax_error(seed_folder: Path) -> None:
    edit(seed_folder, 'cue = "according to"', 'cue = "according to"\ncue = "told"')
    problem = only_problem(seed_folder)
    assert problem.line == line_of(seed_folder, 'cue = "told"')
    assert problem.message.startswith("not valid TOML: ")


def test_missing_facts_file(seed_folder: Path) -> None:
    (seed_folder / FACTS_FILE).unlink()
    problem = only_problem(seed_folder)
    assert problem == Problem(SHOWN, None, "", "file is missing")
    assert str(problem) == f"{SHOWN}: file is missing"


def test_missing_article_file(seed_folder: Path) -> None:
    (seed_folder / TEXT_FILE).unlink()
    assert only_problem(seed_folder) == Problem(f"{SLUG}/{TEXT_FILE}", None, "", "file is missing")


def test_both_files_missing_reports_both(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert problems_of(tmp_path / "empty") == [
        Problem(f"empty/{FACTS_FILE}", None, "", "file is missing"),
        Problem(f"empty/{TEXT_FILE}", None, "", "file is missing"),
    ]


def test_without_display_root_files_are_named_in_full(seed_folder: Path) -> None:
    (seed_folder / TEXT_FILE).unlink()
    result = read_sheet(seed_folder)
    assert result == [Problem(str(seed_folder / TEXT_FILE), None, "", "file is missing")]


@pytest.mark.parametrize("text", ["", "  \n\n\t "])
def test_empty_article(seed_folder: Path, text: str) -> None:
    (seed_folder / TEXT_FILE).write_text(text, encoding="utf-8")
    problem = only_problem(seed_folder)
    assert problem == Problem(f"{SLUG}/{TEXT_FILE}", None, "", "the article text is empty")


@pytest.mark.parametrize("name", [FACTS_FILE, TEXT_FILE])
def test_non_utf8_file(seed_folder: Path, name: str) -> None:
    target = seed_folder / name
    target.write_bytes(b"abc" + "caf\xe9".encode("latin-1") + target.read_bytes())
    problem = only_problem(seed_folder)
    assert problem.file == f"{SLUG}/{name}"
    assert problem.line is None
    assert problem.message == "not UTF-8 text (byte 6)"


# --- unknown sections and fields -------------------------------------------------------------


def test_unknown_table_section_with_suggestion(seed_folder: Path) -> None:
    edit(seed_folder, "[article]", "[artcle]")
    problems = problems_of(seed_folder)
    unknown = problem_at(seed_folder, "artcle")
    assert unknown.message == "unknown section 'artcle'"
    assert unknown.suggestion == "article"
    assert unknown.line == line_of(seed_folder, "[artcle]")
    assert str(unknown) == (f"{SHOWN}:{unknown.line}: artcle: unknown section 'artcle'; "
                            "did you mean 'article'?")
    assert Problem(SHOWN, None, "article", "missing the [article] section") in problems


def test_unknown_array_section_with_suggestion_and_line(seed_folder: Path) -> None:
    # A typo in an [[array]] header must point at that header, like a typo in a [table] does.
    edit(seed_folder, "[[quotes]]", "[[quote]]")
    unknown = problem_at(seed_folder, "quote")
    assert unknown.message == "unknown section 'quote'"
    assert unknown.suggestion == "quotes"
    assert unknown.line == line_of(seed_folder, "[[quote]]")


@pytest.mark.parametrize(
    ("old", "new", "path", "suggestion"),
    [
        ('cue = "claimed"', 'cuee = "claimed"', "quotes[1].cuee", "cue"),
        ('speaker = "lavrov"', 'speakr = "lavrov"', "quotes[2].speakr", "speaker"),
        ('outlet = "Unattributed', 'outlt = "Unattributed', "article.outlt", "outlet"),
        ('summary = "Strongly rejected', 'sumary = "Strongly rejected', "claims[1].responses[1].sumary",
         "summary"),
    ],
)
def test_unknown_field_of_a_required_key(seed_folder: Path, old: str, new: str, path: str,
                                         suggestion: str) -> None:
    edit(seed_folder, old, new)
    typo = new.split(" ")[0]
    problem = problem_at(seed_folder, path)
    assert problem.message == f"unknown field {typo!r}"
    assert problem.suggestion == suggestion
    assert problem.line == line_of(seed_folder, new)
    assert str(problem) == (f"{SHOWN}:{problem.line}: {path}: unknown field {typo!r}; "
                            f"did you mean {suggestion!r}?")


@pytest.mark.parametrize(
    ("old", "new", "path", "suggestion"),
    [
        ("context = \"Arguing", "contxt = \"Arguing", "quotes[1].contxt", "context"),
        ('role = "Kremlin spokesperson"', 'rol = "Kremlin spokesperson"', "actors[3].rol", "role"),
        ('affiliation = "kremlin"', 'afiliation = "kremlin"', "actors[3].afiliation", "affiliation"),
        ('via = "tass"\nevidence = [\n  "stating', 'vai = "tass"\nevidence = [\n  "stating',
         "positions[2].vai", "via"),
    ],
)
def test_typo_in_an_optional_field_is_never_silently_dropped(seed_folder: Path, old: str, new: str,
                                                             path: str, suggestion: str) -> None:
    edit(seed_folder, old, new)
    problem = only_problem(seed_folder)  # nothing else is wrong, yet the sheet is refused
    assert problem.path == path
    assert problem.suggestion == suggestion
    assert problem.line == line_of(seed_folder, new.split("\n")[0])


def test_typo_in_nested_array_header(seed_folder: Path) -> None:
    edit(seed_folder, "[[claims.responses]]", "[[claims.response]]")
    problem = problem_at(seed_folder, "claims[1].response")
    assert problem.message == "unknown field 'response'"
    assert problem.suggestion == "responses"
    assert problem.line == line_of(seed_folder, "[[claims.response]]")


# --- required fields and value types ---------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "occurrence", "header", "header_occurrence", "path"),
    [
        ("cue = ", 1, "[[quotes]]", 1, "quotes[1]"),
        ("title = ", 1, "[article]", 1, "article"),
        ('kind = "person"', 2, "[[actors]]", 4, "actors[4]"),
        ('summary = "Strongly rejected', 1, "[[claims.responses]]", 1, "claims[1].responses[1]"),
        ('status = "unverified"', 2, "[[claims]]", 3, "claims[3]"),
        ("evidence = ", 1, "[[actors]]", 1, "actors[1]"),
    ],
)
def test_missing_required_field(seed_folder: Path, prefix: str, occurrence: int, header: str,
                                header_occurrence: int, path: str) -> None:
    field = prefix.split(" ")[0]
    drop_line(seed_folder, prefix, occurrence)
    problem = only_problem(seed_folder)
    assert problem.path == path
    assert problem.message == f"missing required field {field!r}"
    assert problem.suggestion is None
    assert problem.line == line_of(seed_folder, header, header_occurrence)
    assert str(problem) == f"{SHOWN}:{problem.line}: {path}: missing required field {field!r}"


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ('name = "Russia"', "name = 5", "actors[1].name", "must be text, not a number"),
        ('name = "Russia"', "name = 5.5", "actors[1].name", "must be text, not a number"),
        ('kind = "country"', "kind = true", "actors[1].kind", "must be text, not true/false"),
        ('cue = "according to"', 'cue = ["said"]', "quotes[2].cue", "must be text, not a list"),
        ('cue = "according to"', "cue = 2025-02-25", "quotes[2].cue",
         "must be text, not a date"),
        ('title = "Russia had some', 'title = {a = 1}\nx = "', "article.title", "must be text, not a table"),
        ('aliases = ["Russian Federation", "Moscow"]', 'aliases = "Moscow"', "actors[1].aliases",
         "must be a list, not text"),
        ('actors = ["trump", "putin"]', 'actors = "trump"', "questions[1].actors",
         "must be a list, not text"),
        ('aliases = ["Russian Federation", "Moscow"]', 'aliases = ["Russian Federation", 7]',
         "actors[1].aliases[2]", "must be text, not a number"),
        ('actors = ["trump", "putin"]', 'actors = ["trump", 3]', "questions[1].actors[2]",
         "must be text, not a number"),
        ('evidence = "Russian President Vladimir Putin"', "evidence = 3", "actors[5].evidence",
         "must be an excerpt of the article, or a list of excerpts"),
        ('evidence = "Russian President Vladimir Putin"', "evidence = []", "actors[5].evidence",
         "must be an excerpt of the article, or a list of excerpts"),
        ('evidence = "Russian President Vladimir Putin"', 'evidence = ["Russian President", 3]',
         "actors[5].evidence[2]", "must be text, not a number"),
    ],
)
def test_wrong_type(seed_folder: Path, old: str, new: str, path: str, message: str) -> None:
    edit(seed_folder, old, new)
    problem = only_problem(seed_folder) if "\nx = " not in new else problem_at(seed_folder, path)
    assert problem.path == path
    assert problem.message == message
    assert problem.line == line_of(seed_folder, new.split("\n")[0])


def test_section_that_is_not_a_list(tmp_path: Path) -> None:
    folder = write_sheet(tmp_path / "bridge", MINI_FACTS.replace("[[topics]]", "[topics]"))
    problem = only_problem(folder)
    assert problem.path == "topics"
    assert problem.message == "must be a list of [[topics]] entries"
    assert problem.line == line_of(folder, "[topics]")


def test_entry_that_is_not_a_table(tmp_path: Path) -> None:
    topics = '[[topics]]\nid = "bridge"\nname = "The new bridge"\n'
    facts = 'topics = ["bridge"]\n\n' + MINI_FACTS.replace(topics, "")
    folder = write_sheet(tmp_path / "bridge", facts)
    problem = only_problem(folder)
    assert problem.path == "topics[1]"
    assert problem.message == "must be a table, not text"


def test_claim_responses_of_the_wrong_type(seed_folder: Path) -> None:
    edit(seed_folder, 'status = "unverified"\ntopic = "trump-deal"',
         'status = "unverified"\nresponses = "none"\ntopic = "trump-deal"')
    problem = only_problem(seed_folder)
    assert problem.path == "claims[3].responses"
    assert problem.message == "must be a list of [[claims.responses]] entries"
    assert problem.line == line_of(seed_folder, 'responses = "none"')


@pytest.mark.parametrize("value", ["0", "false", '""'])
def test_falsy_claim_responses_are_not_silently_accepted(seed_folder: Path, value: str) -> None:
    edit(seed_folder, 'status = "unverified"\ntopic = "trump-deal"',
         f"status = \"unverified\"\nresponses = {value}\ntopic = \"trump-deal\"")
    problem = only_problem(seed_folder)
    assert problem.path == "claims[3].responses"
    assert problem.message == "must be a list of [[claims.responses]] entries"


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('role = "Kremlin spokesperson"', 'role = ""', "actors[3].role"),
        ('role = "Kremlin spokesperson"', 'role = "  \\t "', "actors[3].role"),
        ('cue = "according to"', 'cue = ""', "quotes[2].cue"),
        ('aliases = ["Russian Federation", "Moscow"]', 'aliases = ["Russian Federation", " "]',
         "actors[1].aliases[2]"),
        ('evidence = "Russian President Vladimir Putin"', 'evidence = ["Russian President", ""]',
         "actors[5].evidence[2]"),
    ],
)
def test_empty_string(seed_folder: Path, old: str, new: str, path: str) -> None:
    edit(seed_folder, old, new)
    problem = only_problem(seed_folder)
    assert problem.path == path
    assert problem.message == "must not be empty"
    assert problem.line == line_of(seed_folder, new)


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('role = "Kremlin spokesperson"', 'role = "Kremlin\\u0000spokesperson"', "actors[3].role"),
        ('aliases = ["Russian Federation", "Moscow"]', 'aliases = ["Russian Federation", "Mos\\u0000cow"]',
         "actors[1].aliases[2]"),
    ],
)
def test_nul_character(seed_folder: Path, old: str, new: str, path: str) -> None:
    edit(seed_folder, old, new)
    problem = only_problem(seed_folder)
    assert problem.path == path
    assert problem.message == "must not contain a NUL character"
    assert problem.line == line_of(seed_folder, new)


# --- vocabularies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "bad", "vocab", "suggestion"),
    [
        ('stance = "conditional"', 'stance = "conditionl"', "positions[8].stance",
         "conditionl", STANCES, "conditional"),
        ('kind = "organisation"', 'kind = "organization"', "actors[2].kind", "organization", ACTOR_KINDS,
         "organisation"),
        ('status = "disputed"', 'status = "dispute"', "claims[1].status", "dispute", CLAIM_STATUSES,
         "disputed"),
        ('response = "contradicts"', 'response = "contradict"', "claims[1].responses[3].response",
         "contradict", RESPONSES, "contradicts"),
        ('status = "open"', 'status = "answerd"', "questions[1].status", "answerd", QUESTION_STATUSES,
         "answered"),
    ],
)
def test_vocabulary_error_with_suggestion(seed_folder: Path, old: str, new: str, path: str, bad: str,
                                          vocab: tuple[str, ...], suggestion: str) -> None:
    edit(seed_folder, old, new)
    problem = only_problem(seed_folder)
    assert problem.path == path
    assert problem.message == f"{bad!r} is not one of {', '.join(vocab)}"
    assert problem.suggestion == suggestion
    assert problem.line == line_of(seed_folder, new)
    assert str(problem).endswith(f"; did you mean {suggestion!r}?")


def test_vocabulary_is_case_sensitive(seed_folder: Path) -> None:
    edit(seed_folder, 'stance = "conditional"', 'stance = "Conditional"')
    problem = only_problem(seed_folder)
    assert problem.message.startswith("'Conditional' is not one of ")
    assert problem.suggestion == "conditional"


# --- identifiers, language, url --------------------------------------------------------------

ID_RULE = "must be lowercase letters, digits and single hyphens (at most {} characters)"


@pytest.mark.parametrize(
    ("old", "bad", "path", "limit"),
    [
        ('id = "p1"', "P1", "positions[1].id", 24),
        ('id = "p1"', "p 1", "positions[1].id", 24),
        ('id = "p1"', "p--1", "positions[1].id", 24),
        ('id = "p1"', "p1-", "positions[1].id", 24),
        ('id = "p1"', "p_1", "positions[1].id", 24),
        ('id = "p1"', "p" * 25, "positions[1].id", 24),
        ('id = "peacekeepers"', "Peacekeepers", "topics[1].id", 40),
        ('id = "peacekeepers"', "peace keepers", "topics[1].id", 40),
        ('id = "peacekeepers"', "k" * 41, "topics[1].id", 40),
        ('slug = "kremlin-peacekeepers"', "Kremlin-Peacekeepers", "article.slug", 64),
        ('slug = "kremlin-peacekeepers"', "kremlin peacekeepers", "article.slug", 64),
        ('slug = "kremlin-peacekeepers"', "s" * 65, "article.slug", 64),
    ],
)
def test_identifier_pattern(seed_folder: Path, old: str, bad: str, path: str, limit: int) -> None:
    new = old.split('"')[0] + f'"{bad}"'
    edit(seed_folder, old, new)
    problem = problem_at(seed_folder, path)  # a topic id change also orphans its references
    assert problem.message == f"{bad!r} " + ID_RULE.format(limit)
    assert problem.line == line_of(seed_folder, new)


def test_identifiers_at_their_length_limit_are_accepted(seed_folder: Path) -> None:
    edit(seed_folder, 'id = "p1"', f'id = "{"p" * 24}"')
    edit(seed_folder, 'slug = "kremlin-peacekeepers"', f'slug = "{"s" * 64}"')
    append(seed_folder, f'[[topics]]\nid = "{"k" * 40}"\nname = "Long"\n')
    sheet = valid(seed_folder)
    assert sheet.article.slug == "s" * 64
    assert sheet.positions[0].id == "p" * 24
    assert sheet.topics[-1].key == "k" * 40


def test_actor_key_too_long(seed_folder: Path) -> None:
    append(seed_folder, f'[[actors]]\nid = "{"a" * 41}"\nname = "A"\nkind = "other"\n'
                        'evidence = "Russia had some strong words"\n')
    problem = only_problem(seed_folder)
    assert problem.path == "actors[14].id"
    assert problem.message == f"{'a' * 41!r} " + ID_RULE.format(40)
    assert problem.line == line_of(seed_folder, "a" * 41)


@pytest.mark.parametrize("bad", ["English", "EN", "e", "en_US", "en-", "engl"])
def test_bad_language_code(seed_folder: Path, bad: str) -> None:
    edit(seed_folder, 'language = "en"', f'language = "{bad}"')
    problem = only_problem(seed_folder)
    assert problem.path == "article.language"
    assert problem.message == f"{bad!r} must be a language code such as 'en' or 'pt-BR'"
    assert problem.line == line_of(seed_folder, "language = ")


@pytest.mark.parametrize("good", ["pt-BR", "fil", "zh-Hant-TW"])
def test_good_language_code(seed_folder: Path, good: str) -> None:
    edit(seed_folder, 'language = "en"', f'language = "{good}"')
    assert valid(seed_folder).article.language == good


@pytest.mark.parametrize("bad", ["ftp://example.com/a", "www.example.com", "https://exa mple.com", "https://"])
def test_url_must_be_http(seed_folder: Path, bad: str) -> None:
    edit(seed_folder, 'language = "en"', f'language = "en"\nurl = "{bad}"')
    problem = only_problem(seed_folder)
    assert problem.path == "article.url"
    assert problem.message == f"{bad!r} must be an http:// or https:// address"
    assert problem.line == line_of(seed_folder, "url = ")


@pytest.mark.parametrize("good", ["https://example.com/news/a?b=1", "http://example.org"])
def test_good_url(seed_folder: Path, good: str) -> None:
    edit(seed_folder, 'language = "en"', f'language = "en"\nurl = "{good}"')
    assert valid(seed_folder).article.url == good


# --- dates -----------------------------------------------------------------------------------

PUBLISHED_RULE = 'must be a date like 2025-02-25 (no quotes) or the text "undated"'


@pytest.mark.parametrize("bad", ['"2025-02-25"', "2025-02-25T10:00:00", "2025-02-25T10:00:00Z", "20250225",
                                 '"Undated"', '"undated "', '""', "10:00:00"])
def test_published_must_be_a_date_or_undated(seed_folder: Path, bad: str) -> None:
    edit(seed_folder, 'published = "undated"', f"published = {bad}")
    problem = only_problem(seed_folder)
    assert problem.path == "article.published"
    assert problem.message == PUBLISHED_RULE
    assert problem.line == line_of(seed_folder, "published = ")


def test_published_date(seed_folder: Path) -> None:
    edit(seed_folder, 'published = "undated"', "published = 2025-02-25")
    assert valid(seed_folder).article.published == date(2025, 2, 25)


@pytest.mark.parametrize(
    ("value", "described"),
    [('"2025-02-24"', "text"), ("2025-02-24T09:00:00", "a date and time"), ("20250224", "a number")],
)
def test_timeline_date_must_be_a_toml_date(seed_folder: Path, value: str, described: str) -> None:
    edit(seed_folder, 'when = "Monday"', f'when = "Monday"\ndate = {value}')
    problem = only_problem(seed_folder)
    assert problem.path == "timeline[2].date"
    assert problem.message == f"must be a date like 2025-02-25 (no quotes), not {described}"
    assert problem.line == line_of(seed_folder, "date = ")


def test_timeline_date(seed_folder: Path) -> None:
    edit(seed_folder, 'when = "Monday"', 'when = "Monday"\ndate = 2025-02-24')
    event = next(e for e in valid(seed_folder).timeline if e.id == "t2")
    assert event.date == date(2025, 2, 24)


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "message", "suggestion"),
    [
        ('speaker = "lavrov"', 'speaker = "lavrof"', "quotes[2].speaker", "unknown actor 'lavrof'", "lavrov"),
        ('topic = "peacekeepers"\nstance', 'topic = "peacekeeper"\nstance', "positions[1].topic",
         "unknown topic 'peacekeeper'", "peacekeepers"),
        ('topic = "nato-troops"\ncontext', 'topic = "nato-troop"\ncontext', "quotes[2].topic",
         "unknown topic 'nato-troop'", "nato-troops"),
        ('affiliation = "kremlin"', 'affiliation = "kremln"', "actors[3].affiliation",
         "unknown actor 'kremln'", "kremlin"),
        ('actors = ["trump", "putin"]', 'actors = ["trump", "putn"]', "questions[1].actors[2]",
         "unknown actor 'putn'", "putin"),
        ('actors = ["lavrov"]', 'actors = ["lavrof"]', "timeline[1].actors[1]",
         "unknown actor 'lavrof'", "lavrov"),
        ('actor = "lavrov"\nresponse', 'actor = "lavrof"\nresponse', "claims[1].responses[3].actor",
         "unknown actor 'lavrof'", "lavrov"),
        ('via = "tass"\nevidence = [\n  "Kremlin', 'via = "tas"\nevidence = [\n  "Kremlin',
         "claims[1].responses[2].via", "unknown actor 'tas'", "tass"),
        ('claimant = "trump"', 'claimant = "trumpp"', "claims[1].claimant", "unknown actor 'trumpp'",
         "trump"),
        ('speaker = "lavrov"', 'speaker = "xq"', "quotes[2].speaker", "unknown actor 'xq'", None),
    ],
)
def test_unknown_reference(seed_folder: Path, old: str, new: str, path: str, message: str,
                           suggestion: str | None) -> None:
    edit(seed_folder, old, new)
    problem = only_problem(seed_folder)
    assert problem.path == path
    assert problem.message == message
    assert problem.suggestion == suggestion
    assert problem.line == line_of(seed_folder, new.split("\n")[0])
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    assert str(problem) == f"{SHOWN}:{problem.line}: {path}: {message}{hint}"


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_fact_id_across_kinds(seed_folder: Path) -> None:
    edit(seed_folder, 'id = "q1"', 'id = "p1"')
    problem = only_problem(seed_folder)
    assert problem.path == "quotes[1].id"
    assert problem.message == "duplicate fact id 'p1' (first used at positions[1])"
    assert problem.line == line_of(seed_folder, 'id = "p1"', 2)


def test_duplicate_fact_id_within_a_kind_and_in_timeline(seed_folder: Path) -> None:
    edit(seed_folder, 'id = "oq2"', 'id = "oq1"')
    edit(seed_folder, 'id = "t4"', 'id = "c2"')
    problems = problems_of(seed_folder)
    assert [(p.path, p.message) for p in problems] == [
        ("questions[2].id", "duplicate fact id 'oq1' (first used at questions[1])"),
        ("timeline[4].id", "duplicate fact id 'c2' (first used at claims[2])"),
    ]
    assert [p.line for p in problems] == [line_of(seed_folder, 'id = "oq1"', 2),
                                         line_of(seed_folder, 'id = "c2"', 2)]


def test_duplicate_actor_id(seed_folder: Path) -> None:
    append(seed_folder,
           '[[actors]]\nid = "russia"\nname = "Russia again"\nkind = "country"\n'
           'evidence = "Russia had some strong words"\n')
    problem = only_problem(seed_folder)
    assert problem.path == "actors[14].id"
    assert problem.message == "duplicate actor id 'russia' (first used at actors[1])"
    assert problem.line == line_of(seed_folder, 'id = "russia"', 2)


def test_duplicate_topic_id(seed_folder: Path) -> None:
    append(seed_folder, '[[topics]]\nid = "rare-earths"\nname = "Minerals"\n')
    problem = only_problem(seed_folder)
    assert problem.path == "topics[9].id"
    assert problem.message == "duplicate topic id 'rare-earths' (first used at topics[4])"
    assert problem.line == line_of(seed_folder, 'id = "rare-earths"', 2)


def test_actor_and_fact_ids_live_in_separate_namespaces(seed_folder: Path) -> None:
    append(seed_folder, '[[topics]]\nid = "p1"\nname = "A topic named like a fact"\n')
    assert valid(seed_folder).topics[-1].key == "p1"


# --- affiliation cycles ----------------------------------------------------------------------


def test_two_actor_affiliation_cycle(seed_folder: Path) -> None:
    edit(seed_folder, 'affiliation = "russia"', 'affiliation = "peskov"')  # kremlin -> peskov -> kremlin
    problem = only_problem(seed_folder)
    assert problem.path == "actors[2].affiliation"
    assert problem.message == "affiliations form a cycle: kremlin -> peskov -> kremlin"
    assert problem.line == line_of(seed_folder, 'affiliation = "peskov"')


def test_self_affiliation(seed_folder: Path) -> None:
    edit(seed_folder, 'affiliation = "us"', 'affiliation = "trump"')
    problem = only_problem(seed_folder)
    assert problem.path == "actors[6].affiliation"
    assert problem.message == "affiliations form a cycle: trump -> trump"
    assert problem.line == line_of(seed_folder, 'affiliation = "trump"')


def test_longer_cycle_reported_once(seed_folder: Path) -> None:
    # russia -> peskov -> kremlin -> russia; lavrov and putin lead into it but are not in it.
    edit(seed_folder, 'kind = "country"', 'kind = "country"\naffiliation = "peskov"')
    problem = only_problem(seed_folder)
    assert problem.path == "actors[1].affiliation"
    assert problem.message == "affiliations form a cycle: russia -> peskov -> kremlin -> russia"


# --- quotes are verbatim ---------------------------------------------------------------------


def set_quote(folder: Path, text: str) -> None:
    edit(folder, f'text = "{Q1_TEXT}"', f'text = "{text}"')


def test_quote_differing_in_case_is_refused(seed_folder: Path) -> None:
    set_quote(seed_folder, "if we do this deal, he’s not looking for more war")
    problem = only_problem(seed_folder)
    assert problem.path == "quotes[1].text"
    assert problem.message == "the quote does not stand verbatim in the article"
    assert problem.line == line_of(seed_folder, 'text = "if we do')
    assert problem.suggestion is not None
    assert str(problem).startswith(f"{SHOWN}:{problem.line}: quotes[1].text: the quote does not stand "
                                   "verbatim in the article; did you mean ")


@pytest.mark.parametrize(
    "text",
    [
        "If we do this deal, he’s not looking for more peace",   # one word
        "If we do this deal, he’s not looking for mere war",     # one letter
        "If we do this deal, he is not looking for more war",    # contraction spelled out
        "If we do this deal he’s not looking for more war",      # punctuation dropped
    ],
)
def test_quote_differing_by_a_word_or_letter_is_refused(seed_folder: Path, text: str) -> None:
    set_quote(seed_folder, text)
    problem = only_problem(seed_folder)
    assert problem.path == "quotes[1].text"
    assert problem.message == "the quote does not stand verbatim in the article"
    assert problem.suggestion is not None
    assert "he’s not looking for more" in problem.suggestion  # the article's own words and marks


def test_quote_far_from_anything_has_no_suggestion(seed_folder: Path) -> None:
    set_quote(seed_folder, "zzzz qqqq xxxx")
    problem = only_problem(seed_folder)
    assert problem.suggestion is None
    assert "did you mean" not in str(problem)


@pytest.mark.parametrize(
    "quote",
    [
        "If we do this deal, he's not looking for more war",         # straight apostrophe, curly in article
        "If we do   this\\ndeal,\\the’s not looking for more war",   # spaces, newline and tab
        "  If we do this deal, he‘s not looking for more war ",       # other curly mark, outer spaces
    ],
)
def test_quote_differing_only_in_whitespace_or_quote_marks_is_accepted(seed_folder: Path, quote: str) -> None:
    set_quote(seed_folder, quote)
    sheet = valid(seed_folder)
    assert sheet.quotes[0].text != Q1_TEXT
    assert normalise_verbatim(sheet.quotes[0].text) == normalise_verbatim(Q1_TEXT)


def test_curly_quote_in_sheet_matches_straight_quote_in_article(tmp_path: Path) -> None:
    # The article writes it's with a straight apostrophe inside “...” marks; the sheet writes
    # a curly apostrophe and straight marks.
    article = MINI_ARTICLE + 'Bob Jones said: “it\'s not ready yet” on Friday.\n'
    facts = MINI_FACTS.replace('text = "perfectly safe"', 'text = "it’s not ready"').replace(
        'evidence = "Mayor Alice Smith said the new bridge is “perfectly safe”"',
        'evidence = \'Bob Jones said: "it’s not ready yet"\'')
    sheet = valid(write_sheet(tmp_path / "bridge", facts, article))
    assert sheet.quotes[0].text == "it’s not ready"


def test_a_quote_must_be_inside_quotation_marks(tmp_path: Path) -> None:
    # "Engineer Bob Jones disagreed" stands verbatim in the article, but nobody is quoted saying it.
    facts = MINI_FACTS.replace('text = "perfectly safe"', 'text = "Bob Jones disagreed"').replace(
        'evidence = "Mayor Alice Smith said the new bridge is “perfectly safe”"',
        'evidence = "Engineer Bob Jones disagreed"')
    problem = problem_at(write_sheet(tmp_path / "bridge", facts), "quotes[1].text")
    assert "not inside quotation marks" in problem.message


def test_a_quote_evidence_must_contain_the_quote(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace(
        'evidence = "Mayor Alice Smith said the new bridge is “perfectly safe”"',
        'evidence = "Engineer Bob Jones disagreed"')
    problem = problem_at(write_sheet(tmp_path / "bridge", facts), "quotes[1].evidence")
    assert "must contain the quote itself" in problem.message


def test_a_one_word_excerpt_is_refused(tmp_path: Path) -> None:
    facts = MINI_FACTS.replace('evidence = "Mayor Alice Smith"\n', 'evidence = "Mayor"\n', 1)
    problem = problem_at(write_sheet(tmp_path / "bridge", facts), "actors[1].evidence")
    assert "at least 2 words" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "nacceptable",                                       # a word with its first letter cut off
        "unacceptabl",                                       # ... its last letter cut off
        "If we do this deal, he’s not looking for more wa",  # the last word truncated
    ],
)
def test_quote_must_be_whole_words(seed_folder: Path, text: str) -> None:
    # A quote that cuts a word in two is not verbatim, although its letters stand in the article.
    edit(seed_folder, 'text = "unacceptable"', f'text = "{text}"')
    problem = only_problem(seed_folder)
    assert problem.path == "quotes[2].text"
    assert problem.message == "the quote does not stand verbatim in the article"


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ('text = "unacceptable"', 'text = "unaceptable"', "quotes[2].text", "unacceptable"),
        (f'text = "{Q1_TEXT}"', 'text = "if we do this deal, he’s not looking for more war"',
         "quotes[1].text", None),
        ('evidence = "Kremlin spokesperson Dmitry Peskov"', 'evidence = "Kremlin spokesman Dmitry Peskov"',
         "actors[3].evidence", "Kremlin spokesperson Dmitry Peskov"),
    ],
)
def test_suggested_passage_is_whole_words_of_the_article(seed_folder: Path, old: str, new: str, path: str,
                                                          expected: str | None) -> None:
    # The suggestion is meant to be pasted back: it must not start or end in the middle of a word.
    edit(seed_folder, old, new)
    problem = problem_at(seed_folder, path)
    assert problem.suggestion is not None
    text = (seed_folder / TEXT_FILE).read_text(encoding="utf-8")
    assert whole_words_in(problem.suggestion, text), problem.suggestion
    if expected is not None:
        assert problem.suggestion == expected


# --- evidence --------------------------------------------------------------------------------


def test_evidence_string_not_found(seed_folder: Path) -> None:
    rest = 'the Kremlin strongly rejected former President Trump’s assertion that'
    edit(seed_folder, f'evidence = "On Tuesday, {rest}', f'evidence = "On Wednesday, {rest}')  # position p1
    problem = only_problem(seed_folder)
    assert problem.path == "positions[1].evidence"
    assert problem.message == "this excerpt is not in the article"
    assert problem.line == line_of(seed_folder, "On Wednesday")
    assert problem.suggestion is not None
    assert "the Kremlin strongly rejected" in problem.suggestion
    assert str(problem).startswith(f"{SHOWN}:{problem.line}: positions[1].evidence: this excerpt is not in "
                                   "the article; did you mean ")


def test_evidence_list_item_not_found(seed_folder: Path) -> None:
    edit(seed_folder, '"Peskov emphasized that there would be no further comments',
         '"Peskov insisted that there would be no further comments')
    problem = only_problem(seed_folder)
    assert problem.path == "positions[2].evidence[2]"
    assert problem.message == "this excerpt is not in the article"
    assert problem.line == line_of(seed_folder, "evidence = [")  # the line that sets positions[2].evidence
    assert problem.suggestion is not None
    assert "no further comments" in problem.suggestion


def test_evidence_list_of_one_item_not_found_names_the_item(seed_folder: Path) -> None:
    edit(seed_folder, 'evidence = "Kremlin spokesperson Dmitry Peskov"',
         'evidence = ["Kremlin spokesman Dmitry Peskov"]')
    problem = only_problem(seed_folder)
    assert problem.path == "actors[3].evidence[1]"
    assert problem.message == "this excerpt is not in the article"


def test_evidence_with_curly_and_straight_quotes_and_whitespace_is_found(seed_folder: Path) -> None:
    # First occurrence: position p12. A TOML literal string, so the tab is a real tab.
    edit(seed_folder, 'evidence = "“If we do this deal, he’s not looking for more war,” Trump claimed"',
         "evidence = '\"If we do this   deal, he\u2019s not\tlooking for more war,\" Trump claimed'")
    p12 = next(p for p in valid(seed_folder).positions if p.id == "p12")
    assert p12.evidence == ('"If we do this   deal, he’s not\tlooking for more war," Trump claimed',)


def test_evidence_of_a_claim_response_not_found(seed_folder: Path) -> None:
    # The first occurrence is claim c1's first response (the timeline repeats it later).
    rest = 'rejected former President Trump’s assertion"'
    edit(seed_folder, f'evidence = "On Tuesday, the Kremlin strongly {rest}',
         f'evidence = "On Tuesday, the Kremlin firmly {rest}')
    problem = only_problem(seed_folder)
    assert problem.path == "claims[1].responses[1].evidence"
    assert problem.line == line_of(seed_folder, "Kremlin firmly rejected")


ANSWERED = ('status = "answered"\nanswer = "Not according to the Kremlin."\n'
            'answer_evidence = {}')


def test_answer_evidence_not_found(seed_folder: Path) -> None:
    edit(seed_folder, 'status = "open"', ANSWERED.format('"the Kremlin warmly rejected"'))
    problem = only_problem(seed_folder)
    assert problem.path == "questions[1].answer_evidence"
    assert problem.message == "this excerpt is not in the article"
    assert problem.line == line_of(seed_folder, "answer_evidence = ")


def test_answer_evidence_list_item_not_found(seed_folder: Path) -> None:
    edit(seed_folder, 'status = "open"',
         ANSWERED.format('["the Kremlin strongly rejected", "the Kremlin warmly rejected"]'))
    problem = only_problem(seed_folder)
    assert problem.path == "questions[1].answer_evidence[2]"
    assert problem.line == line_of(seed_folder, "answer_evidence = ")


# --- questions -------------------------------------------------------------------------------


def test_answered_question_with_answer_and_evidence(seed_folder: Path) -> None:
    edit(seed_folder, 'status = "open"', ANSWERED.format('"the Kremlin strongly rejected"'))
    question = valid(seed_folder).questions[0]
    assert question.status == "answered"
    assert question.answer == "Not according to the Kremlin."
    assert question.answer_evidence == ("the Kremlin strongly rejected",)


@pytest.mark.parametrize(
    ("extra", "missing"),
    [
        ("", ["answer", "answer_evidence"]),
        ('answer = "No."', ["answer_evidence"]),
        ('answer_evidence = "the Kremlin strongly rejected"', ["answer"]),
    ],
)
def test_answered_question_needs_answer_and_evidence(seed_folder: Path, extra: str,
                                                     missing: list[str]) -> None:
    edit(seed_folder, 'status = "open"', f'status = "answered"\n{extra}')
    problems = problems_of(seed_folder)
    assert [(p.path, p.message) for p in problems] == [
        ("questions[1]", f"an answered question needs {name!r}") for name in missing]
    assert {p.line for p in problems} == {line_of(seed_folder, "[[questions]]")}


@pytest.mark.parametrize("extra", ["answer", "answer_evidence"])
def test_open_question_must_not_have_an_answer(seed_folder: Path, extra: str) -> None:
    edit(seed_folder, 'status = "open"', f'status = "open"\n{extra} = "the Kremlin strongly rejected"')
    problem = only_problem(seed_folder)
    assert problem.path == f"questions[1].{extra}"
    assert problem.message == f"an open question has no {extra!r}; set status = \"answered\" or remove it"
    assert problem.line == line_of(seed_folder, f"{extra} = ")


# --- all problems at once --------------------------------------------------------------------


def test_all_problems_of_a_sheet_are_reported_at_once_sorted_by_line(seed_folder: Path) -> None:
    # Five different kinds of error; the reference error comes first in the file but is found last.
    edit(seed_folder, 'topic = "peacekeepers"\nstance', 'topic = "peacekeeper"\nstance')  # unknown topic
    edit(seed_folder, 'kind = "organisation"', 'kind = "organization"')                    # vocabulary
    edit(seed_folder, 'cue = "claimed"', 'cuee = "claimed"')                              # typo
    edit(seed_folder, 'id = "oq3"', 'id = "OQ3"')                                         # id pattern
    edit(seed_folder, 'when = "Monday"', 'when = "Monday"\ndate = "2025-02-24"')          # date
    problems = problems_of(seed_folder)
    found = {(p.path, p.line) for p in problems}
    expected = {
        ("actors[2].kind", line_of(seed_folder, 'kind = "organization"')),
        ("positions[1].topic", line_of(seed_folder, 'topic = "peacekeeper"')),
        ("quotes[1].cuee", line_of(seed_folder, 'cuee = "claimed"')),
        ("questions[3].id", line_of(seed_folder, 'id = "OQ3"')),
        ("timeline[2].date", line_of(seed_folder, 'date = "2025-02-24"')),
    }
    # The typo also leaves quotes[1] without its required cue.
    assert found == expected | {("quotes[1]", line_of(seed_folder, "[[quotes]]"))}
    lines = [p.line or 0 for p in problems]
    assert lines == sorted(lines)
    assert all(p.file == SHOWN for p in problems)


def test_a_refused_sheet_returns_no_partial_sheet(seed_folder: Path) -> None:
    edit(seed_folder, 'stance = "conditional"', 'stance = "conditionl"')
    result = read_sheet(seed_folder)
    assert isinstance(result, list)
    assert all(isinstance(p, Problem) for p in result)


# --- line numbers ----------------------------------------------------------------------------


def test_nested_response_lines_point_into_the_right_claim(seed_folder: Path) -> None:
    second_claim_evidence = ('evidence = "In a conversation with French President Emmanuel Macron, Trump '
                             'asserted that he had directly asked Putin about the matter and received a '
                             'positive response."\n')
    edit(seed_folder, second_claim_evidence, second_claim_evidence + (
        '\n[[claims.responses]]\nactor = "kremlin"\nresponse = "rejects"\nsummary = "Rejected."\n'
        'evidence = "On Tuesday"\n'
        '\n[[claims.responses]]\nactor = "kremln"\nresponse = "rejects"\nsummary = "Rejected again."\n'
        'evidence = "On Tuesday"\n'))
    edit(seed_folder, 'actor = "lavrov"\nresponse', 'actor = "lavrof"\nresponse')  # claim 1, response 3
    edit(seed_folder, 'summary = "Referred to', 'summry = "Referred to')          # claim 1, response 2
    problems = problems_of(seed_folder)
    by_path = {p.path: p for p in problems}
    assert set(by_path) == {"claims[1].responses[2]", "claims[1].responses[2].summry",
                            "claims[1].responses[3].actor", "claims[2].responses[2].actor"}
    assert by_path["claims[1].responses[2]"].line == line_of(seed_folder, "[[claims.responses]]", 2)
    assert by_path["claims[1].responses[2].summry"].line == line_of(seed_folder, 'summry = "Referred to')
    assert by_path["claims[1].responses[3].actor"].line == line_of(seed_folder, 'actor = "lavrof"')
    assert by_path["claims[2].responses[2].actor"].line == line_of(seed_folder, 'actor = "kremln"')
    assert by_path["claims[2].responses[2].actor"].suggestion == "kremlin"


def test_multiline_string_does_not_shift_or_fake_lines(seed_folder: Path) -> None:
    edit(seed_folder, 'context = "Arguing that Putin would not object',
         'context = """Arguing\nspeaker = "nobody"\nthat Putin would not object')
    edit(seed_folder, 'situation."\nsetting', 'situation."""\nsetting')
    edit(seed_folder, 'speaker = "lavrov"', 'speaker = "lavrof"')
    problem = only_problem(seed_folder)
    assert problem.path == "quotes[2].speaker"
    assert problem.line == line_of(seed_folder, 'speaker = "lavrof"')


def test_seed_lines_are_the_real_lines(seed_folder: Path) -> None:
    # Against the bundled seed: the real line of quotes[2].speaker, counted here from the raw text
    # (newlines before the key), independently of line_of and of the sheet reader.
    text = (seed_folder / FACTS_FILE).read_text(encoding="utf-8")
    second_quote = text.index("[[quotes]]", text.index("[[quotes]]") + 1)
    offset = text.index('speaker = "lavrov"', second_quote)
    assert "\n[[" not in text[second_quote:offset]  # still inside the second [[quotes]] entry
    line = text.count("\n", 0, offset) + 1
    assert text.splitlines()[line - 1] == 'speaker = "lavrov"'
    assert text.count('speaker = "lavrov"') == 1  # the edit below changes this very line
    edit(seed_folder, 'speaker = "lavrov"', 'speaker = "lavrof"')
    assert only_problem(seed_folder).line == line


# --- read_sheets over folders ----------------------------------------------------------------


def test_read_sheets_reports_duplicate_slugs(seeds: Path) -> None:
    shutil.copytree(seeds / SLUG, seeds / "zz-copy")  # read after the original
    with pytest.raises(SheetError) as caught:
        read_sheets(seeds, seeds)
    (problem,) = caught.value.problems
    assert problem.path == "article.slug"
    assert problem.message == f"slug {SLUG!r} is already used by {seeds / SLUG}"
    assert Path(problem.file).parts[-2:] == ("zz-copy", FACTS_FILE)
    assert str(caught.value) == "1 problem(s) in the fact sheets"


@pytest.mark.parametrize("name", ["empty", "missing"])
def test_read_sheets_with_no_articles(tmp_path: Path, name: str) -> None:
    (tmp_path / "empty" / "not-an-article").mkdir(parents=True)
    with pytest.raises(SheetError) as caught:
        read_sheets(tmp_path / name)
    message = "no article folders found (each needs facts.toml and article.txt)"
    assert caught.value.problems == (Problem(str(tmp_path / name), None, "", message),)


def test_read_sheets_raises_with_all_problems_of_all_sheets(seeds: Path) -> None:
    bad_one = seeds / SLUG
    write_sheet(seeds / "bridge", MINI_FACTS.replace('kind = "person"', 'kind = "persn"'))
    (seeds / "orphan").mkdir()
    (seeds / "orphan" / TEXT_FILE).write_text("An article without a sheet.", encoding="utf-8")
    write_sheet(seeds / "fine", MINI_FACTS.replace('slug = "bridge"', 'slug = "fine"'))
    edit(bad_one, 'stance = "conditional"', 'stance = "conditionl"')
    edit(bad_one, 'speaker = "lavrov"', 'speaker = "lavrof"')
    with pytest.raises(SheetError) as caught:
        read_sheets(seeds, seeds)
    got = [(p.file, p.path, p.suggestion) for p in caught.value.problems]
    assert got == [
        ("bridge/facts.toml", "actors[1].kind", "person"),
        (SHOWN, "positions[8].stance", "conditional"),
        (SHOWN, "quotes[2].speaker", "lavrov"),
        (f"orphan/{FACTS_FILE}", "", None),
    ]
    assert str(caught.value) == "4 problem(s) in the fact sheets"
