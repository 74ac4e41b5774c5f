"""Exact excerpts of the article, cut where the validator accepts them: whole words, at least
two of them, whitespace collapsed as the validator collapses it."""

from __future__ import annotations

import re
import unicodedata

from spacy.tokens import Doc

MIN_WORDS = 2
_TEXT = "newsbot_text"
_WORD = re.compile(r"\w+")


def vocabulary(text: str) -> frozenset[str]:
    """A word list written as one string (easier to read and extend than a list literal)."""
    return frozenset(text.split())


def words(text: str) -> int:
    return len(_WORD.findall(text))


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def whole(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it neither starts nor ends inside a word."""
    while start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _word_char(text[end - 1]) and _word_char(text[end]):
        end += 1
    return start, end


def clip(text: str, start: int, end: int) -> str:
    """text[start:end] as a one-line excerpt (whitespace collapsed), widened to whole words."""
    start, end = whole(text, start, end)
    return " ".join(text[start:end].split())


def text_of(doc: Doc) -> str:
    """The article text. Doc.text joins every token on each call: at 50,000 words, calling
    it per excerpt took most of a draft's time."""
    cached = doc.user_data.get(_TEXT)
    if not isinstance(cached, str):
        cached = doc.user_data[_TEXT] = doc.text
    return cached


def excerpt(doc: Doc, start: int, end: int) -> str:
    """Characters [start, end) of the article as an excerpt (see clip)."""
    return clip(text_of(doc), start, end)


def token_excerpt(doc: Doc, start: int, end: int) -> str:
    """Tokens [start, end) as an excerpt, widened within their sentence to two words."""
    start, end = max(0, start), min(len(doc), max(end, start + 1))
    sent = doc[start].sent
    while words(doc[start:end].text) < MIN_WORDS and (end < sent.end or start > sent.start):
        if end < sent.end:
            end += 1
        else:
            start -= 1
    while words(doc[start:end].text) < MIN_WORDS and (end < len(doc) or start > 0):
        if end < len(doc):
            end += 1
        else:
            start -= 1
    return excerpt(doc, doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))


def sentence_of(doc: Doc, char: int) -> tuple[int, int]:
    """Character bounds of the sentence holding ``char``."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return char, char + 1
    sent = span[0].sent
    return sent.start_char, sent.end_char


def slugify(text: str, limit: int) -> str:
    """Lowercase letters, digits and single hyphens, at most ``limit`` characters, cut at a
    hyphen when it can be; "" when nothing of ``text`` survives."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > limit:
        cut = slug.rfind("-", 0, limit + 1)
        slug = slug[:cut] if cut > 0 else slug[:limit]
    return slug.strip("-")
