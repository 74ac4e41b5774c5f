"""Checking a parsed sheet against the schema, the article's text and itself, and building the
model from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from storage import schema
from storage.model import (
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
from storage.sheets.checker import MIN_EXCERPT_WORDS, Checker
from storage.sheets.problems import suggest
from storage.sheets.quoting import closest_passage, found_verbatim, quoted_passages
from storage.text import normalise_verbatim


def build_sheet(c: Checker, data: dict[str, Any], text: str, folder: Path, digest: str) -> Sheet | None:
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
        if not found_verbatim(quote, haystack, whole_words=True):
            c.add(f"{path}.text", "the quote does not stand verbatim in the article",
                  closest_passage(quote, text))
        elif not any(found_verbatim(quote, span, whole_words=True) for span in quoted):
            c.add(f"{path}.text", "these words are not inside quotation marks in the article; "
                                  "a quote must be words the article quotes")
        elif values.get("evidence") and not any(
                normalise_verbatim(quote) in normalise_verbatim(e) for e in values["evidence"]):
            c.add(f"{path}.evidence", "the evidence must contain the quote itself, with its "
                                      "attribution")
    if article is not None and article.get("title_source") == "first-line" \
            and article.get("title") and not _first_line_is(text, article["title"]):
        c.add("article.title", "title_source = \"first-line\" says the title is the article's "
                               "first line, but article.txt begins otherwise",
              f"copy its first line: {_first_line(text)[:120]!r}")
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
            title_source=article.get("title_source", schema.DEFAULT_TITLE_SOURCE),
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
                                 answer_evidence=v.get("answer_evidence", ()),
                                 about=v.get("about", schema.DEFAULT_ABOUT))
                        for _, v in rows["questions"]),
        timeline=tuple(Event(id=v["id"], when=v["when"], event=v["event"],
                             evidence=v["evidence"], date=v.get("date"),
                             actors=v.get("actors", ()))
                       for _, v in rows["timeline"]),
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _first_line_is(text: str, title: str) -> bool:
    """The title is the article's first non-blank line (whitespace and quote marks aside)."""
    return normalise_verbatim(_first_line(text)) == normalise_verbatim(title)


def _unique_ids(c: Checker, rows: list[tuple[str, dict[str, Any]]], what: str) -> set[str]:
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


def _check_refs(c: Checker, path: str, values: dict[str, Any],
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


def _check_evidence(c: Checker, path: str, values: dict[str, Any], text: str,
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
            elif not found_verbatim(excerpt, haystack, whole_words=True):
                c.add(where, "this excerpt is not in the article",
                      closest_passage(excerpt, text))


# Double quotation marks: curly ones say which way they face, straight ones (and the double
# prime some keyboards produce) open when none is open and close otherwise.


def _check_affiliation_cycles(c: Checker, actors: list[tuple[str, dict[str, Any]]]) -> None:
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
