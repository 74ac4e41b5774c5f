"""Reading sheets: one folder, or every folder under a seeds folder, validated whole."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rtoml

from storage import schema
from storage.model import (
    REVIEW_STATES,
    Sheet,
)
from storage.sheets.build import build_sheet
from storage.sheets.checker import Checker
from storage.sheets.files import FACTS_FILE, TEXT_FILE, digest_of, discover
from storage.sheets.problems import Problem, SheetError


def read_sheet(folder: Path, display_root: Path | None = None) -> Sheet | list[Problem]:
    """Read and validate one article folder."""
    facts_path = folder / FACTS_FILE
    shown = _shown(facts_path, display_root)
    text_shown = _shown(folder / TEXT_FILE, display_root)
    problems: list[Problem] = []
    raw_bytes = _read(facts_path, shown, problems)
    text_bytes = _read(folder / TEXT_FILE, text_shown, problems)
    if raw_bytes is None or text_bytes is None:
        return problems
    raw, text = raw_bytes.decode("utf-8"), text_bytes.decode("utf-8")
    if not text.strip():
        return [Problem(text_shown, None, "", "the article text is empty")]
    try:
        data = parse_toml(raw)
    except tomllib.TOMLDecodeError as exc:
        return [toml_problem(exc, shown)]
    checker = Checker(shown, raw)
    # The hash of the very bytes parsed: an edit landing mid-load is seen as a change next time.
    sheet = build_sheet(checker, data, text, folder, digest_of(raw_bytes, text_bytes))
    if checker.problems or sheet is None:
        return sorted(checker.problems, key=lambda p: p.line or 0)
    return sheet


def parse_toml(raw: str) -> dict[str, Any]:
    """What ``tomllib.loads(raw)`` returns, and the same TOMLDecodeError when it fails.

    rtoml (compiled) parses a sheet in a seventh of tomllib's time (pure Python: 3.5 ms of
    the 6 ms a sheet took to read and check; rtoml 0.5 ms), with the same values and types
    (checked on 10,000 generated sheets). tomllib stays the authority: whatever rtoml refuses goes
    to tomllib, which gives the problem message and line editors have always seen (or parses
    it after all). rtoml 0.13 implements TOML 1.0 as tomllib does; 0.14 accepts TOML 1.1
    (newlines in inline tables, ``\\e``) that tomllib refuses, hence the pin in pyproject.toml
    and the test that every document tomllib refuses is refused here. A byte-order mark is
    the one thing rtoml 0.13 accepts and tomllib does not: it goes to tomllib, and so does a
    DEL character (rtoml 0.13 accepts it in comments, tomllib does not).
    """
    if not raw.startswith("\ufeff") and "\x7f" not in raw:
        try:
            return rtoml.loads(raw)
        except Exception:  # any failure: tomllib decides, and explains
            pass
    return tomllib.loads(raw)


def toml_problem(exc: tomllib.TOMLDecodeError, shown: str) -> Problem:
    """What a sheet that is not TOML says: the parser's message, at its line."""
    m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    line = int(m[1]) if m else None
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
    return Problem(shown, line, "", f"not valid TOML: {message}")


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def _read(path: Path, shown: str, problems: list[Problem]) -> bytes | None:
    try:
        data = path.read_bytes()
        data.decode("utf-8")
        return data
    except FileNotFoundError:
        problems.append(Problem(shown, None, "", "file is missing"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, "", f"not UTF-8 text (byte {exc.start})"))
    except OSError as exc:
        problems.append(Problem(shown, None, "", f"cannot be read: {exc.strerror}"))
    return None


def review_state(folder: Path) -> str:
    """The sheet's ``[article] review`` ("draft" or "reviewed"; "reviewed" when absent).

    Read on its own because the sheet model predates drafts: call it on a folder that
    read_sheet accepted (its value is validated there); an unreadable sheet counts as a draft,
    so nothing unchecked is ever taken for an editor's work.
    """
    try:
        data = parse_toml((folder / FACTS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "draft"
    article = data.get("article")
    state = article.get("review", schema.DEFAULT_REVIEW) if isinstance(article, dict) else None
    return state if state in REVIEW_STATES else "draft"


def read_sheets(root: Path, display_root: Path | None = None) -> list[Sheet]:
    """Read every article folder under ``root``; raise SheetError listing all problems."""
    problems: list[Problem] = []
    sheets: list[Sheet] = []
    folders = discover(root)
    if not folders:
        raise SheetError([Problem(str(root), None, "", "no article folders found "
                                  f"(each needs {FACTS_FILE} and {TEXT_FILE})")])
    for folder in folders:
        result = read_sheet(folder, display_root)
        if isinstance(result, Sheet):
            sheets.append(result)
        else:
            problems.extend(result)
    problems.extend(duplicate_slugs(sheets))
    if problems:
        raise SheetError(problems)
    return sheets


def duplicate_slugs(sheets: Sequence[Sheet]) -> list[Problem]:
    seen: dict[str, Sheet] = {}
    problems = []
    for sheet in sheets:
        slug = sheet.article.slug
        if slug in seen:
            problems.append(Problem(str(Path(sheet.folder) / FACTS_FILE), None, "article.slug",
                                    f"slug {slug!r} is already used by {seen[slug].folder}"))
        else:
            seen[slug] = sheet
    return problems
