"""The validator's bookkeeping: identifiers' rules, the line of facts.toml each field is on,
and the problems found so far."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from storage import schema
from storage.sheets.problems import Problem, suggest

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_SLUG = 64
MAX_KEY = 40
MAX_ID = 24
MIN_EXCERPT_WORDS = 2


class Lines:
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


class Checker:
    def __init__(self, file: str, raw: str) -> None:
        self.file = file
        self.raw = raw
        self._lines: Lines | None = None
        self.problems: list[Problem] = []
        self.listed: set[str] = set()  # evidence fields written as a list, reported with [i]

    @property
    def lines(self) -> Lines:
        """Built on the first problem: a valid sheet never needs line numbers."""
        if self._lines is None:
            self._lines = Lines(self.raw)
        return self._lines

    def add(self, path: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(self.file, self.lines.line(path), path, message, suggestion))

    # --- field values -------------------------------------------------------------------
    def value(self, path: str, raw: Any, spec: schema.FieldSpec) -> Any:
        """The typed value of one field, or None after recording a problem."""
        kind = spec.type
        if kind in ("text", "slug", "key", "id", "language", "url"):
            if not isinstance(raw, str):
                self.add(path, f"must be text, not {describe(raw)}")
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
                self.add(path, f"must be a list, not {describe(raw)}")
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
                self.add(path, f"must be a date like 2025-02-25 (no quotes), not {describe(raw)}")
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
            self.add(path, f"must be a table, not {describe(raw)}")
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


def describe(value: Any) -> str:
    names = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
             dict: "a table", date: "a date", datetime: "a date and time"}
    return names.get(type(value), type(value).__name__)
