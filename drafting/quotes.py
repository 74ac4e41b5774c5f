"""Direct quotations: the article's quoted passages (as the validator pairs the marks), less
titles and scare quotes, each with its cue and its speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from drafting.actors import TITLES, ActorTable
from drafting.attribution import Resolver, Speaker
from drafting.excerpts import excerpt, text_of, words
from drafting.lexicon import is_cue
from drafting.model import DraftQuote
from drafting.spans import Positions, Quoted

# Words right before a quotation mark that make the quoted words a name, not speech.
_NAMING = re.compile(
    r"(so-called|so called|titled|entitled|known as|the term|the word|the words|the phrase|"
    r"hashtag|headlined|billed as|the headline|the title)\W*$", re.IGNORECASE)
SHORT = 3  # words: a quote this short needs a cue in its own sentence, else it is a scare quote
_TRAILING = " \t\n\r,;:"
_DASHES = "-–—―"
# What someone issues that a following quote is the text of.
STATEMENT_NOUNS = frozenset((
    "statement", "letter", "tweet", "email", "e-mail", "memo", "post", "release", "message"))
ISSUING = frozenset(("issue", "release", "send", "post", "tweet", "write", "publish", "put",
                     "share", "email"))
# Verbs whose subject is not the author of what follows the colon.
RECEIVING = frozenset(("receive", "hear", "get", "obtain", "read", "see", "find", "quote"))


@dataclass
class Found:
    span: tuple[int, int]
    text: str
    speaker: Speaker
    evidence: tuple[int, int]
    note: str | None = None


def _is_title(text: str) -> bool:
    """Title Case Words with no sentence in them: a book, a show, a slogan."""
    text = text.rstrip(".,;:!? ")
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not tokens or len(tokens) > 8 or re.search(r"[.!?,]\s", text):
        return False
    major = [t for t in tokens if len(t) > 3]
    return bool(major) and all(t[0].isupper() for t in major) and len(tokens) > 1


class QuoteFinder:
    def __init__(self, doc: Doc, table: ActorTable, spans: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.table = table
        self.spans = spans
        self.quoted = Quoted(spans)
        self.at = Positions(doc)
        self.resolver = Resolver(doc, table, self.quoted)

    def _quoted(self, token: Token) -> bool:
        return token.idx in self.quoted

    def _sentences(self, start: int, end: int) -> list[Span]:
        return self.at.sentences(start, end)

    def _cue(self, start: int, end: int) -> Token | None:
        """The speech verb that attributes the passage [start, end): one that governs it, else
        the nearest one in its sentences outside quotation marks; "according to" counts."""
        sents = self._sentences(start - 1, end + 1)
        if not sents:
            return None
        first, last = sents[0].start, sents[-1].end
        nxt = self.doc[last:last + 6]
        # "“...,” said Smith." split into two sentences by the parser.
        if len(nxt) and nxt[0].idx - end <= 3 and "\n" not in self.text[end:nxt[0].idx]:
            last = min(len(self.doc), last + 6)
        # A cue in another paragraph never attributes the quote (a quote running over
        # paragraphs is attributed through its last one: _chain_ends).
        candidates = [t for t in self.doc[first:last] if not self._quoted(t) and (
            is_cue(t)
            or (t.lower_ == "according" and t.i + 1 < len(self.doc) and t.nbor().lower_ == "to"))
            and "\n" not in (self.text[end:t.idx] if t.idx > end else self.text[t.idx:start])]
        # A quote that ends its own sentence ("... yet.”) is not attributed by a verb after it,
        # unless the sentence runs on in lower case ("“Really?” he asked").
        # Right after the mark, a cue and its subject still attribute it ("“Why?” Smith asked").
        closed = self.text[start:end].rstrip().rstrip("'’‘\"”")[-1:] in ".!?"
        after = next((t for t in self.doc[first:last] if t.idx > end and t.is_alpha), None)
        if closed and after is not None and not after.text[:1].islower():
            candidates = [t for t in candidates if t.idx < start or (
                t.i - after.i <= 2 and "\n" not in self.text[end:t.idx])]
        if not candidates:
            return None
        inside = list(self.at.tokens(start, end))

        def rank(t: Token) -> tuple[int, int]:
            governs = any(t in tok.ancestors for tok in inside[:3]) if inside else False
            distance = min(abs(t.idx - start), abs(t.idx - end))
            return (0 if governs else 1, distance)

        return min(candidates, key=rank)

    def _governs(self, verb: Token, start: int, end: int) -> bool:
        """The cue's clause holds the quote ("said it was “a disaster”"), or the quote stands
        next to it ("“...,” he said"); "according to" governs its whole sentence."""
        if verb.lower_ == "according":
            return True
        inside = list(self.at.tokens(start, end))[:4]
        if any(verb in t.ancestors or t in verb.ancestors for t in inside):
            return True
        return abs(verb.idx - end) < 30 or abs(start - (verb.idx + len(verb.text))) < 30

    def _speaking(self, sent: Span) -> Speaker | None:
        """The speaker of a speech verb of ``sent`` (outside quotes) who is a named actor."""
        for tok in sent:
            if is_cue(tok) and not self._quoted(tok):
                speaker = self.resolver.speaker(tok)
                if speaker.entry is not None:
                    return speaker
        return None

    def _labelled(self, start: int) -> Speaker | None:
        """ "Ana Ruiz: “The vote is delayed ...”": a name and a colon before it."""
        tok = self.at.token_at(max(0, start - 1))
        colon = self.doc[tok.i - 1] if tok.i > 0 and tok.text in "“\"" else tok
        if colon.text != ":" or colon.i == 0:
            return None
        name = self.doc[colon.i - 1]
        if name.dep_ in ("pobj", "poss") and any(a.pos_ == "VERB" for a in name.ancestors):
            # "Ruiz had a message for Okafor: “...”": not a label; "Statement from Okafor:" is.
            return None
        entry = self.table.at(name)
        if entry is None and name.pos_ == "PROPN" and name.text[:1].isupper():
            entry = self.table.named_from(name)
        if entry is None:
            return None
        return Speaker(entry, name, "label", "said", None)

    def _signed(self, end: int) -> Speaker | None:
        """A quote signed after it: "“...” ― Ana Ruiz" on its own line, or a line
        "- Tom Okafor." (or "—Mayor Okafor, writing online") right after it."""
        text = self.text
        stop = text.find("\n", end)
        stop = len(text) if stop < 0 else stop
        i = end
        while i < stop and text[i] in "'’‘\"” \t\u00a0":
            i += 1
        if i < stop:
            return self._signature(i + 1, stop) if text[i] in _DASHES else None
        # The line after, one blank line at most in between.
        line_start = stop
        while line_start < len(text) and text[line_start] in " \t\r\n\u00a0" and \
                text.count("\n", stop, line_start + 1) <= 2:
            line_start += 1
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        if line_start < line_end and text[line_start] in _DASHES:
            return self._signature(line_start + 1, line_end)
        return None

    def _introduced(self, start: int) -> Speaker | None:
        """ "Ruiz had a blunt message for Okafor: “...”": a clause that leads into the quote
        with a colon, and no cue; its subject is the speaker."""
        i = start - 2  # start - 1 is the opening mark
        while i >= 0 and self.text[i] in " \t\r\n\u00a0“\"":
            i -= 1
        if i < 0 or self.text[i] != ":":
            return None
        colon = self.at.token_at(i)
        # The colon may hang on the quote's own verb: climb from the word before it instead
        # ("Ruiz gave a short reply:": "reply", then "gave").
        word = colon.head if not self._quoted(colon.head) else self.doc[max(0, colon.i - 1)]
        verb = next((t for t in (word, *word.ancestors) if t.pos_ in ("VERB", "AUX")), word)
        if self._quoted(verb) or verb.lemma_ in RECEIVING:
            return None  # "Okafor received a letter from Ruiz: “...”" is Ruiz's, or unknown
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and not self._quoted(c)]
        if not subjects:
            return None
        entry, how = self.resolver.resolve(subjects[0])
        if entry is None or how not in ("name", "pronoun", "description"):
            return None
        return Speaker(entry, subjects[0], "colon", "said", None)

    def _signature(self, start: int, end: int) -> Speaker | None:
        """The name a signature [start, end) after a dash begins with, if it is short."""
        if end - start > 120:
            return None
        for tok in self.at.tokens(start, end):
            if tok.is_punct or tok.is_space or tok.lower_.rstrip(".") in TITLES:
                continue
            entry = self.table.at(tok)
            last = tok
            while last.i + 1 < len(self.doc) and self.doc[last.i + 1].pos_ == "PROPN" \
                    and self.doc[last.i + 1].idx < end:
                last = self.doc[last.i + 1]
            after = self.doc[last.i + 1] if last.i + 1 < len(self.doc) else None
            if after is not None and after.idx < end and not after.is_space and \
                    after.text not in (",", ".", "(", ";"):
                return None  # "— Okafor's critics say ...", "- Ruiz will respond": prose
            if entry is None and tok.pos_ == "PROPN" and tok.text[:1].isupper():
                entry = self.table.named_from(last)
            if entry is not None:
                return Speaker(entry, tok, "signed", "said", None)
            return None  # "- a reader from Ohio": no name leads the signature
        return None

    def _context_speaker(self, start: int, end: int, previous: Found | None) -> Speaker | None:
        """A quote with no cue of its own: the cue of the sentence before when it leads into
        it ("Smith said:"), whoever issues a statement in the sentence before, the named person
        the sentence before (same paragraph) is about, the speaker of the quote just before, a
        speaking actor in the sentence before, a cue in the sentence right after; else the
        latest named person."""
        sents = self._sentences(start, start + 1)
        before = self.doc[sents[0].start - 1].sent if sents and sents[0].start > 0 else None
        if before is not None and before.text.rstrip().endswith(":"):
            found = self._speaking(before)
            if found is not None:
                return found
        issued = self._issued(before) if before is not None else None
        if issued is not None:
            return issued
        if before is not None and "\n" not in self.text[before.end_char:start]:
            # "Okafor praised the plan. “It works ...”": the person the sentence before, in
            # the same paragraph, is about speaks next.
            subject = next((c for c in before.root.children if c.dep_ == "nsubj"
                            and not self._quoted(c)), None)
            if subject is not None:
                entry, how = self.resolver.resolve(subject)
                if entry is not None and how == "name" and entry.actor.kind == "person" and \
                        not entry.actor.unsure:
                    return Speaker(entry, subject, "context", "said")
        if previous is not None and start - previous.span[1] < 1500 and \
                previous.speaker.entry is not None:
            prev = previous.speaker
            return Speaker(prev.entry, prev.token, "context", prev.cue, prev.cue_token)
        if before is not None:  # "Okafor agreed. “...”"
            found = self._speaking(before)
            if found is not None:
                return found
        after = self._sentences(end, end + 1)
        if after and after[-1].end < len(self.doc):
            found = self._speaking(self.doc[after[-1].end].sent)
            if found is not None:
                return found
        for i, entry in self.table.before(self.at.token_at(start).i):
            tok = self.doc[i]
            if entry.actor.kind == "person" and not self._quoted(tok):
                return Speaker(entry, tok, "context", "said")
        return None

    def _issued(self, sent: Span) -> Speaker | None:
        """ "The board issued a statement on the closure ...": a quote right after a
        sentence in which someone issues a statement, a letter or a post is that text."""
        for tok in sent:
            if tok.lemma_ not in STATEMENT_NOUNS or tok.dep_ != "dobj" or self._quoted(tok) \
                    or tok.head.lemma_ not in ISSUING or any(c.dep_ == "poss" for c in tok.children):
                continue  # "criticised Okafor's statement" is not the critic's text
            subjects = [c for c in tok.head.children if c.dep_ == "nsubj" and not self._quoted(c)]
            if subjects:
                entry, how = self.resolver.resolve(subjects[0])
                if entry is not None and how != "none":
                    return Speaker(entry, subjects[0], "context", "said")
        return None

    def _chain_ends(self) -> list[tuple[int, int]]:
        """For each passage, the last passage of the quote it belongs to: a quote running over
        paragraphs is attributed once, usually after its last paragraph."""
        ends = list(self.spans)
        for k in range(len(self.spans) - 2, -1, -1):
            end = self.spans[k][1]
            if end >= len(self.text) or self.text[end] in "\r\n":  # left open at a paragraph end
                ends[k] = ends[k + 1]
        return ends

    def find(self) -> list[Found]:
        found: list[Found] = []
        previous: Found | None = None
        chain_ends = self._chain_ends()
        for (start, end), chain_end in zip(self.spans, chain_ends, strict=True):
            raw = self.text[start:end]
            text = raw.strip().rstrip(_TRAILING).strip()
            if words(text) == 0:
                continue
            lead = self.text[max(0, start - 40):start - 1]
            if lead.endswith("=") or _NAMING.search(lead):
                continue  # markup (author="...") or a name ("the so-called ...")
            verb = self._cue(start, end)
            if verb is None and chain_end != (start, end):
                verb = self._cue(*chain_end)
            governs = verb is not None and self._governs(verb, start, end)
            if _is_title(text) and not governs:
                continue
            speaker = self.resolver.speaker(verb) if verb is not None else None
            if words(text) <= SHORT and (not governs or speaker is None or (
                    speaker.how == "none" and speaker.token is None)):
                continue  # a scare quote: no cue governs it, nobody is said to have said it
            note = None
            # "Ana Ruiz wrote on Facebook: “...”": a named subject of the cue wins over
            # the name before the colon; "Analysts agree - Tom Okafor: “...”" does not.
            named = speaker is not None and speaker.how == "name" and governs
            labelled = None if named else self._labelled(start)
            if labelled is not None:
                speaker = labelled
            if speaker is None or (speaker.entry is None and speaker.how in ("none", "pronoun")):
                speaker = self._signed(chain_end[1]) or self._introduced(start) or speaker
            if speaker is None or (speaker.entry is None and speaker.how in ("none", "pronoun")):
                context = self._context_speaker(start, end, previous)
                if context is not None:
                    speaker = context
                    note = "no cue beside the quote: speaker taken from its context"
            if speaker is None:
                speaker = Speaker(None, None, "none", "said")
            if speaker.entry is None and speaker.token is not None and speaker.how == "unnamed":
                # Named now, so "the spokeswoman added" later in the article finds it.
                entry = self.table.unnamed_from(speaker.token)
                speaker = Speaker(entry, speaker.token, "unnamed", speaker.cue, speaker.cue_token)
            a = start + raw.index(text)
            item = Found((a, a + len(text)), text, speaker, self._evidence(start, end, speaker),
                         note)
            found.append(item)
            previous = item
        return found

    def _evidence(self, start: int, end: int, speaker: Speaker) -> tuple[int, int]:
        sents = self._sentences(start, end)
        lo = min([start - 1] + [s.start_char for s in sents])
        hi = max([end + 1] + [s.end_char for s in sents])
        for tok in (speaker.cue_token, speaker.token):
            if tok is not None and speaker.how != "context" and abs(tok.idx - start) < 400:
                lo, hi = min(lo, tok.idx), max(hi, tok.idx + len(tok.text))
        return max(0, lo), min(len(self.text), hi)


def draft_quotes(doc: Doc, table: ActorTable, spans: list[tuple[int, int]]) -> list[DraftQuote]:
    quotes: list[DraftQuote] = []
    for n, item in enumerate(QuoteFinder(doc, table, spans).find(), 1):
        speaker = item.speaker
        evidence = excerpt(doc, *item.evidence)
        entry = speaker.entry or table.add_unnamed(
            "Unidentified speaker", "other", evidence, "the article does not say who said this")
        notes = [x for x in (speaker.unsure, item.note) if x]
        if speaker.cue_token is None and speaker.how not in ("label", "signed", "colon"):
            notes.append("no cue found; 'said' assumed")
        quotes.append(DraftQuote(id=f"q{n}", speaker=entry.actor.id, text=item.text,
                                 cue=speaker.cue, evidence=evidence, span=item.span,
                                 unsure="; ".join(notes) or None))
    return quotes
