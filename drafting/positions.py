"""Positions: who supports or opposes what, the stance read off the article's verb; hedged or
negated verbs give "unclear", never a guess."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from drafting.attribution import Resolver
from drafting.excerpts import excerpt, slugify, vocabulary
from drafting.model import DraftPosition, DraftTopic
from drafting.spans import Quoted

STANCE_VERBS = {
    **dict.fromkeys(vocabulary("""support back welcome endorse favor favour praise champion advocate
    applaud embrace hail defend"""), "supports"),
    **dict.fromkeys(vocabulary("""oppose reject criticize criticise condemn denounce object slam
    attack blast decry resist veto fight dismiss"""), "opposes"),
}
NO_COMMENT = {"comment", "say", "respond", "elaborate", "answer", "discuss"}
HEDGES = {"seem", "appear", "may", "might", "could", "reportedly"}
MAX_TOPIC_WORDS = 8


def _stance(verb: Token) -> tuple[str, str | None]:
    stance = STANCE_VERBS[verb.lemma_]
    children = {c.lower_ for c in verb.children}
    if children & {"not", "n't", "never"}:
        return "unclear", f"the article negates '{verb.text}'"
    if verb.head.lemma_ in HEDGES or children & HEDGES:
        return "unclear", f"'{verb.text}' is hedged in the article"
    return stance, None


def _topic_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("dobj", "pobj") and child.pos_ in ("NOUN", "PROPN"):
            return child
        if child.dep_ == "prep" and child.lower_ in ("to", "of"):  # object to, proponent of
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return obj
    return None


def _topic_name(head: Token) -> str:
    doc = head.doc
    start = head.i
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "nmod") and child.i < start:
            start = child.i
    end = head.i + 1
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            end = max(end, child.right_edge.i + 1)
    span = doc[start:min(end, start + MAX_TOPIC_WORDS)]
    return " ".join(span.text.split()).strip(" ,.;:")


class PositionFinder:
    def __init__(self, doc: Doc, resolver: Resolver, quoted: Quoted) -> None:
        self.doc = doc
        self.resolver = resolver
        self.quoted = quoted
        self.topics: dict[str, DraftTopic] = {}

    def _topic(self, name: str) -> str:
        key = slugify(name, 40) or "topic"
        if key not in self.topics:
            self.topics[key] = DraftTopic(id=key, name=name[0].upper() + name[1:])
        return key

    def find(self) -> list[DraftPosition]:
        positions: list[DraftPosition] = []
        for tok in self.doc:
            if tok.idx in self.quoted or tok.pos_ != "VERB":
                continue
            if tok.lemma_ in STANCE_VERBS:
                stance, note = _stance(tok)
            elif tok.lemma_ in ("decline", "refuse") and any(
                    c.dep_ == "xcomp" and c.lemma_ in NO_COMMENT for c in tok.children):
                stance, note = "no-comment", None
            else:
                continue
            who = self.resolver.speaker(tok)
            head = _topic_of(tok) if stance != "no-comment" else None
            if who.entry is None or (head is None and stance != "no-comment"):
                continue
            if head is not None and self.resolver.table.at(head) is who.entry:
                continue
            name = _topic_name(head) if head is not None else "the matter in this sentence"
            if not any(ch.isalpha() for ch in name):
                continue
            sent = tok.sent
            notes = ["topic drafted from the verb's object: rename or merge it"]
            notes += [x for x in (note, who.unsure) if x]
            positions.append(DraftPosition(
                id=f"p{len(positions) + 1}", actor=who.entry.actor.id, topic=self._topic(name),
                stance=stance,
                summary=f"{who.entry.actor.name}: {tok.text} {name}." if head is not None
                else f"{who.entry.actor.name} {tok.text} to comment.",
                evidence=excerpt(self.doc, sent.start_char, sent.end_char),
                unsure="; ".join(notes)))
        return positions
