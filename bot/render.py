"""Pure rendering: result objects -> a View (title, notes, one block per fact, footer).

The console prints a View as text; Discord packs the same View into embeds. An answer is
therefore written once. Nothing here talks to Discord or the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import singledispatch
from typing import Any

from bot.vocabulary import FACT, LOOKED_UP, RESPONSE_MARK, STANCE_MARK, STATUS_MARK, UNMARKED
from storage.model import HEADLINE, REVIEWED
from storage.queries import HIT_END, HIT_START
from storage.results import (
    Answer,
    ArticleRef,
    ArticlesAnswer,
    ClaimItem,
    ClaimsAnswer,
    Match,
    NotFound,
    PagedAnswer,
    PositionItem,
    PositionsAnswer,
    ProfileAnswer,
    QuestionsAnswer,
    QuoteItem,
    QuotesAnswer,
    SearchAnswer,
    SourceAnswer,
    TimelineAnswer,
)

EVIDENCE_CHARS = 180  # a short excerpt per fact; /source shows it whole, in its sentence
MAX_ECHO = 100        # how much of a user's own text is repeated back


@dataclass(frozen=True)
class Style:
    """How a surface marks text up. Everything from users or sheets goes through ``text``."""

    text: Callable[[str], str]
    bold: Callable[[str], str]
    code: Callable[[str], str]
    italic: Callable[[str], str]
    hit: tuple[str, str]  # around search matches


PLAIN = Style(text=lambda s: s, bold=lambda s: s, code=lambda s: s, italic=lambda s: s,
              hit=("[", "]"))


@dataclass(frozen=True)
class Block:
    """One fact (or one item): a headline and detail lines, already marked up."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Paging:
    """Where the blocks of a View stand in the whole answer, read one page at a time."""

    noun: str    # what the items are: "positions", "events", "articles", ...
    first: int   # 1-based number of the first item shown
    last: int
    total: int   # every item of the answer
    number: int  # this page
    pages: int   # every page of the answer

    @property
    def label(self) -> str:
        """E.g. "positions 21–30 of 312 · page 3 of 32"."""
        return f"{self.noun} {self.first}–{self.last} of {self.total} · " \
            f"page {self.number} of {self.pages}"


@dataclass(frozen=True)
class View:
    title: str
    notes: tuple[str, ...]
    blocks: tuple[Block, ...]
    footer: str
    empty: str = ""  # said when there are no blocks
    paging: Paging | None = None  # set when the answer has more than one page

    @property
    def found(self) -> bool:
        return bool(self.blocks)


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis, so a cut is always visible."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def echo(value: str) -> str:
    """A user's own text, made safe to repeat back: one line, bounded, no NUL."""
    return shorten(value.replace("\0", " "), MAX_ECHO)


def _stance(stance: str) -> str:
    return f"{STANCE_MARK.get(stance, UNMARKED)} {stance.replace('-', ' ')}"


Drafts = frozenset[str]  # slugs of the articles an answer cites whose facts are a machine draft
DRAFT_TAG = "(draft)"


def _cite(fact_id: str, s: Style, drafts: Drafts = frozenset()) -> str:
    """The fact's id, tagged when it comes from a drafted article: a reader never takes the
    machine's output for an editor's."""
    draft = drafts and fact_id.split("/", 1)[0] in drafts
    return f"{s.code(fact_id)} {DRAFT_TAG}" if draft else s.code(fact_id)


def drafted(articles: Mapping[str, ArticleRef]) -> Drafts:
    return frozenset(slug for slug, ref in articles.items() if ref.review != REVIEWED)


def draft_note(drafts: Drafts, s: Style) -> str:
    """Said first in every answer with drafted facts."""
    names = ", ".join(s.code(slug) for slug in sorted(drafts))
    return (f"⚠️ Machine draft, not yet reviewed by an editor: {names}. Facts marked "
            f"{DRAFT_TAG} may be wrong; check them with /source.")


def _evidence_lines(evidence: Iterable[str], s: Style, indent: str = "  ") -> tuple[str, ...]:
    """Every excerpt a fact has, of every kind: the text beside them never claims more than
    they show (a second excerpt often carries a condition or the half of the support)."""
    return tuple(f"{indent}↳ {s.italic(s.text('“' + shorten(excerpt, EVIDENCE_CHARS) + '”'))}"
                 for excerpt in evidence if excerpt)


def _when(ref: ArticleRef) -> str:
    return ref.published or "undated"


def source_line(ref: ArticleRef, s: Style = PLAIN) -> str:
    """The article as a reader should see it: its headline, or plainly that it has none (a
    first line is not shown as if it were one)."""
    head = (f"“{s.text(ref.title)}”" if ref.title_source == HEADLINE else
            f"No headline (it opens “{s.text(shorten(ref.title, 120))}”)")
    return f"{head} — {s.text(ref.outlet)}, {_when(ref)}"


def footer(articles: dict[str, ArticleRef]) -> str:
    """The source, once, where it helps: under /source (and at the head of /brief and in
    /articles), not under every answer; a fact id's first part names its article."""
    ref = next(iter(articles.values()), None)
    return f"Source: {source_line(ref)} [{ref.slug}]" if ref else ""


def _title(command: str, answer: Answer, s: Style) -> str:
    """Restates the question, with names as they were understood."""
    understood = {m.query: m.name for m in answer.matches}
    parts = [f"{k}: {s.text(echo(understood.get(v, v)))}" for k, v in answer.filters.items()]
    return f"{command} — {', '.join(parts)}" if parts else command


def _notes(answer: Answer, s: Style) -> tuple[str, ...]:
    drafts = drafted(answer.articles)
    notes = [draft_note(drafts, s)] if drafts else []
    for m in answer.matches:
        notes.extend(_match_notes(m, s))
    if answer.not_found:
        notes.append(not_found_text(answer.not_found, s))
    return tuple(notes)


def _match_notes(m: Match, s: Style) -> list[str]:
    notes = []
    name = shorten(m.name, 200)  # before markup, so a cut never leaves an open **
    if m.corrected:
        notes.append(f"Showing {s.bold(s.text(name))} for “{s.text(echo(m.query))}”.")
    if m.rollup:
        notes.append(f"{s.text(name)} includes {s.text(shorten(', '.join(m.rollup), 350))}.")
    return notes


def not_found_text(nf: NotFound, s: Style) -> str:
    if nf.entity not in LOOKED_UP:
        raise KeyError(nf.entity)  # a new kind of lookup: say here how it reads
    what = nf.entity
    line = f"No {what} named “{s.text(echo(nf.query))}”." if nf.query.strip() else \
        f"No {what} given."
    if nf.suggestions:
        options = [s.code(x) if nf.entity == FACT else s.bold(s.text(x)) for x in nf.suggestions]
        line += f" Did you mean {_or(options)}?"
    return line


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def paging(answer: PagedAnswer, shown: int, noun: str) -> Paging | None:
    """``shown``: how many items of the answer this page holds."""
    if answer.page is None or answer.pages <= 1 or not shown:
        return None
    return Paging(noun, answer.offset + 1, answer.offset + shown, answer.total,
                  answer.page.number, answer.pages)


NOUNS = {PositionsAnswer: "positions", QuotesAnswer: "quotes", ClaimsAnswer: "claims",
         QuestionsAnswer: "questions", TimelineAnswer: "events", ArticlesAnswer: "articles"}


def _view(command: str, answer: Answer, blocks: list[Block], s: Style, empty: str) -> View:
    paged = paging(answer, len(blocks), NOUNS[type(answer)]) \
        if isinstance(answer, PagedAnswer) else None
    return View(title=_title(command, answer, s), notes=_notes(answer, s), blocks=tuple(blocks),
                footer=footer(answer.articles) if isinstance(answer, SourceAnswer) else "",
                empty="" if answer.not_found else empty, paging=paged)


@singledispatch
def view(answer: Answer, s: Style = PLAIN) -> View:
    raise TypeError(f"no renderer for {type(answer).__name__}")


def _position_block(p: PositionItem, s: Style, drafts: Drafts) -> Block:
    via = f" (via {s.text(p.via)})" if p.via else ""
    return Block((
        f"{_stance(p.stance)} · {s.bold(s.text(p.actor_name))} on {s.text(p.topic_name)} "
        f"{_cite(p.fact_id, s, drafts)}",
        f"  {s.text(p.summary)}{via}",
        *_evidence_lines(p.evidence, s)))


def _quote_block(q: QuoteItem, s: Style, drafts: Drafts) -> Block:
    where = ", ".join(x for x in (q.setting, f"via {q.via}" if q.via else None) if x)
    # The quote is shown whole and verbatim: never shortened, never re-punctuated.
    return Block(tuple(x for x in (
        f"“{s.text(q.text)}” — {s.bold(s.text(q.speaker_name))}, {s.text(q.cue)} "
        f"{_cite(q.fact_id, s, drafts)}",
        f"  {s.text(where)}" if where else "",
        f"  {s.italic(s.text(q.context))}" if q.context else "",
        # The excerpt holding the quote would repeat it; any other one says more.
        *_evidence_lines((e for e in q.evidence if q.text not in e), s)) if x))


def _claim_block(c: ClaimItem, s: Style, drafts: Drafts) -> Block:
    lines = [f"{STATUS_MARK.get(c.status, UNMARKED)} {c.status} · {s.bold(s.text(c.claimant_name))}"
             f" claims: {s.text(c.claim)} {_cite(c.fact_id, s, drafts)}",
             *_evidence_lines(c.evidence, s)]
    for r in c.responses:
        via = f" (via {s.text(r.via)})" if r.via else ""
        lines.append(f"  {RESPONSE_MARK.get(r.response, UNMARKED)} {s.text(r.actor_name)} "
                     f"{r.response}: {s.text(r.summary)}{via} {_cite(r.fact_id, s, drafts)}")
        lines += _evidence_lines(r.evidence, s, "    ")
    if not c.responses:
        lines.append("  No response from other actors in the article.")
    return Block(tuple(lines))


def _item_view(command: str, block: Callable[[Any, Style, Drafts], Block], empty: str
               ) -> Callable[[Any, Style], View]:
    """The view of a list answer whose every item is one block."""
    def render(answer: Any, s: Style = PLAIN) -> View:
        drafts = drafted(answer.articles)
        return _view(command, answer, [block(item, s, drafts) for item in answer.items], s, empty)
    return render


@view.register
def _(answer: PositionsAnswer, s: Style = PLAIN) -> View:
    """Positions come grouped by topic (storage.rows stores them so): each topic heads its
    group, again at the top of a page that continues it."""
    blocks, drafts, topic = [], drafted(answer.articles), None
    for p in answer.items:
        block = _position_block(p, s, drafts)
        if p.topic_name != topic:  # a heading line, in the block: a block is still a fact
            topic = p.topic_name
            block = Block((f"{s.bold(s.text(topic))}", *block.lines))
        blocks.append(block)
    return _view("Positions", answer, blocks, s, "No positions match.")

view.register(QuotesAnswer, _item_view("Quotes", _quote_block, "No quotes match."))
view.register(ClaimsAnswer, _item_view("Claims", _claim_block, "No claims match."))


@view.register
def _(answer: QuestionsAnswer, s: Style = PLAIN) -> View:
    blocks = []
    drafts = drafted(answer.articles)
    # Questions about the article itself are listed apart, after the news questions.
    items = sorted(answer.items, key=lambda q: q.about != "news")
    for i, q in enumerate(items):
        apart = q.about != "news" and (i == 0 or items[i - 1].about == "news")
        about = ", ".join(x for x in (q.topic_name, *q.actor_names) if x)
        lines = [f"{s.bold('About the source')}: questions about the article itself"] \
            if apart else []
        lines += [f"{STATUS_MARK.get(q.status, UNMARKED)} {s.text(q.question)} "
                 f"{_cite(q.fact_id, s, drafts)}"]
        if about:
            lines.append(f"  about: {s.text(about)}")
        lines += _evidence_lines(q.evidence, s)
        if q.answer:
            lines.append(f"  answer: {s.text(q.answer)}")
            lines += _evidence_lines(q.answer_evidence, s, "    ")
        blocks.append(Block(tuple(lines)))
    return _view("Questions", answer, blocks, s, "No questions match.")


@view.register
def _(answer: TimelineAnswer, s: Style = PLAIN) -> View:
    blocks = []
    drafts = drafted(answer.articles)
    for e in answer.items:
        when = f"{e.when} ({e.date})" if e.date else e.when
        who = f" — {s.text(', '.join(e.actor_names))}" if e.actor_names else ""
        blocks.append(Block((f"{s.bold(s.text(when))}: {s.text(e.event)}{who} "
                             f"{_cite(e.fact_id, s, drafts)}", *_evidence_lines(e.evidence, s))))
    return _view("Timeline", answer, blocks, s, "No timeline events.")


@view.register
def _(answer: ArticlesAnswer, s: Style = PLAIN) -> View:
    blocks = []
    for a in answer.items:
        counts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}"
                           for kind, n in sorted(a.counts.items()))
        url = f" {a.ref.url}" if a.ref.url else ""
        review = f" {DRAFT_TAG}, not yet reviewed" if a.ref.review != REVIEWED else ""
        blocks.append(Block((
            f"{source_line(a.ref, s)} {s.code(a.ref.slug)}{review}{url}",
            f"  {counts or 'no facts'}")))
    return View(title="Articles", notes=(), blocks=tuple(blocks), footer="",
                empty="No articles are loaded.", paging=paging(answer, len(blocks), "articles"))


@view.register
def _(answer: SearchAnswer, s: Style = PLAIN) -> View:
    blocks = []
    drafts = drafted(answer.articles)
    for h in answer.items:
        snippet = s.text(" ".join(h.snippet.split()))
        snippet = snippet.replace(HIT_START, s.hit[0]).replace(HIT_END, s.hit[1])
        blocks.append(Block((f"{h.kind} {_cite(h.fact_id, s, drafts)}", f"  {snippet}")))
    notes = [draft_note(drafts, s)] if drafts else []
    if answer.any_word:
        notes.append("No fact has every word; showing facts with some of them.")
    if answer.more:
        notes.append(f"More than {len(answer.items)} facts match: these are the newest. "
                     "Add a word to narrow the search.")
    empty = ("Type some words to search for." if not any(c.isalnum() for c in answer.query)
             else "Nothing matches.")
    return View(title=_title("Search", answer, s), notes=tuple(notes), blocks=tuple(blocks),
                footer="", empty=empty)


@view.register
def _(answer: ProfileAnswer, s: Style = PLAIN) -> View:
    if answer.not_found or not answer.key:
        return _view("Who", answer, [], s, "")
    head = [f"{s.bold(s.text(answer.name))} ({answer.kind}) {s.code(answer.key)}"]
    if answer.role:
        head.append(f"  role: {s.text(answer.role)}")
    if answer.affiliation_chain:
        head.append(f"  speaks for: {s.text(' → '.join(answer.affiliation_chain))}")
    if answer.members:
        head.append(f"  includes: {s.text(', '.join(answer.members))}")
    if answer.aliases:
        head.append(f"  also called: {s.text(', '.join(answer.aliases))}")
    blocks = [Block(tuple(head))]
    drafts = drafted(answer.articles)
    # /who is a summary: the first few of each kind, then how many more and where they are.
    for shown, total, what, command in (
            ([_position_block(p, s, drafts) for p in answer.positions], answer.positions_total,
             "positions", f"/positions actor:{answer.name}"),
            ([_quote_block(q, s, drafts) for q in answer.quotes], answer.quotes_total, "quotes",
             f"/quotes speaker:{answer.name}"),
            ([_claim_block(c, s, drafts) for c in answer.claims], answer.claims_total, "claims",
             f"/claims actor:{answer.name}")):
        blocks += shown
        if total > len(shown):
            # The count is the actor's own; the command rolls up affiliated actors as well.
            blocks.append(Block((f"… and {total - len(shown)} more {what} of their own; with "
                                 f"affiliated actors': {s.code(command)}",)))
    return _view("Who", answer, blocks, s, "")


@view.register
def _(answer: SourceAnswer, s: Style = PLAIN) -> View:
    if answer.not_found:
        return _view("Source", answer, [], s, "")
    blocks = [Block((f"{answer.kind} {_cite(answer.fact_id, s, drafted(answer.articles))}: "
                     f"{s.text(answer.text)}",))]
    for excerpt, sentence in answer.passages:
        shown = s.text(sentence)
        if excerpt != sentence:
            shown += f"\n  excerpt: {s.italic(s.text('“' + excerpt + '”'))}"
        blocks.append(Block((f"  {shown}",)))
    ref = next(iter(answer.articles.values()), None)
    if ref and ref.url:
        blocks.append(Block((f"  Read the article: {ref.url}",)))
    return _view("Source", answer, blocks, s, "")


def to_text(v: View) -> str:
    out = [v.title]
    out += v.notes
    if v.blocks:
        out += [line for b in v.blocks for line in b.lines]
    elif v.empty:
        out.append(v.empty)
    if v.footer:
        out.append(v.footer)
    if v.paging:
        out.append(v.paging.label)
    return "\n".join(out)
