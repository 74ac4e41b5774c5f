"""Who says it: the cue (said, told reporters, according to) near a passage, its subject, and
that subject resolved to an actor through names, pronouns and descriptions."""

from __future__ import annotations

from collections.abc import Callable
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
    is_cue,
)
from drafting.spans import Quoted


@dataclass
class Speaker:
    entry: Entry | None  # None: nobody the article names
    token: Token | None  # the subject as the article writes it
    how: str  # "name", "pronoun", "description", "unnamed", "context", "label", "signed",
    # "colon", "none"
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
        if self.how == "colon":
            return f"no cue: '{_phrase(self.token)}' leads into the quote with a colon"
        if self.how == "signed":
            return "no cue: the quote is signed with the speaker's name after it"
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
        if here is verb:
            inverted = _inverted_subject(verb, outside)
            if inverted is not None:
                return inverted
        if (current.dep_ in ("xcomp", "conj", "advcl", "acl") or (
                current.dep_ == "dep" and current.head.pos_ == "VERB")) \
                and current.head.i != current.i and outside(current.head):
            current = current.head
            if current.dep_ in ("ccomp", "xcomp") and not is_cue(current) and \
                    not _person_subject(current):
                # "Ruiz said in hindsight it took years but added, “...”": the parser hung the
                # cue on the reported clause, whose subject is no person; the speaker is the
                # subject of the cue above. ("Ruiz said Okafor had resigned, saying “...”"
                # stays Okafor's.)
                above = next((a for a in current.ancestors if is_cue(a)), None)
                if above is not None and outside(above):
                    current = above
        else:
            break
    return None


def _person_subject(verb: Token) -> bool:
    """The clause's subject may be a person: a name, a person pronoun or a person noun."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child.pos_ == "PROPN" or child.lower_ in PERSON_PRONOUNS or \
                child.lemma_.casefold() in PERSON_NOUNS or child.lemma_.casefold() in GROUP_NOUNS
    return False


def _inverted_subject(verb: Token, outside: Callable[[Token], bool]) -> Token | None:
    """The speaker the parser gave to the quote's own verb: "“The risk,” said Ana Ruiz, “is
    ...”" (a name right after the cue), or "“...,” Tom Okafor, a Ruiz adviser, said" (the
    phrase between the closing mark and the cue, made the quote's attribute)."""
    doc = verb.doc
    for tok in doc[verb.i + 1:verb.i + 5]:
        if tok.is_punct or not outside(tok) or "\n" in tok.text_with_ws:
            break
        if tok.dep_ == "nsubj" and tok.head.i != verb.i and tok.pos_ == "PROPN" and \
                tok.ent_type_ in ("PERSON", ""):
            return tok
    window = doc[max(0, verb.i - 15):verb.i]
    mark = next((t for t in reversed(window) if t.text in ("”", '"') and t.i > 0
                 and not outside(doc[t.i - 1])), None)
    if mark is None or "\n" in doc[mark.i:verb.i].text:
        return None
    between = [t for t in doc[mark.i + 1:verb.i] if not t.is_punct]
    # Only a noun phrase between: "“...” on the radio before adding" is not a speaker's name.
    if not between or between[0].pos_ not in ("PROPN", "NOUN", "DET", "ADJ", "PRON", "NUM") or \
            any(t.pos_ in ("VERB", "AUX") for t in between):
        return None
    for tok in between:
        if tok.pos_ in ("PROPN", "NOUN", "PRON") and tok.dep_ not in (
                "compound", "det", "amod", "nummod", "poss", "case"):
            return tok if tok.head.i != verb.i else None
    return None


def _mislabelled_person(token: Token) -> bool:
    """A singular proper noun of two words or more that the recogniser took for a nationality
    (a first name that is also a demonym) is a person's name; "Democrats said", "the Texas
    Democrat said" and "the New York Republican said" are not."""
    if token.ent_type_ != "NORP" or token.tag_ != "NNP" or any(
            c.dep_ in ("det", "poss") for c in token.children):
        return False
    first = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return bool(first) and all(c.ent_type_ in ("NORP", "PERSON", "") for c in first)


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
        # Not a compound: "Clinton adviser" is the adviser, not Clinton. Before a proper noun
        # the entity recogniser missed: "Vice President for sales Tom Okafor" is Okafor.
        for child in token.children:
            if child.dep_ in ("appos", "conj"):
                found = self.table.at(child)
                if found is not None and found.actor.kind == "person":
                    return found, "name"
        if token.pos_ == "PROPN" and token.text[:1].isupper() and (
                token.ent_type_ in ("", "PERSON") or _mislabelled_person(token)):
            return self.table.named_from(token), "name"
        if token.pos_ == "ADP" and depth < 3:
            # "Of Ruiz, Okafor said": the parser made the preposition the subject; the
            # speaker is the last name it spans.
            names = [t for t in token.subtree if t.i > token.i and t.pos_ == "PROPN"
                     and not any(a.dep_ == "relcl" for a in t.ancestors if a.i > token.i)
                     and t.dep_ != "compound"]
            if names:
                return self.resolve(names[-1], depth + 1)
            return None, "none"
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
