"""Pure rendering of /brief: the state of play in one View, for Discord and the console alike.

Each section is one block (a long brief is split between sections, never inside a line), and
every line cites the fact ids behind it; /source shows each one's evidence.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.render import (
    DRAFT_TAG,
    PLAIN,
    Block,
    Drafts,
    Style,
    View,
    draft_note,
    drafted,
    echo,
    not_found_text,
    shorten,
    source_line,
    view,
)
from bot.vocabulary import RESPONSE_MARK, STANCE_MARK, STATUS_MARK, UNMARKED
from storage.results import ClaimItem, Match
from storage.results_brief import BriefAnswer, BriefChange, TopicLine

TEXT_CHARS = 160  # a claim, question or change in one line; /source has it whole
DISPUTING = ("rejects", "contradicts")  # responses that make a claim disputed
CHANGE_MARK = {"added": "🆕", "changed": "✏️", "removed": "🗑️"}
SINCE = {"digest": "Since the last digest", "setup": "Since the digest was set up",
         "day": "In the last 24 hours"}
SINCE_NOTE = {"digest": "posted {at}",
              "setup": "none posted yet: what the first one will hold",
              "day": "no digest here: the span a daily digest covers"}


def _cite(fact_id: str, s: Style, drafts: Drafts) -> str:
    draft = drafts and fact_id.split("/", 1)[0] in drafts
    return f"{s.code(fact_id)} {DRAFT_TAG}" if draft else s.code(fact_id)


def _title(answer: BriefAnswer, s: Style) -> str:
    understood = {m.query: m.name for m in answer.matches}
    parts = [f"{k}: {s.text(echo(understood.get(v, v)))}" for k, v in answer.filters.items()]
    if parts:
        return "Brief — " + ", ".join(parts)
    return "Brief — the newest article" if answer.newest else "Brief"


def _match_notes(matches: Iterable[Match], s: Style) -> list[str]:
    notes = []
    for m in matches:
        name = shorten(m.name, 200)
        if m.corrected:
            notes.append(f"Showing {s.bold(s.text(name))} for “{s.text(echo(m.query))}”.")
        if m.rollup:
            notes.append(f"{s.text(name)} includes {s.text(shorten(', '.join(m.rollup), 350))}.")
    return notes


def _topic_line(line: TopicLine, s: Style, drafts: Drafts) -> str:
    marks = []
    for m in line.marks:
        more = f" (+{m.more} more)" if m.more else ""
        marks.append(f"{STANCE_MARK.get(m.stance, UNMARKED)} {s.text(m.actor_name)} "
                     f"{_cite(m.fact_id, s, drafts)}{more}")
    more = f" · and {line.more} more" if line.more else ""
    return f"{s.bold(s.text(line.topic_name))}: " + " · ".join(marks) + more


def _legend(answer: BriefAnswer) -> str:
    used = {m.stance for line in answer.topics for m in line.marks}
    return " · ".join(f"{mark} {stance.replace('-', ' ')}" for stance, mark in STANCE_MARK.items()
                      if stance in used)


def _disputed(c: ClaimItem, s: Style, drafts: Drafts) -> str:
    against = [r for r in c.responses if r.response in DISPUTING]
    who = ", ".join(f"{RESPONSE_MARK.get(r.response, UNMARKED)} {s.text(r.actor_name)} "
                    f"{r.response} {_cite(r.fact_id, s, drafts)}" for r in against)
    line = (f"{STATUS_MARK['disputed']} {s.bold(s.text(c.claimant_name))}: "
            f"{s.text(shorten(c.claim, TEXT_CHARS))} {_cite(c.fact_id, s, drafts)}")
    return line + (f"\n  disputed by {who}" if who else
                   "\n  marked disputed; no response in the article says by whom")


def _more(shown: int, total: int, what: str, command: str, s: Style) -> list[str]:
    if total <= shown:
        return []
    what = f" {what}" if what else ""
    return [f"  … and {total - shown} more{what}: {s.code(command)}"]


def _command(answer: BriefAnswer, command: str, options: dict[str, str]) -> str:
    """The command that lists the rest of a section, with the brief's scope in the options
    that command has (``options``: the brief's option -> the command's)."""
    # Keys, not names: they are what a name resolves from, and never hold markup.
    given = {m.entity: m.keys[0] for m in answer.matches if m.keys}
    if answer.article is not None:
        given["article"] = answer.article.slug
    # Slugs and keys are short by the schema (64 and 40 characters): never cut.
    parts = [command] + [f"{options[k]}:{v}" for k, v in given.items() if k in options]
    return " ".join(parts)


_POSITIONS = {"article": "article", "topic": "topic", "actor": "actor"}
_CLAIMS = {"article": "article", "actor": "actor"}
_QUOTES = {"article": "article", "actor": "speaker"}


def _change(c: BriefChange, s: Style, drafts: Drafts) -> str:
    mark = CHANGE_MARK.get(c.change, UNMARKED)
    if c.kind == "article":
        return f"{mark} article {c.change}: {s.code(c.fact_id)}"
    moved = f" ({c.before} → {c.after})" if c.before and c.after and c.before != c.after else ""
    return (f"{mark} {c.kind} {c.change}{moved}: {s.text(shorten(c.text, TEXT_CHARS))} "
            f"{_cite(c.fact_id, s, drafts)}")


@view.register
def brief_view(answer: BriefAnswer, s: Style = PLAIN) -> View:
    drafts = drafted(answer.articles)
    notes = [draft_note(drafts, s)] if drafts else []
    notes += _match_notes(answer.matches, s)
    if answer.not_found:
        notes.append(not_found_text(answer.not_found, s))
        return View(_title(answer, s), tuple(notes), (), "")
    if not answer.loaded:
        return View(_title(answer, s), tuple(notes), (), "", empty="No articles are loaded.")
    blocks = []
    if answer.article is not None:
        blocks.append(Block((f"{source_line(answer.article, s)} · {s.code(answer.article.slug)}"
                             + (f" {DRAFT_TAG}" if answer.article.slug in drafts else ""),)))
    else:
        blocks.append(Block((f"Across every article: {len(answer.articles)} cited below.",)))
    if answer.topics:
        lines = [f"{s.bold('Where they stand')} ({_legend(answer)})"]
        lines += [_topic_line(t, s, drafts) for t in answer.topics]
        if answer.topics_total > len(answer.topics):
            lines.append(f"  … and {answer.topics_total - len(answer.topics)} more topics: "
                         f"{s.code(_command(answer, '/positions', _POSITIONS))}")
        if answer.positions_total > answer.positions_read:
            lines.append(f"  (from the newest {answer.positions_read} of "
                         f"{answer.positions_total} positions)")
        blocks.append(Block(tuple(lines)))
    else:
        blocks.append(Block((f"{s.bold('Where they stand')}: no positions.",)))
    lines = [f"{s.bold('Disputed claims')} ({answer.disputed_total})"]
    lines += [_disputed(c, s, drafts) for c in answer.disputed] or ["  none"]
    lines += _more(len(answer.disputed), answer.disputed_total, "disputed claims",
                   _command(answer, "/claims status:disputed", _CLAIMS), s)
    blocks.append(Block(tuple(lines)))
    lines = [f"{s.bold('Open questions')} ({answer.questions_total})"]
    lines += [f"{STATUS_MARK['open']} {s.text(shorten(q.question, TEXT_CHARS))} "
              f"{_cite(q.fact_id, s, drafts)}" for q in answer.questions] or ["  none"]
    lines += _more(len(answer.questions), answer.questions_total, "",
                   _command(answer, "/questions status:open", _POSITIONS), s)
    blocks.append(Block(tuple(lines)))
    if answer.source_questions_total:
        lines = [f"{s.bold('About the source')} ({answer.source_questions_total} open: "
                 "questions about the article itself)"]
        lines += [f"{STATUS_MARK['open']} {s.text(shorten(q.question, TEXT_CHARS))} "
                  f"{_cite(q.fact_id, s, drafts)}" for q in answer.source_questions]
        lines += _more(len(answer.source_questions), answer.source_questions_total, "",
                       _command(answer, "/questions status:open", _POSITIONS), s)
        blocks.append(Block(tuple(lines)))
    lines = [f"{s.bold('Newest quotes')} ({answer.quotes_total})"]
    lines += [f"“{s.text(q.text)}” — {s.text(q.speaker_name)} {_cite(q.fact_id, s, drafts)}"
              for q in answer.quotes] or ["  none"]
    lines += _more(len(answer.quotes), answer.quotes_total, "",
                   _command(answer, "/quotes", _QUOTES), s)
    blocks.append(Block(tuple(lines)))
    since = SINCE_NOTE[answer.since].format(at=answer.since_at or "")
    lines = [f"{s.bold(SINCE[answer.since])} ({since}): {answer.changes_total} change"
             f"{'' if answer.changes_total == 1 else 's'}"]
    lines += [_change(c, s, drafts) for c in answer.changes]
    if answer.changes_total > len(answer.changes):
        lines.append(f"  … and {answer.changes_total - len(answer.changes)} more: "
                     f"{s.code('/digest preview')} on Discord")
    blocks.append(Block(tuple(lines)))
    return View(_title(answer, s), tuple(notes), tuple(blocks), "")
