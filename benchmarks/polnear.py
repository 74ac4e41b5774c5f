"""Reading PolNeAR (brat standoff: Source / Cue / Content spans joined by an Attribution event)
from a copy outside the repository, and the gold this evaluation derives from it.

The corpus's texts are third-party: they are read from the corpus folder at run time and
never copied into the repository, its tests or its fixtures.

Direct quotes in the gold: PolNeAR annotates attributions, not quotation marks. A gold direct
quote is a Content span in quotation marks: a passage in double quotation marks (paired
within a line, by this module's own simple rule, not the drafter's) at least half of which
lies inside a Content span that is itself at least half in quotation marks; its speaker is
that attribution's Source. Where attributions nest (an outlet reports that a senator said the
words), the innermost one, whose Content holds least besides the passage, gives the speaker.
A drafted quote counts as right (precision) when it overlaps any quoted passage inside any
Content span: somebody is said to have said those words. Quoted passages outside every
Content span (titles, scare quotes nobody is said to have said) are neither.
A gold indirect claim is a Content span less than half of which is in quotation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Attribution:
    source: Spans  # () when the annotation has no source
    cue: Spans
    content: Spans


@dataclass
class Article:
    name: str
    text: str
    attributions: list[Attribution] = field(default_factory=list)


def _spans(field_text: str) -> Spans:
    out = []
    for part in field_text.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(out)


def read_ann(path: Path) -> list[Attribution]:
    spans: dict[str, Spans] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            if kind in ("Source", "Cue", "Content"):
                spans[parts[0]] = _spans(where)
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(item.split(":", 1) for item in parts[1].split() if ":" in item)
            events.append(roles)
    found = []
    for roles in events:
        by_role: dict[str, list[tuple[int, int]]] = {"Source": [], "Cue": [], "Content": []}
        for role, ref in roles.items():
            base = re.sub(r"\d+$", "", role)
            if base in by_role and ref in spans:
                by_role[base].extend(spans[ref])
        if by_role["Content"]:
            found.append(Attribution(tuple(by_role["Source"]), tuple(by_role["Cue"]),
                                     tuple(by_role["Content"])))
    return found


def read_split(root: Path, split: str) -> list[Article]:
    """Every article of ``split`` ("train" or "dev") with the first annotator's attributions
    (sorted by file name; a few articles were annotated by several, for agreement)."""
    texts = sorted((root / split / "text").glob("*.txt"))
    anns = sorted((root / split / "attributions").glob("*.ann"))
    articles = []
    for text_path in texts:
        name = text_path.stem
        mine = [a for a in anns if a.stem.rsplit("_", 1)[0] == name]
        if not mine:
            continue
        articles.append(Article(name, text_path.read_text(encoding="utf-8"), read_ann(mine[0])))
    return articles


_PAIR = re.compile(r"[“\"]([^“”\"\n]+)[”\"]")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Passages in double quotation marks, paired within each line; an opening mark left open
    at a line's end counts up to there when the next line opens with a mark (a quote running
    over paragraphs)."""
    out: list[tuple[int, int]] = []
    lines = text.split("\n")
    offset = 0
    for n, line in enumerate(lines):
        last = 0
        for m in _PAIR.finditer(line):
            out.append((offset + m.start(1), offset + m.end(1)))
            last = m.end()
        rest = line[last:]
        opener = max(rest.rfind("“"), rest.rfind('"'))
        following = next((ln for ln in lines[n + 1:] if ln.strip()), "").lstrip()
        if opener >= 0 and following[:1] in ("“", '"') and rest[opener + 1:].strip():
            out.append((offset + last + opener + 1, offset + len(line)))
        offset += len(line) + 1
    return out


def _inside(span: tuple[int, int], spans: Spans) -> int:
    return sum(max(0, min(span[1], b) - max(span[0], a)) for a, b in spans)


@dataclass(frozen=True)
class GoldQuote:
    span: tuple[int, int]
    source: Spans
    content: Spans  # the attribution's whole Content, the passage and what surrounds it
    # Sources of other attributions whose Content holds the passage as closely (nested
    # attributions of the same size, e.g. the speaker's and the relaying outlet's).
    also: tuple[Spans, ...] = ()
    # The source the earlier rule took (the first attribution covering most of the passage,
    # in file order, however much more its Content holds): reported beside, for comparison.
    first: Spans = ()


def _quoted_share(attribution: Attribution, quoted: Spans) -> float:
    size = sum(b - a for a, b in attribution.content)
    return sum(_inside(c, quoted) for c in attribution.content) / size if size else 0.0


def gold_quotes(article: Article, *, quoted_content_only: bool = True) -> list[GoldQuote]:
    """Quoted passages that are (mostly) inside an attribution's Content. With
    ``quoted_content_only`` (the headline definition), only Content spans that are themselves
    in quotation marks (at least half of their characters) count: direct quotations. Without
    it, also the quoted words inside a paraphrase (“...,” a title or phrase the source used),
    which PolNeAR annotates as part of the attribution."""
    quoted = tuple(quoted_spans(article.text))
    gold = []
    for span in quoted:
        length = span[1] - span[0]
        if not article.text[span[0]:span[1]].strip():
            continue
        covering = [a for a in article.attributions if _inside(span, a.content) * 2 >= length]
        if not covering:
            continue
        first = max(article.attributions, key=lambda a: _inside(span, a.content))
        # The innermost attribution: the one whose Content holds least besides the passage.
        # "“...,” the senator said, according to a network" nests the senator's attribution
        # inside the network's; the words are the senator's.
        size = min(_size(a) for a in covering)
        innermost = [a for a in covering if _size(a) == size]
        best = innermost[0]
        if quoted_content_only and _quoted_share(best, quoted) < 0.5:
            continue
        also = tuple(a.source for a in innermost[1:] if a.source and a.source != best.source)
        gold.append(GoldQuote(span, best.source, best.content, also, first.source))
    return gold


def _size(attribution: Attribution) -> int:
    return sum(b - a for a, b in attribution.content)


def gold_claims(article: Article) -> list[Attribution]:
    quoted = tuple(quoted_spans(article.text))
    claims = []
    for attribution in article.attributions:
        size = sum(b - a for a, b in attribution.content)
        in_quotes = sum(_inside(c, quoted) for c in attribution.content)
        if size and in_quotes * 2 < size:
            claims.append(attribution)
    return claims
