"""Actors: the people, organisations and countries the article names, one per entity however
often and however fully it is named ("Sergey Lavrov", "Lavrov", "Lavrov's"), with the role and
affiliation the article's own words give them."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from drafting.excerpts import slugify, token_excerpt
from drafting.lexicon import PERSON_NOUNS, is_cue
from drafting.model import DraftActor

KnownActor = Callable[[str], "str | None"]

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_KEY = 40
# Words before a name that are a title, not part of the name (and a role when nothing better).
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "prof",
          "president", "senator", "governor", "secretary", "minister", "chancellor", "judge",
          "justice", "mayor", "speaker", "rev", "sir", "dame", "lord", "lady", "king", "queen",
          "prince", "princess", "pope", "former", "vice", "prime", "premier", "councillor",
          "councilor", "councilman", "councilwoman", "alderman", "commissioner", "chair"}
FEMALE_WORDS = {"mrs", "ms", "miss", "spokeswoman", "congresswoman", "chairwoman", "businesswoman",
                "queen", "princess", "lady", "dame", "wife", "mother", "daughter", "sister",
                "actress", "grandmother"}
MALE_WORDS = {"mr", "spokesman", "congressman", "chairman", "businessman", "king", "prince",
              "lord", "sir", "husband", "father", "son", "brother", "actor", "grandfather"}
_COUNTRY_FORMS = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States",
    "u.s.a.": "United States", "america": "United States", "the united states": "United States",
    "united states of america": "United States", "uk": "United Kingdom",
    "u.k.": "United Kingdom", "britain": "United Kingdom", "great britain": "United Kingdom",
    "russian federation": "Russia", "south korea": "South Korea", "north korea": "North Korea",
}
DEMONYMS = {"american": "United States", "british": "United Kingdom", "french": "France",
            "german": "Germany", "chinese": "China", "russian": "Russia", "ukrainian": "Ukraine",
            "israeli": "Israel", "iranian": "Iran", "mexican": "Mexico", "canadian": "Canada",
            "japanese": "Japan", "indian": "India", "syrian": "Syria", "turkish": "Turkey",
            "european": "European Union", "palestinian": "Palestine", "iraqi": "Iraq",
            "saudi": "Saudi Arabia", "italian": "Italy", "spanish": "Spain", "polish": "Poland",
            "dutch": "Netherlands", "swiss": "Switzerland", "greek": "Greece"}
LABEL_KIND = {"PERSON": "person", "ORG": "organisation", "GPE": "country", "NORP": "other"}


@cache
def countries() -> frozenset[str]:
    """Country names, lower case: the ISO 3166 table the tzdata package ships, plus short forms."""
    table = resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    names = set(_COUNTRY_FORMS)
    for line in table.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            name = line.split("\t", 1)[1]
            names.add(re.sub(r"\s*\(.*\)", "", name).lower())
    names.update(v.lower() for v in _COUNTRY_FORMS.values())
    return frozenset(names)


@dataclass
class Entry:
    actor: DraftActor
    tokens: set[int] = field(default_factory=set)
    first: int = 0  # token index of its first mention
    role_tokens: tuple[int, int] | None = None
    gender: dict[str, int] = field(default_factory=lambda: {"he": 0, "she": 0})


@dataclass
class ActorTable:
    doc: Doc
    entries: list[Entry] = field(default_factory=list)
    by_token: dict[int, Entry] = field(default_factory=dict)
    # (token index, entry) for every mention, in article order: what pronouns look back over.
    mentions: list[tuple[int, Entry]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def new_id(self, base: str) -> str:
        base = slugify(base, MAX_KEY - 3) or "actor"
        key, n = base, 2
        while key in self.ids:
            key, n = f"{base}-{n}", n + 1
        self.ids.add(key)
        return key

    def add_unnamed(self, name: str, kind: str, evidence: str, unsure: str) -> Entry:
        """An actor the article does not name ("a campaign source"); one per wording."""
        found = next((e for e in self.entries if e.actor.name == name and e.actor.unsure), None)
        if found is not None:
            return found
        actor = DraftActor(id=self.new_id(name), name=name, kind=kind, evidence=evidence,
                           unsure=unsure)
        entry = Entry(actor=actor)
        self.entries.append(entry)
        return entry

    def unnamed_from(self, token: Token) -> Entry:
        """An actor for a speaker the article describes but does not name ("a spokeswoman for
        the board", "officials"), one per wording, remembered as mentioned at ``token``."""
        doc = token.doc
        phrase = doc[token.left_edge.i:token.right_edge.i + 1]
        if len(phrase) > 8 or "\n" in phrase.text:
            phrase = doc[token.i:token.i + 1]
        name = _words(phrase)
        kind = "person" if token.lemma_.casefold() in PERSON_NOUNS and token.tag_ == "NN" else "other"
        entry = self.add_unnamed(name, kind, token_excerpt(doc, phrase.start, phrase.end),
                                 "not named in the article")
        self.mention(token, entry)
        return entry

    def before(self, index: int) -> Iterator[tuple[int, Entry]]:
        """The mentions before token ``index``, nearest first."""
        stop = bisect.bisect_left(self.mentions, index, key=lambda m: m[0])
        for k in range(stop - 1, -1, -1):
            yield self.mentions[k]

    def named_from(self, token: Token) -> Entry:
        """A person for a proper-noun speaker the entity recogniser missed ("said Riverton
        resident Tom Okafor"): the name is the word and the proper noun before it."""
        doc = token.doc
        prev = doc[token.i - 1] if token.i > 0 else None
        start = prev.i if prev is not None and prev.pos_ == "PROPN" and prev.head.i == token.i \
            and _wordy(prev) and prev.lower_ not in TITLES else token.i
        name = _words(doc[start:token.i + 1])
        entry = self.find(name) or next(
            (e for e in self.entries if e.actor.kind == "person"
             and e.actor.name.split()[-1].casefold() == token.lower_), None)
        if entry is None:
            actor = DraftActor(id=self.new_id(token.text), name=name, kind="person",
                               evidence=token_excerpt(doc, start, token.i + 1),
                               unsure="the entity recogniser missed this name")
            entry = Entry(actor=actor, first=start)
            self.entries.append(entry)
        self.mention(token, entry)
        return entry

    def mention(self, token: Token, entry: Entry) -> None:
        """Record a mention found after the table was built (an unnamed speaker), so a later
        "the spokeswoman added" can find it."""
        bisect.insort(self.mentions, (token.i, entry), key=lambda m: m[0])
        self.by_token.setdefault(token.i, entry)

    def name_of(self, key: str) -> str:
        return next((e.actor.name for e in self.entries if e.actor.id == key), key)

    def at(self, token: Token) -> Entry | None:
        return self.by_token.get(token.i)

    def find(self, name: str) -> Entry | None:
        key = name.casefold()
        for entry in self.entries:
            if key == entry.actor.name.casefold() or key in (a.casefold() for a in entry.actor.aliases):
                return entry
        return None

    def gender(self, entry: Entry) -> str | None:
        he, she = entry.gender["he"], entry.gender["she"]
        return None if he == she else ("he" if he > she else "she")


def _wordy(token: Token) -> bool:
    """A word of a name: letters, and an apostrophe inside ("O'Neill", "D’Souza")."""
    return token.is_alpha or (token.text[:1].isalpha() and
                              token.text.replace("'", "").replace("’", "").isalpha())


def _words(span: Span) -> str:
    """A span as the article writes it ("Ruiz-Okafor", not "Ruiz - Okafor"), on one line."""
    return " ".join(span.text.split())


def _clean(ent: Span) -> Span | None:
    """The entity without a leading "the", titles, or a trailing possessive and punctuation."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'", "’") or doc[end - 1].is_punct):
        end -= 1
    while ent.label_ in ("PERSON", "") and end - start > 1 and doc[start].lower_.rstrip(".") in TITLES:
        start += 1
    if start >= end or not any(_wordy(t) for t in doc[start:end]):
        return None
    return doc[start:end]


def _role_start(doc: Doc, span: Span) -> int:
    """Where the title words before a name begin: "Russian Foreign Minister" of "Russian Foreign
    Minister Sergey Lavrov" (modifiers of the name, not determiners or possessives)."""
    i = span.start
    while i > 0:
        tok = doc[i - 1]
        if tok.is_punct or tok.dep_ in ("det", "poss", "case", "prep", "cc", "punct") or tok.pos_ in (
                "VERB", "AUX", "ADP", "PRON", "DET", "NUM", "SCONJ", "CCONJ", "PART"):
            break
        if tok.sent.start != span.sent.start or tok.is_space or "\n" in tok.text:
            break
        head = tok.head
        if not (span.start <= head.i < span.end or i - 1 < head.i < span.end):
            break
        i -= 1
    # A role of only a title word in TITLES is kept ("President"); lone adjectives are not.
    while i < span.start and doc[i].pos_ == "ADJ" and i == span.start - 1:
        i += 1
    return i


def _unlabelled_speakers(doc: Doc) -> list[Span]:
    """Capitalised names the entity recogniser missed that speak ("Curator Sofia Lindqvist
    said"): the subject of a speech verb that is a proper noun, with its compound words."""
    found = []
    for tok in doc:
        if tok.dep_ != "nsubj" or tok.pos_ != "PROPN" or tok.ent_type_ or \
                not is_cue(tok.head) or not tok.text[:1].isupper():
            continue
        if tok.lower_.rstrip(".") in TITLES or any(
                c.dep_ in ("appos", "conj") and c.ent_type_ == "PERSON" for c in tok.children):
            continue  # "Vice President for sales Tom Okafor said": the title is no name
        start = tok.i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN" \
                and doc[start - 1].head.i in range(start, tok.i + 1) and not doc[start - 1].ent_type_:
            start -= 1
        start = max(start, tok.i - 1)  # first and last name; words before are a title
        span = _clean(doc[start:tok.i + 1])
        if span is not None and "\n" not in span.text:
            found.append(doc[span.start:span.end])
    return found


def _appositive(span: Span) -> Span | None:
    """ "Dmitry Peskov, the Kremlin's spokesman," -> "the Kremlin's spokesman"."""
    for child in span.root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.pos_ in ("NOUN", "PROPN"):
            sub = child.doc[child.left_edge.i:child.right_edge.i + 1]
            if len(sub) <= 10 and child.ent_type_ != "PERSON":
                return sub
    return None


class _Builder:
    def __init__(self, doc: Doc, known_actor: KnownActor | None) -> None:
        self.doc = doc
        self.known = known_actor
        self.table = ActorTable(doc)
        self.surnames: dict[str, Entry] = {}
        self.firstnames: dict[str, Entry] = {}

    def build(self) -> ActorTable:
        doc = self.doc
        spans = [(s, ent.label_) for ent in doc.ents if ent.label_ in LABEL_KIND
                 for s in [_clean(ent)] if s is not None and "\n" not in s.text]
        spans += [(s, "PERSON") for s in _unlabelled_speakers(doc)]
        spans.sort(key=lambda item: item[0].start)
        # Full names first, so "Clinton" before "Hillary Clinton" still finds her.
        for span, label in spans:
            if label == "PERSON" and len([t for t in span if _wordy(t)]) >= 2:
                self._person(span, create=True)
        for span, label in spans:
            self._add(span, label)
        self._affiliations()
        self._genders()
        self.table.mentions.sort(key=lambda m: m[0])
        return self.table

    def _new_id(self, name: str, kind: str) -> str:
        if self.known is not None:
            known = self.known(name)
            if known and _KEY.match(known) and len(known) <= MAX_KEY and known not in self.table.ids:
                self.table.ids.add(known)
                return known
        parts = name.split()
        return self.table.new_id(parts[-1] if kind == "person" and len(parts) > 1 else name)

    def _entry(self, span: Span, name: str, kind: str) -> Entry:
        actor = DraftActor(id=self._new_id(name, kind), name=name, kind=kind,
                           evidence=token_excerpt(self.doc, span.start, span.end))
        entry = Entry(actor=actor, first=span.start)
        self.table.entries.append(entry)
        return entry

    def _person(self, span: Span, create: bool) -> Entry | None:
        name = _words(span)
        words = [t.text for t in span if _wordy(t)]
        existing = self.table.find(name)
        if existing is None and len(words) >= 2:
            existing = next((e for e in self.table.entries if e.actor.kind == "person"
                             and e.actor.name.casefold() == name.casefold()), None)
        if existing is None and len(words) == 1:
            key = words[0].casefold()
            existing = self.surnames.get(key) or self.firstnames.get(key)
        if existing is None and create:
            existing = self._entry(span, name, "person")
            if len(words) >= 2:
                self.surnames.setdefault(words[-1].casefold(), existing)
                self.firstnames.setdefault(words[0].casefold(), existing)
                existing.actor.aliases.append(words[-1])
        return existing

    def _add(self, span: Span, label: str) -> None:
        text = _words(span)
        lowered = text.casefold()
        alpha = [t for t in span if _wordy(t)]
        entry: Entry | None = None
        if label == "PERSON" or (len(alpha) == 1 and alpha[0].text.casefold() in self.surnames):
            entry = self._person(span, create=label == "PERSON")
        if entry is None and label == "NORP":
            # Only groups named as nouns ("Democrats said"); "Russian" in "Russian troops" is
            # an adjective, handled as an affiliation.
            if span.root.tag_ not in ("NNPS", "NNS") or span.root.dep_ in ("amod", "compound"):
                return
            entry = self.table.find(text) or self._entry(span, text, "other")
        if entry is None and label == "GPE":
            canonical = _COUNTRY_FORMS.get(lowered, text)
            entry = self.table.find(canonical) or self.table.find(text)
            if entry is None:
                kind = "country" if canonical.casefold() in countries() else "other"
                entry = self._entry(span, canonical, kind)
            if text != entry.actor.name and text not in entry.actor.aliases:
                entry.actor.aliases.append(text)
        if entry is None and label == "ORG":
            entry = self.table.find(text) or self._acronym_match(text) or self._short_form(text)
            if entry is None:
                entry = self._entry(span, text, "organisation")
            elif text != entry.actor.name and text not in entry.actor.aliases:
                entry.actor.aliases.append(text)
        if entry is None:
            return
        for tok in span:
            self.table.by_token[tok.i] = entry
        entry.tokens.update(t.i for t in span)
        self.table.mentions.append((span.root.i, entry))
        if entry.actor.role is None:
            self._role(entry, span)

    def _short_form(self, text: str) -> Entry | None:
        """ "Agency" for "Environment Agency": one word that ends an organisation's name."""
        if " " in text:
            return None
        return next((e for e in self.table.entries if e.actor.kind == "organisation"
                     and " " in e.actor.name
                     and e.actor.name.split()[-1].casefold() == text.casefold()), None)

    def _acronym_match(self, text: str) -> Entry | None:
        """ "EU" for "European Union" (and the other way round), among organisations."""
        for entry in self.table.entries:
            name = entry.actor.name
            initials = "".join(w[0] for w in name.split() if w[0].isupper())
            if (text.isupper() and len(text) >= 2 and text.replace(".", "") == initials) or (
                    name.isupper() and name.replace(".", "") ==
                    "".join(w[0] for w in text.split() if w[:1].isupper())):
                return entry
        return None

    def _role(self, entry: Entry, span: Span) -> None:
        start = _role_start(self.doc, span)
        if start < span.start:
            role = _words(self.doc[start:span.start])
            if any(t.is_alpha and t.text.casefold() != entry.actor.name.casefold()
                   for t in self.doc[start:span.start]):
                entry.actor.role = role
                entry.role_tokens = (start, span.start)
                entry.actor.evidence = token_excerpt(self.doc, start, span.end)
                return
        appos = _appositive(span)
        if appos is not None:
            entry.actor.role = _words(appos)
            entry.role_tokens = (appos.start, appos.end)
            entry.actor.evidence = token_excerpt(self.doc, span.start, appos.end)

    def _affiliations(self) -> None:
        for entry in self.table.entries:
            if entry.role_tokens is None:
                continue
            for tok in self.doc[entry.role_tokens[0]:entry.role_tokens[1]]:
                other = self.table.by_token.get(tok.i)
                if other is None and tok.ent_type_ == "NORP":
                    country = DEMONYMS.get(tok.lower_)
                    other = self.table.find(country) if country else None
                    if other is None:
                        other = next((e for e in self.table.entries if e.actor.kind != "person"
                                      and e.actor.name.casefold().startswith(tok.lower_[:5])), None)
                if other is not None and other is not entry:
                    entry.actor.affiliation = other.actor.id
                    break

    def _genders(self) -> None:
        """he or she for each person: from titles and role words, then from the pronouns that
        follow a sentence whose subject is that person (votes; the majority wins)."""
        for entry in self.table.entries:
            if entry.actor.kind != "person":
                continue
            first = self.doc[entry.first]
            words = {t.lower_.rstrip(".") for t in self.doc[max(0, first.i - 3):first.i]}
            words |= set((entry.actor.role or "").casefold().replace(".", "").split())
            if words & FEMALE_WORDS:
                entry.gender["she"] += 3
            if words & MALE_WORDS:
                entry.gender["he"] += 3
        last_subject: Entry | None = None
        for sent in self.doc.sents:
            for tok in sent:
                if tok.lower_ in ("he", "she") and tok.dep_ in ("nsubj", "nsubjpass") and \
                        last_subject is not None:
                    last_subject.gender[tok.lower_] += 1
            subjects = [self.table.by_token.get(t.i) for t in sent if t.dep_ == "nsubj"]
            people = [e for e in subjects if e is not None and e.actor.kind == "person"]
            if people:
                last_subject = people[0]


def find_actors(doc: Doc, known_actor: KnownActor | None = None) -> ActorTable:
    return _Builder(doc, known_actor).build()
