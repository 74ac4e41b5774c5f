"""Direct quotations: the article's quoted passages (as the validator pairs the marks), less
titles and scare quotes, each with its cue and its speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from drafting.actors import ActorTable, Entry
from drafting.attribution import PERSON_NOUNS, SPEECH_VERBS, Resolver, Speaker
from drafting.excerpts import clip, token_excerpt, words
from drafting.model import DraftQuote

# Words right before a quotation mark that make the quoted words a name, not speech.
_NAMING = re.compile(
    r"(so-called|so called|dubbed|titled|entitled|nicknamed|known as|the term|the word|the words|"
    r"the phrase|the slogan|hashtag|headlined|labeled|labelled|a sign reading|signs reading|"
    r"billed as|branded as|the headline|the title)\W*$", re.IGNORECASE)
SHORT = 3  # words: a quote this short needs a cue in its own sentence, else it is a scare quote
_TRAILING = " \t\n\r,;:"


@dataclass
class Found:
    span: tuple[int, int]
    text: str
    speaker: Speaker
    evidence: tuple[int, int]
    note: str | None = None


def _is_title(text: str) -> bool:
    """Title Case Words with no sentence in them: a book, a show, a slogan."""
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not tokens or len(tokens) > 8 or re.search(r"[.!?,]\s", text + " "):
        return False
    major = [t for t in tokens if len(t) > 3]
    return bool(major) and all(t[0].isupper() for t in major) and len(tokens) > 1


def _sentences(doc: Doc, start: int, end: int) -> list[Span]:
    return [s for s in doc.sents if s.end_char > start and s.start_char < end]


class QuoteFinder:
    def __init__(self, doc: Doc, table: ActorTable, spans: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.text = doc.text
        self.table = table
        self.spans = spans
        self.resolver = Resolver(doc, table, spans)

    def _quoted(self, token: Token) -> bool:
        return any(a <= token.idx < b for a, b in self.spans)

    def _cue(self, start: int, end: int) -> Token | None:
        """The speech verb that attributes the passage [start, end): one that governs it, else
        the nearest one in its sentences outside quotation marks; "according to" counts."""
        sents = _sentences(self.doc, start - 1, end + 1)
        if not sents:
            return None
        first, last = sents[0].start, sents[-1].end
        nxt = self.doc[last:last + 6]
        # "“...,” said Smith." split into two sentences by the parser.
        if len(nxt) and nxt[0].idx - end <= 3:
            last = min(len(self.doc), last + 6)
        candidates = [t for t in self.doc[first:last] if not self._quoted(t) and (
            (t.lemma_ in SPEECH_VERBS and t.pos_ in ("VERB", "AUX"))
            or (t.lower_ == "according" and t.i + 1 < len(self.doc) and t.nbor().lower_ == "to"))]
        if not candidates:
            return None
        inside = [t for t in self.doc[first:last] if start <= t.idx < end]

        def rank(t: Token) -> tuple[int, int]:
            governs = any(t in tok.ancestors for tok in inside[:3]) if inside else False
            distance = min(abs(t.idx - start), abs(t.idx - end))
            return (0 if governs else 1, distance)

        return min(candidates, key=rank)

    def _context_speaker(self, start: int, previous: Found | None) -> Speaker | None:
        """A quote that is a sentence of its own: the previous sentence's cue when it leads
        into it ("Smith said:"), else the speaker of the quote just before."""
        sents = _sentences(self.doc, start, start + 1)
        if sents and sents[0].start > 0:
            before = self.doc[sents[0].start - 1].sent
            ends_colon = before.text.rstrip().endswith(":")
            verbs = [t for t in before if t.lemma_ in SPEECH_VERBS and t.pos_ == "VERB"
                     and not self._quoted(t)]
            if ends_colon and verbs:
                return self.resolver.speaker(verbs[-1])
        if previous is not None and start - previous.span[1] < 600:
            prev = previous.speaker
            return Speaker(prev.entry, prev.token, "context", prev.cue, prev.cue_token)
        return None

    def find(self) -> list[Found]:
        found: list[Found] = []
        previous: Found | None = None
        for start, end in self.spans:
            raw = self.text[start:end]
            text = raw.strip().rstrip(_TRAILING).strip()
            if words(text) == 0:
                continue
            lead = self.text[max(0, start - 40):start - 1]
            if _NAMING.search(lead) or _is_title(text):
                continue
            verb = self._cue(start, end)
            speaker = self.resolver.speaker(verb) if verb is not None else None
            if words(text) <= SHORT and (speaker is None or speaker.how == "none"):
                continue  # a scare quote: nobody is said to have said it
            note = None
            if speaker is None or (speaker.entry is None and speaker.how in ("none", "pronoun")):
                context = self._context_speaker(start, previous)
                if context is not None:
                    speaker = context
                    note = "speaker taken from the quote or cue before it"
            if speaker is None:
                speaker = Speaker(None, None, "none", "said")
            a = start + raw.index(text)
            item = Found((a, a + len(text)), text, speaker, self._evidence(start, end, speaker),
                         note)
            found.append(item)
            previous = item
        return found

    def _evidence(self, start: int, end: int, speaker: Speaker) -> tuple[int, int]:
        sents = _sentences(self.doc, start, end)
        lo = min([start - 1] + [s.start_char for s in sents])
        hi = max([end + 1] + [s.end_char for s in sents])
        for tok in (speaker.cue_token, speaker.token):
            if tok is not None and speaker.how != "context" and abs(tok.idx - start) < 400:
                lo, hi = min(lo, tok.idx), max(hi, tok.idx + len(tok.text))
        return max(0, lo), min(len(self.text), hi)


def _unnamed(table: ActorTable, doc: Doc, token: Token | None, evidence: str) -> Entry:
    if token is None:
        return table.add_unnamed("Unidentified speaker", "other", evidence,
                                 "the article does not say who said this")
    phrase = doc[token.left_edge.i:token.right_edge.i + 1]
    if len(phrase) > 8 or "\n" in phrase.text:
        phrase = doc[token.i:token.i + 1]
    name = " ".join(t.text for t in phrase if not t.is_space)
    kind = "person" if token.lemma_.casefold() in PERSON_NOUNS and token.tag_ == "NN" else "other"
    return table.add_unnamed(name, kind, token_excerpt(doc, phrase.start, phrase.end),
                             "not named in the article")


def draft_quotes(doc: Doc, table: ActorTable, spans: list[tuple[int, int]]) -> list[DraftQuote]:
    quotes: list[DraftQuote] = []
    for n, item in enumerate(QuoteFinder(doc, table, spans).find(), 1):
        speaker = item.speaker
        evidence = clip(doc.text, *item.evidence)
        entry = speaker.entry or _unnamed(table, doc, speaker.token, evidence)
        notes = [x for x in (speaker.unsure, item.note) if x]
        if speaker.cue_token is None:
            notes.append("no cue found; 'said' assumed")
        quotes.append(DraftQuote(id=f"q{n}", speaker=entry.actor.id, text=item.text,
                                 cue=speaker.cue, evidence=evidence, span=item.span,
                                 unsure="; ".join(notes) or None))
    return quotes
