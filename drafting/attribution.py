"""Who says it: the cue (said, told reporters, according to) near a passage, its subject, and
that subject resolved to an actor through names, pronouns and descriptions."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from drafting.actors import ActorTable, Entry
from drafting.lexicon import (
    GROUP_NOUNS,
    GROUP_PRONOUNS,
    NOT_SPEAKERS,
    ORG_NOUNS,
    PERSON_NOUNS,
    PERSON_PRONOUNS,
    RELATIVE,
)
from drafting.spans import Quoted


@dataclass
class Speaker:
    entry: Entry | None  # None: nobody the article names
    token: Token | None  # the subject as the article writes it
    how: str  # "name", "pronoun", "description", "unnamed", "context", "none"
    cue: str
    cue_token: Token | None = None

    @property
    def unsure(self) -> str | None:
        if self.entry is None or self.token is None:
            return None
        if self.how == "pronoun":
            return f"speaker resolved from the pronoun '{self.token.text}'"
        if self.how == "label":
            return "no cue: the speaker's name and a colon stand before the quote"
        if self.how == "description":
            return f"speaker resolved from the description '{_phrase(self.token)}'"
        return None


def _phrase(token: Token) -> str:
    doc = token.doc
    return doc[token.left_edge.i:token.i + 1].text


def cue_text(verb: Token) -> str:
    """The cue as the article gives it: the verb with its particle ("pointed out"), or "told
    reporters"; "according to" as such."""
    if verb.lower_ == "according":
        return "according to"
    parts = [verb]
    for child in verb.children:
        if child.dep_ == "prt" or (child.dep_ in ("dobj", "dative") and child.lower_ in (
                "reporters", "journalists", "supporters", "audience", "crowd", "interviewer")):
            parts.append(child)
    parts.sort(key=lambda t: t.i)
    return " ".join(t.text for t in parts)


def subject_of(verb: Token, quoted: Quoted | None = None) -> Token | None:
    """The verb's speaker as written: its subject, the agent of a passive, the object of
    "according to", or the subject of the verb it hangs from ("went on to say"). Never a word
    inside quotation marks: a quote's own subject is not who says it."""
    if verb.lower_ == "according":
        for child in verb.children:
            if child.dep_ == "prep":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
        return None

    def outside(tok: Token) -> bool:
        return quoted is None or tok.idx not in quoted

    if verb.pos_ in ("NOUN", "PROPN"):  # a cue tagged as a noun: "Okafor notes" -> Okafor
        names = [c for c in verb.lefts if c.dep_ in ("compound", "nsubj") and outside(c)]
        if names:
            return names[-1]

    current = verb
    for _ in range(4):
        here = current
        subjects = [c for c in current.children if c.dep_ in ("nsubj", "csubj")
                    and c.pos_ != "SCONJ" and c.ent_type_ not in ("DATE", "TIME")
                    and c.lemma_ not in NOT_SPEAKERS and outside(c)]
        if subjects:
            # "In Riverton, Maine, Ruiz went on": a person before a place; the nearest.
            subjects.sort(key=lambda c: (c.ent_type_ in ("GPE", "LOC", "FAC"), abs(c.i - here.i)))
            return subjects[0]
        if here is verb:  # "“...,” Okafor notes": the parser made the name a compound
            names = [c for c in verb.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"
                     and outside(c)]
            if names:
                return names[-1]
        for child in current.children:
            if child.dep_ == "agent":
                for obj in child.children:
                    if obj.dep_ == "pobj" and outside(obj):
                        return obj
        if current.dep_ in ("xcomp", "conj", "advcl", "acl") and current.head is not current \
                and outside(current.head):
            current = current.head
        else:
            break
    return None


class Resolver:
    """Resolves a subject token to an actor of the table."""

    def __init__(self, doc: Doc, table: ActorTable, quoted: Quoted) -> None:
        self.doc = doc
        self.table = table
        self.quoted = quoted

    def _in_quote(self, char: int) -> bool:
        return char in self.quoted

    def speaker(self, verb: Token) -> Speaker:
        cue = cue_text(verb)
        subject = subject_of(verb, self.quoted)
        if subject is None:
            return Speaker(None, None, "none", cue, verb)
        entry, how = self.resolve(subject)
        return Speaker(entry, subject, how, cue, verb)

    def resolve(self, token: Token, depth: int = 0) -> tuple[Entry | None, str]:
        # An apposition or compound names the person better than its head ("a spokesman for
        # the campaign, Brian Fallon"; "campaign manager Robby Mook").
        named = self.table.at(token)
        if named is not None:
            return named, "name"
        if token.pos_ == "PROPN" and token.text[:1].isupper() and token.ent_type_ in ("", "PERSON"):
            return self.table.named_from(token), "name"
        # Not a compound: "Clinton adviser" is the adviser, not Clinton.
        for child in token.children:
            if child.dep_ in ("appos", "conj"):
                found = self.table.at(child)
                if found is not None and found.actor.kind == "person":
                    return found, "name"
        low = token.lower_
        if low in PERSON_PRONOUNS:
            return self.antecedent(token, PERSON_PRONOUNS[low]), "pronoun"
        if low in GROUP_PRONOUNS:
            return self.antecedent(token, "group"), "pronoun"
        if low in RELATIVE and token.head.dep_ == "relcl" and depth < 3:
            return self.resolve(token.head.head, depth + 1)  # "Smith, who said ..." -> Smith
        if low in ("i", "me", "you", *RELATIVE):
            return None, "unnamed"
        if token.pos_ in ("NOUN", "PROPN"):
            return self.description(token)
        return None, "unnamed"

    def antecedent(self, token: Token, want: str) -> Entry | None:
        """The nearest earlier actor a pronoun can stand for: a person of compatible gender
        for he/she, an organisation, country or group for they/it. Mentions inside quotation
        marks are skipped: the cue's pronoun is never the quote's own reference."""
        floor = max(0, token.sent.start - 400)
        best: Entry | None = None
        if want in ("he", "she"):
            # Centering: the subject of a recent sentence is the likeliest antecedent.
            recent = self.doc[max(0, token.sent.start - 1)].sent.start if token.sent.start else 0
            recent = self.doc[max(0, recent - 1)].sent.start if recent else 0
            for i, entry in self.table.before(token.i):
                if i < recent:
                    break
                tok = self.doc[i]
                if tok.dep_ not in ("nsubj", "nsubjpass") or self._in_quote(tok.idx):
                    continue
                gender = self.table.gender(entry)
                if entry.actor.kind == "person" and gender in (None, want):
                    return entry
        for i, entry in self.table.before(token.i):
            if i < floor:
                break
            if self._in_quote(self.doc[i].idx):
                continue
            kind = entry.actor.kind
            if want in ("he", "she"):
                if kind != "person":
                    continue
                gender = self.table.gender(entry)
                if gender is not None and gender != want:
                    continue
                return entry
            if kind != "person" and best is None:
                best = entry
                break
        return best

    def description(self, token: Token) -> tuple[Entry | None, str]:
        """ "the spokesman", "the Republican nominee", "the campaign": the most recently
        mentioned actor whose role or name has that word; "the mayor" (a person noun) the
        most recent person, "the newspaper" the most recent organisation. Indefinite ones ("a
        source", "officials") are someone not named; a thing ("the process", "a document") is
        nobody, and the quote's context decides."""
        determiners = {c.lower_ for c in token.children if c.dep_ in ("det", "poss")}
        lemma = token.lemma_.casefold()
        animate = lemma in PERSON_NOUNS or lemma in GROUP_NOUNS or lemma in ORG_NOUNS
        if determiners & {"a", "an", "some", "several", "many", "one", "two", "three"} or (
                not determiners and token.tag_ in ("NNS", "NNPS")):
            if animate and not self._in_quote(token.idx):
                return self.table.unnamed_from(token), "unnamed"
            return None, "none"
        for _, entry in self.table.before(token.i):
            text = f"{entry.actor.role or ''} {entry.actor.name}".casefold()
            if lemma and (lemma in text.split() or token.lower_ in text.split()):
                return entry, "description"
        definite = bool(determiners & {"the", "this", "that"})
        if definite:
            # "the spokeswoman added" after "a spokeswoman for the board said": the same one.
            for prev in reversed(self.doc[max(0, token.i - 300):token.i]):
                if prev.lemma_ == token.lemma_ and prev.pos_ == "NOUN" and any(
                        c.dep_ == "det" and c.lower_ in ("a", "an") for c in prev.children):
                    return self.table.unnamed_from(prev), "description"
        if definite and (lemma in PERSON_NOUNS or lemma in ORG_NOUNS):
            want_person = lemma in PERSON_NOUNS
            for i, entry in self.table.before(token.i):
                if (entry.actor.kind == "person") == want_person and not entry.actor.unsure \
                        and not self._in_quote(self.doc[i].idx):
                    return entry, "description"
        if animate and token.pos_ == "NOUN" and not self._in_quote(token.idx):
            return self.table.unnamed_from(token), "unnamed"
        return None, "none"
