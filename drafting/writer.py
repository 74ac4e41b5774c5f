"""A draft as facts.toml text, in the section order of docs/fact-sheets.md."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from drafting.model import Draft
from storage.schema import DRAFT_HEADER

Value = str | date | list[str] | None


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _value(value: str | date | list[str]) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_string(v) for v in value) + "]"
    return toml_string(value)


def _table(header: str, fields: Iterable[tuple[str, Value]]) -> str:
    lines = [header]
    lines += [f"{key} = {_value(value)}" for key, value in fields
              if value is not None and value != []]
    return "\n".join(lines) + "\n"


def to_toml(draft: Draft) -> str:
    a = draft.article
    parts = [DRAFT_HEADER, _table("[article]", [
        ("slug", a.slug), ("title", a.title), ("outlet", a.outlet),
        ("published", a.published if a.published is not None else "undated"),
        ("language", a.language), ("url", a.url), ("review", "draft"),
        ("unsure", a.unsure)])]
    for actor in draft.actors:
        parts.append(_table("[[actors]]", [
            ("id", actor.id), ("name", actor.name), ("kind", actor.kind),
            ("aliases", actor.aliases), ("role", actor.role), ("affiliation", actor.affiliation),
            ("evidence", actor.evidence), ("unsure", actor.unsure)]))
    for topic in draft.topics:
        parts.append(_table("[[topics]]", [("id", topic.id), ("name", topic.name)]))
    for p in draft.positions:
        parts.append(_table("[[positions]]", [
            ("id", p.id), ("actor", p.actor), ("topic", p.topic), ("stance", p.stance),
            ("summary", p.summary), ("evidence", p.evidence), ("unsure", p.unsure)]))
    for q in draft.quotes:
        parts.append(_table("[[quotes]]", [
            ("id", q.id), ("speaker", q.speaker), ("text", q.text), ("cue", q.cue),
            ("evidence", q.evidence), ("unsure", q.unsure)]))
    for c in draft.claims:
        parts.append(_table("[[claims]]", [
            ("id", c.id), ("claimant", c.claimant), ("claim", c.claim), ("status", c.status),
            ("evidence", c.evidence), ("unsure", c.unsure)]))
        for r in c.responses:
            parts.append(_table("[[claims.responses]]", [
                ("actor", r.actor), ("response", r.response), ("summary", r.summary),
                ("evidence", r.evidence), ("unsure", r.unsure)]))
    for oq in draft.questions:
        parts.append(_table("[[questions]]", [
            ("id", oq.id), ("question", oq.question), ("status", "open"),
            ("actors", oq.actors), ("evidence", oq.evidence), ("unsure", oq.unsure)]))
    for t in draft.timeline:
        parts.append(_table("[[timeline]]", [
            ("id", t.id), ("when", t.when), ("date", t.date), ("event", t.event),
            ("actors", t.actors), ("evidence", t.evidence), ("unsure", t.unsure)]))
    return "\n".join(parts)
