"""Claims in indirect speech ("Trump asserted that Putin would be open to ..."), who makes
them, and who rejects, denies or contradicts them."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from drafting.actors import ActorTable
from drafting.attribution import Resolver
from drafting.excerpts import excerpt, token_excerpt, vocabulary, words
from drafting.lexicon import CLAIM_VERBS
from drafting.model import DraftClaim, DraftResponse
from drafting.spans import Quoted

RESPONSE_VERBS = {"reject": "rejects", "deny": "rejects", "dismiss": "rejects",
                  "refute": "contradicts", "dispute": "contradicts", "contradict": "contradicts",
                  "rebut": "contradicts", "challenge": "contradicts", "debunk": "contradicts",
                  "confirm": "supports", "corroborate": "supports", "endorse": "supports"}
CLAIM_NOUNS = vocabulary("""assertion claim allegation suggestion report accusation statement
charge comment remark contention notion idea argument insistence""")
MIN_CLAIM_WORDS = 3


def _quoted_share(doc: Doc, start: int, end: int, spans: Quoted) -> float:
    tokens = [t for t in doc[start:end] if not t.is_punct and not t.is_space]
    if not tokens:
        return 1.0
    inside = sum(1 for t in tokens if t.idx in spans)
    return inside / len(tokens)


def _content(verb: Token) -> tuple[int, int] | None:
    """Token range of the verb's reported clause (its ccomp), "that" left out."""
    for child in verb.children:
        if child.dep_ == "ccomp" and child.i > verb.i:
            start, end = child.left_edge.i, child.right_edge.i + 1
            while start < end and verb.doc[start].lower_ in ("that", ",", "“", '"'):
                start += 1
            return start, end
    return None


def _according(doc: Doc, tok: Token) -> tuple[int, int] | None:
    """ "According to X, <clause>": the sentence without the according-to phrase."""
    sent = tok.sent
    phrase_end = tok.right_edge.i + 1
    if tok.i == sent.start or doc[tok.i - 1].is_punct:
        start = phrase_end
        while start < sent.end and doc[start].is_punct:
            start += 1
        end = sent.end
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        return (start, end) if end > start else None
    start = sent.start
    end = tok.i
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return (start, end) if end > start else None


def _statement(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:—–-\"“”")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def draft_claims(doc: Doc, table: ActorTable, spans: Quoted,
                 resolver: Resolver) -> list[DraftClaim]:
    claims: list[DraftClaim] = []
    for tok in doc:
        if tok.idx in spans:
            continue
        content: tuple[int, int] | None = None
        if tok.lemma_ in CLAIM_VERBS and tok.pos_ in ("VERB", "AUX"):
            content = _content(tok)
        elif tok.lower_ == "according" and tok.i + 1 < len(doc) and tok.nbor().lower_ == "to":
            content = _according(doc, tok)
        if content is None or content[1] - content[0] < MIN_CLAIM_WORDS:
            continue
        if _quoted_share(doc, content[0], content[1], spans) > 0.5:
            continue  # a direct quote, drafted as one
        speaker = resolver.speaker(tok)
        if speaker.entry is None:
            continue
        start, end = content
        text = doc[start:end].text
        if words(text) < MIN_CLAIM_WORDS:
            continue
        sent = tok.sent
        lo, hi = min(sent.start_char, doc[start].idx), max(sent.end_char, doc[end - 1].idx + 1)
        notes = ["claim text is the article's own clause; restate it in your words"]
        if speaker.unsure:
            notes.append(speaker.unsure)
        claims.append(DraftClaim(
            id=f"c{len(claims) + 1}", claimant=speaker.entry.actor.id, claim=_statement(text),
            status="unverified", evidence=excerpt(doc, lo, hi),
            span=(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)),
            cue=speaker.cue, unsure="; ".join(notes)))
    _responses(doc, table, spans, resolver, claims)
    return claims


def _responses(doc: Doc, table: ActorTable, spans: Quoted, resolver: Resolver,
               claims: list[DraftClaim]) -> None:
    """ "The Kremlin rejected Trump's assertion that ...": a claim by Trump (drafted here if
    the clause was not already one) with the Kremlin's response; "X denied it" answers the
    latest claim before it by someone else."""
    for tok in doc:
        kind = RESPONSE_VERBS.get(tok.lemma_)
        if kind is None or tok.pos_ != "VERB" or tok.idx in spans:
            continue
        responder = resolver.speaker(tok)
        if responder.entry is None:
            continue
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        target: DraftClaim | None = None
        if obj is not None and obj.lemma_ in CLAIM_NOUNS:
            owner = next((c for c in obj.children if c.dep_ == "poss"), None)
            clause = next((c for c in obj.children if c.dep_ in ("acl", "ccomp", "relcl")), None)
            claimant = resolver.resolve(owner)[0] if owner is not None else None
            if claimant is not None and clause is not None:
                start, end = clause.left_edge.i, clause.right_edge.i + 1
                while start < end and doc[start].lower_ == "that":
                    start += 1
                span = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
                target = next((c for c in claims if c.span[0] < span[1] and span[0] < c.span[1]),
                              None)
                if target is None and end - start >= MIN_CLAIM_WORDS:
                    target = DraftClaim(
                        id=f"c{len(claims) + 1}", claimant=claimant.actor.id,
                        claim=_statement(doc[start:end].text), status="unverified",
                        evidence=token_excerpt(doc, obj.left_edge.i, end), span=span,
                        cue=obj.text, unsure="claim text is the article's own clause; restate it")
                    claims.append(target)
        elif obj is not None and obj.lower_ in ("it", "this", "that", "claim", "claims", "report",
                                                "reports", "allegation", "allegations"):
            earlier = [c for c in claims if c.span[1] <= tok.idx
                       and c.claimant != responder.entry.actor.id]
            target = earlier[-1] if earlier else None
        if target is None or target.claimant == responder.entry.actor.id:
            continue
        sent = tok.sent
        target.responses.append(DraftResponse(
            actor=responder.entry.actor.id, response=kind,
            summary=f"{responder.entry.actor.name} {tok.text} it ({kind}).",
            evidence=excerpt(doc, sent.start_char, sent.end_char),
            unsure="; ".join(x for x in ("summary drafted from the verb alone",
                                         responder.unsure) if x)))
        target.status = "disputed" if kind != "supports" else target.status
