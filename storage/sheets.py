"""Reading and validating fact sheets.

A sheet is a folder holding ``article.txt`` (the article as published) and ``facts.toml``
(what an editor curated from it). ``read_sheet`` returns either a validated ``Sheet`` or every
problem found, never a partial sheet: a sheet with any error is refused as a whole.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import rtoml
from rapidfuzz import fuzz, process

from storage import schema
from storage.model import (
    REVIEW_STATES,
    Actor,
    Article,
    Claim,
    Event,
    Position,
    Question,
    Quote,
    Response,
    Sheet,
    Topic,
)
from storage.text import locate, normalise_verbatim

FACTS_FILE = "facts.toml"
TEXT_FILE = "article.txt"
# Bump when the meaning of a sheet changes, so stored content hashes no longer match.
FORMAT_VERSION = b"newsbot-sheet-1"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_SLUG = 64
MAX_KEY = 40
MAX_ID = 24
MIN_EXCERPT_WORDS = 2


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.suggestion is not None:
            text += f"; did you mean {self.suggestion!r}?"
        return text


class SheetError(Exception):
    """One or more sheets were refused; nothing of them may be loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the fact sheets")


def suggest(value: str, options: Iterable[str], cutoff: float = 60) -> str | None:
    """The option closest to ``value``, if any is close enough to be worth offering."""
    choices = list(options)
    if not choices:
        return None
    best = process.extractOne(value.lower(), choices, scorer=fuzz.WRatio, processor=str.lower,
                              score_cutoff=cutoff)
    return best[0] if best else None


def content_hash(folder: Path | str) -> str:
    """Of facts.toml + article.txt as they are on disk now (missing files hash as such)."""
    parts = []
    for name in (FACTS_FILE, TEXT_FILE):
        try:
            # Path.read_bytes' bytes, without pathlib and buffering: start-up hashes every
            # article folder, and at 10,000 folders that overhead was half the time.
            with open(os.path.join(folder, name), "rb", buffering=0) as f:
                parts.append(f.readall())
        except OSError:
            parts.append(b"<missing>")
    return _digest(*parts)


# A file changed less than this long before it was read may change again with the same size and
# timestamps (file systems stamp times at a coarse tick: 1-10 ms on Linux, 2 s on FAT): its stamp
# is not recorded, and the folder is hashed next time. Git calls this the "racily clean" entry.
STAMP_MARGIN_NS = 2_000_000_000


def file_stamp(folder: str, now_ns: int) -> str | None:
    """The size, mtime and ctime (ns) of facts.toml and article.txt, as one string; when it
    equals the stamp stored with the article, the folder is unchanged without reading it.

    Take it *before* reading the files it vouches for, with ``now_ns`` (``time.time_ns()``)
    taken before that: a write after the stamp then shows in the next stamp. None (hash to
    know) when a file is missing or changed within STAMP_MARGIN_NS of ``now_ns``. The ctime
    is set by the kernel on every write and cannot be set back, so copies that keep mtimes
    (``cp -p``, ``rsync -t``, ``tar x``) are still seen as changes.
    """
    parts = []
    for name in (FACTS_FILE, TEXT_FILE):
        try:
            st = os.stat(f"{folder}{os.sep}{name}")
        except OSError:
            return None
        if max(st.st_mtime_ns, st.st_ctime_ns) > now_ns - STAMP_MARGIN_NS:
            return None
        parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")
    return " ".join(parts)


def _digest(facts: bytes, text: bytes) -> str:
    digest = hashlib.sha256(FORMAT_VERSION)
    for part in (facts, text):
        digest.update(b"\0")
        digest.update(part)
    return digest.hexdigest()


def discover(root: Path) -> list[Path]:
    """The article folders under ``root``: ``root`` itself if it is one, else its children."""
    if root.is_file():
        return [root.parent]
    if (root / FACTS_FILE).exists() or (root / TEXT_FILE).exists():
        return [root]
    if not root.is_dir():
        return []
    return [root / name for name in article_folder_names(root)]


def article_folder_names(root: Path) -> list[str]:
    """The names of ``root``'s children that are article folders, sorted (the order of
    sorted() on their paths). os.scandir: a DirEntry knows whether it is a folder (following
    symlinks, as Path.is_dir does) mostly without a system call; 15x faster than iterdir at
    10,000 folders."""
    found = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_dir() and (os.path.exists(os.path.join(entry.path, FACTS_FILE))
                                   or os.path.exists(os.path.join(entry.path, TEXT_FILE))):
                found.append(entry.name)
    return sorted(found)


class _Lines:
    """Maps a field path (``quotes[2].speaker``) to the line of facts.toml that sets it."""

    _ARRAY = re.compile(r"^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
    _TABLE = re.compile(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]")
    _KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*=")

    def __init__(self, raw: str) -> None:
        self.index: dict[str, int] = {}
        counters: dict[str, int] = {}
        current = ""
        in_multiline: str | None = None
        for number, line in enumerate(raw.splitlines(), 1):
            stripped = line.strip()
            if in_multiline:
                if stripped.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if m := self._ARRAY.match(stripped):
                *parents, name = m[1].split(".")
                prefix = ".".join(f"{p}[{counters.get(p, 0)}]" for p in parents)
                key = f"{prefix}.{name}" if prefix else name
                counters[key if prefix else name] = counters.get(key if prefix else name, 0) + 1
                current = f"{key}[{counters[key if prefix else name]}]"
                self.index.setdefault(key, number)  # an unknown section is reported by name
                self.index.setdefault(current, number)
            elif m := self._TABLE.match(stripped):
                current = m[1]
                self.index.setdefault(current, number)
            elif m := self._KEY.match(stripped):
                path = f"{current}.{m[1]}" if current else m[1]
                self.index.setdefault(path, number)
                for mark in ('"""', "'''"):
                    if stripped.count(mark) % 2 == 1:
                        in_multiline = mark

    def line(self, path: str) -> int | None:
        while path:
            if path in self.index:
                return self.index[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return self.index.get(path)


class _Checker:
    def __init__(self, file: str, raw: str) -> None:
        self.file = file
        self.raw = raw
        self._lines: _Lines | None = None
        self.problems: list[Problem] = []
        self.listed: set[str] = set()  # evidence fields written as a list, reported with [i]

    @property
    def lines(self) -> _Lines:
        """Built on the first problem: a valid sheet never needs line numbers."""
        if self._lines is None:
            self._lines = _Lines(self.raw)
        return self._lines

    def add(self, path: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(self.file, self.lines.line(path), path, message, suggestion))

    # --- field values -------------------------------------------------------------------
    def value(self, path: str, raw: Any, spec: schema.FieldSpec) -> Any:
        """The typed value of one field, or None after recording a problem."""
        kind = spec.type
        if kind in ("text", "slug", "key", "id", "language", "url"):
            if not isinstance(raw, str):
                self.add(path, f"must be text, not {_describe(raw)}")
                return None
            text = raw.strip()
            if not text:
                self.add(path, "must not be empty")
                return None
            if "\0" in text:
                self.add(path, "must not contain a NUL character")
                return None
            return self._shaped(path, text, spec)
        if kind in ("texts", "keys"):
            if not isinstance(raw, list):
                self.add(path, f"must be a list, not {_describe(raw)}")
                return None
            element = schema.FieldSpec("key" if kind == "keys" else "text", ref=spec.ref)
            values = [self.value(f"{path}[{i}]", item, element) for i, item in enumerate(raw, 1)]
            return None if any(v is None for v in values) else tuple(values)
        if kind == "evidence":
            if isinstance(raw, list):
                self.listed.add(path)
            items = [raw] if isinstance(raw, str) else raw
            if not isinstance(items, list) or not items:
                self.add(path, "must be an excerpt of the article, or a list of excerpts")
                return None
            text_spec = schema.FieldSpec("text")
            if isinstance(raw, str):
                values = [self.value(path, raw, text_spec)]
            else:
                values = [self.value(f"{path}[{i}]", item, text_spec) for i, item in enumerate(items, 1)]
            return None if any(v is None for v in values) else tuple(values)
        if kind == "date":
            if isinstance(raw, datetime) or not isinstance(raw, date):
                self.add(path, f"must be a date like 2025-02-25 (no quotes), not {_describe(raw)}")
                return None
            return raw
        if kind == "published":
            if isinstance(raw, date) and not isinstance(raw, datetime):
                return raw
            if raw == "undated":
                return "undated"
            self.add(path, 'must be a date like 2025-02-25 (no quotes) or the text "undated"')
            return None
        if kind == "responses":
            return raw  # checked as its own table
        raise AssertionError(f"unknown field type {kind}")

    def _shaped(self, path: str, text: str, spec: schema.FieldSpec) -> str | None:
        kind = spec.type
        if spec.vocab and text not in spec.vocab:
            self.add(path, f"{text!r} is not one of {', '.join(spec.vocab)}",
                     suggest(text, spec.vocab))
            return None
        if kind == "slug" and not (SLUG_RE.match(text) and len(text) <= MAX_SLUG):
            self.add(path, f"{text!r} must be lowercase letters, digits and single hyphens "
                           f"(at most {MAX_SLUG} characters)")
            return None
        if kind in ("key", "id"):
            limit = MAX_KEY if kind == "key" else MAX_ID
            if not (KEY_RE.match(text) and len(text) <= limit):
                self.add(path, f"{text!r} must be lowercase letters, digits and single hyphens "
                               f"(at most {limit} characters)")
                return None
        if kind == "language" and not LANGUAGE_RE.match(text):
            self.add(path, f"{text!r} must be a language code such as 'en' or 'pt-BR'")
            return None
        if kind == "url" and not re.match(r"^https?://\S+$", text):
            self.add(path, f"{text!r} must be an http:// or https:// address")
            return None
        return text

    def table(self, path: str, raw: Any, specs: dict[str, schema.FieldSpec]) -> dict[str, Any] | None:
        """Check one table's keys and values; None when it is not a table at all."""
        if not isinstance(raw, dict):
            self.add(path, f"must be a table, not {_describe(raw)}")
            return None
        values: dict[str, Any] = {}
        for key, item in raw.items():
            if key not in specs:
                self.add(f"{path}.{key}", f"unknown field {key!r}", suggest(key, specs))
                continue
            values[key] = self.value(f"{path}.{key}", item, specs[key])
        for key, spec in specs.items():
            if spec.required and key not in raw:
                self.add(path, f"missing required field {key!r}")
        return values


def _describe(value: Any) -> str:
    names = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
             dict: "a table", date: "a date", datetime: "a date and time"}
    return names.get(type(value), type(value).__name__)


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
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(m[1]) if m else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return [Problem(shown, line, "", f"not valid TOML: {message}")]
    checker = _Checker(shown, raw)
    # The hash of the very bytes parsed: an edit landing mid-load is seen as a change next time.
    sheet = _build(checker, data, text, folder, _digest(raw_bytes, text_bytes))
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


def _build(c: _Checker, data: dict[str, Any], text: str, folder: Path, digest: str) -> Sheet | None:
    for key in data:
        if key not in schema.TOP_LEVEL:
            c.add(key, f"unknown section {key!r}", suggest(key, schema.TOP_LEVEL))
    article_raw = data.get("article")
    article: dict[str, Any] | None = None
    if article_raw is None:
        c.add("article", "missing the [article] section")
    else:
        article = c.table("article", article_raw, schema.ARTICLE)

    rows: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name in schema.TOP_LEVEL[1:]:
        items = data.get(name, [])
        if not isinstance(items, list):
            c.add(name, f"must be a list of [[{name}]] entries")
            items = []
        rows[name] = []
        for i, item in enumerate(items, 1):
            path = f"{name}[{i}]"
            values = c.table(path, item, schema.TABLES[name])
            if values is not None:
                rows[name].append((path, values))

    actor_ids = _unique_ids(c, rows["actors"], "actor")
    topic_ids = _unique_ids(c, rows["topics"], "topic")
    fact_rows = [r for name in ("positions", "quotes", "claims", "questions", "timeline")
                 for r in rows[name]]
    _unique_ids(c, fact_rows, "fact")

    responses: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path, values in rows["claims"]:
        raw_responses = values.get("responses", [])
        responses[path] = []
        if not isinstance(raw_responses, list):
            c.add(f"{path}.responses", "must be a list of [[claims.responses]] entries")
            continue
        for j, item in enumerate(raw_responses, 1):
            rpath = f"{path}.responses[{j}]"
            rvalues = c.table(rpath, item, schema.TABLES["claims.responses"])
            if rvalues is not None:
                responses[path].append((rpath, rvalues))

    refs = {"actor": actor_ids, "topic": topic_ids}
    all_rows = [(name, r) for name in schema.TABLES if name in rows for r in rows[name]]
    all_rows += [("claims.responses", r) for rs in responses.values() for r in rs]
    haystack = normalise_verbatim(text)  # once per sheet, not once per excerpt
    for table_name, (path, values) in all_rows:
        _check_refs(c, path, values, schema.TABLES[table_name], refs)
        _check_evidence(c, path, values, text, haystack)
    _check_affiliation_cycles(c, rows["actors"])
    quoted = quoted_passages(text)  # what the article puts in quotation marks
    for path, values in rows["quotes"]:
        quote = values.get("text")
        if not quote:
            continue
        if not _found(quote, haystack, whole_words=True):
            c.add(f"{path}.text", "the quote does not stand verbatim in the article",
                  _closest_passage(quote, text))
        elif not any(_found(quote, span, whole_words=True) for span in quoted):
            c.add(f"{path}.text", "these words are not inside quotation marks in the article; "
                                  "a quote must be words the article quotes")
        elif values.get("evidence") and not any(
                normalise_verbatim(quote) in normalise_verbatim(e) for e in values["evidence"]):
            c.add(f"{path}.evidence", "the evidence must contain the quote itself, with its "
                                      "attribution")
    for path, values in rows["questions"]:
        if values.get("status") == "answered":
            for needed in ("answer", "answer_evidence"):
                if needed not in values:
                    c.add(path, f"an answered question needs {needed!r}")
        elif values.get("status") == "open":
            for extra in ("answer", "answer_evidence"):
                if extra in values:
                    c.add(f"{path}.{extra}", f"an open question has no {extra!r}; "
                                             "set status = \"answered\" or remove it")

    if c.problems or article is None:
        return None
    published = article["published"]
    return Sheet(
        article=Article(
            slug=article["slug"], title=article["title"], outlet=article["outlet"],
            language=article["language"], url=article.get("url"),
            published=None if published == "undated" else published,
            review=article.get("review", schema.DEFAULT_REVIEW),
        ),
        text=text,
        folder=str(folder),
        content_hash=digest,
        actors=tuple(Actor(key=v["id"], name=v["name"], kind=v["kind"], evidence=v["evidence"],
                           aliases=v.get("aliases", ()), role=v.get("role"),
                           affiliation=v.get("affiliation")) for _, v in rows["actors"]),
        topics=tuple(Topic(key=v["id"], name=v["name"], aliases=v.get("aliases", ()))
                     for _, v in rows["topics"]),
        positions=tuple(Position(id=v["id"], actor=v["actor"], topic=v["topic"],
                                 stance=v["stance"], summary=v["summary"],
                                 evidence=v["evidence"], via=v.get("via"))
                        for _, v in rows["positions"]),
        quotes=tuple(Quote(id=v["id"], speaker=v["speaker"], text=v["text"], cue=v["cue"],
                           evidence=v["evidence"], context=v.get("context"),
                           setting=v.get("setting"), via=v.get("via"), topic=v.get("topic"))
                     for _, v in rows["quotes"]),
        claims=tuple(
            Claim(id=v["id"], claimant=v["claimant"], claim=v["claim"], status=v["status"],
                  evidence=v["evidence"], topic=v.get("topic"),
                  responses=tuple(Response(id=f"r{j}", actor=r["actor"], response=r["response"],
                                           summary=r["summary"], evidence=r["evidence"],
                                           via=r.get("via"))
                                  for j, (_, r) in enumerate(responses[path], 1)))
            for path, v in rows["claims"]),
        questions=tuple(Question(id=v["id"], question=v["question"], status=v["status"],
                                 evidence=v["evidence"], topic=v.get("topic"),
                                 actors=v.get("actors", ()), answer=v.get("answer"),
                                 answer_evidence=v.get("answer_evidence", ()))
                        for _, v in rows["questions"]),
        timeline=tuple(Event(id=v["id"], when=v["when"], event=v["event"],
                             evidence=v["evidence"], date=v.get("date"),
                             actors=v.get("actors", ()))
                       for _, v in rows["timeline"]),
    )


def _unique_ids(c: _Checker, rows: list[tuple[str, dict[str, Any]]], what: str) -> set[str]:
    seen: dict[str, str] = {}
    for path, values in rows:
        ident = values.get("id")
        if ident is None:
            continue
        if ident in seen:
            c.add(f"{path}.id", f"duplicate {what} id {ident!r} (first used at {seen[ident]})")
        else:
            seen[ident] = path
    return set(seen)


def _check_refs(c: _Checker, path: str, values: dict[str, Any],
                specs: dict[str, schema.FieldSpec], refs: dict[str, set[str]]) -> None:
    for key, spec in specs.items():
        if spec.ref is None or values.get(key) is None:
            continue
        value = values[key]
        targets = [(f"{path}.{key}[{i}]", v) for i, v in enumerate(value, 1)] \
            if isinstance(value, tuple) else [(f"{path}.{key}", value)]
        for field_path, target in targets:
            if target not in refs[spec.ref]:
                c.add(field_path, f"unknown {spec.ref} {target!r}", suggest(target, refs[spec.ref]))


def _check_evidence(c: _Checker, path: str, values: dict[str, Any], text: str,
                    haystack: str) -> None:
    for key in ("evidence", "answer_evidence"):
        excerpts = values.get(key)
        if not excerpts:
            continue
        for i, excerpt in enumerate(excerpts, 1):
            where = f"{path}.{key}[{i}]" if f"{path}.{key}" in c.listed else f"{path}.{key}"
            if len(re.findall(r"\w+", excerpt)) < MIN_EXCERPT_WORDS:
                c.add(where, f"an excerpt needs at least {MIN_EXCERPT_WORDS} words, so that it "
                             "points at one place in the article")
            elif not _found(excerpt, haystack, whole_words=True):
                c.add(where, "this excerpt is not in the article",
                      _closest_passage(excerpt, text))


# Double quotation marks: curly ones say which way they face, straight ones (and the double
# prime some keyboards produce) open when none is open and close otherwise.
_OPENING = "“„‟"
_CLOSING = "”"
_EITHER = '"″'
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Where the article puts words in double quotation marks: (start, end) of each quoted
    passage, marks excluded, in ``text``'s own offsets.

    Pairs are found within a paragraph, so one stray or missing mark cannot turn every later
    quote inside out. A quote left open at a paragraph's end counts only when the next paragraph
    opens with a quotation mark: the newsroom convention for a quote that runs on over several
    paragraphs (each of its paragraphs is then a passage of its own); any other unclosed mark
    quotes nothing. Paragraphs are separated by blank lines when the text has any (so text
    wrapped at a fixed width keeps its paragraphs whole), otherwise by line breaks.
    """
    breaks = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    paragraphs: list[tuple[int, int]] = []
    start = 0
    for m in breaks.finditer(text):
        paragraphs.append((start, m.start()))
        start = m.end()
    paragraphs.append((start, len(text)))
    spans: list[tuple[int, int]] = []
    for number, (begin, end) in enumerate(paragraphs):
        opened: int | None = None
        for i in range(begin, end):
            ch = text[i]
            if ch in _OPENING or (ch in _EITHER and opened is None):
                opened = i + 1  # an opening mark inside an open quote starts it afresh
            elif (ch in _CLOSING or ch in _EITHER) and opened is not None:
                if i > opened:
                    spans.append((opened, i))
                opened = None
        if opened is not None and number + 1 < len(paragraphs):
            following = text[paragraphs[number + 1][0]:paragraphs[number + 1][1]].lstrip()
            if following[:1] in (_OPENING + _EITHER) and text[opened:end].strip():
                spans.append((opened, end))
    return spans


def quoted_passages(text: str) -> list[str]:
    """The quoted passages of quote_spans, through normalise_verbatim."""
    return [normalise_verbatim(text[a:b]) for a, b in quote_spans(text)]


def _found(excerpt: str, haystack: str, whole_words: bool = False) -> bool:
    """Under the verbatim rule; a quote must also not start or end inside a word.
    ``haystack`` is the article text already through normalise_verbatim."""
    needle = normalise_verbatim(excerpt)
    if not needle:
        return False
    if not whole_words:
        return needle in haystack
    # What re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack) answers (each guard
    # only when the needle starts / ends with a word character), without compiling a pattern
    # per excerpt: \w is exactly str.isalnum() or "_".
    guard_start, guard_end = _word_char(needle[0]), _word_char(needle[-1])
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not (guard_start and start > 0 and _word_char(haystack[start - 1])) and \
                not (guard_end and end < len(haystack) and _word_char(haystack[end])):
            return True
        start = haystack.find(needle, start + 1)
    return False


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _closest_passage(excerpt: str, text: str) -> str | None:
    needle = normalise_verbatim(excerpt)
    haystack = normalise_verbatim(text)
    if not needle:
        return None
    alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=70)
    if alignment is None:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    while start > 0 and haystack[start - 1].isalnum():  # widen to whole words
        start -= 1
    while end < len(haystack) and haystack[end].isalnum():
        end += 1
    passage = haystack[start:end].strip()
    span = locate(passage, text)  # show the article's own quote marks, not straightened ones
    return " ".join(text[span[0]:span[1]].split()) if span else passage


def _check_affiliation_cycles(c: _Checker, actors: list[tuple[str, dict[str, Any]]]) -> None:
    parent = {v["id"]: v.get("affiliation") for _, v in actors if v.get("id")}
    path_of = {v["id"]: p for p, v in actors if v.get("id")}
    reported: set[str] = set()
    for start in parent:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in seen:
            seen.append(node)
            node = parent[node]
        if node is not None and node in seen and node not in reported:
            cycle = seen[seen.index(node):]
            reported.update(cycle)
            c.add(f"{path_of[node]}.affiliation",
                  "affiliations form a cycle: " + " -> ".join([*cycle, node]))


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
