"""Text matching shared by validation, lookups and /source.

The one rule for "verbatim": only whitespace and straight vs curly quote marks are normalised.
Names are folded harder (case, accents, punctuation) because people type them from memory.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTE_MARKS = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
    }
)
_WS = re.compile(r"\s+")
_SINGLE = "'‘’‚‛′"
_DOUBLE = '"“”„‟″'


_MARK_PAIRS = tuple((chr(k), v) for k, v in _QUOTE_MARKS.items())


def normalise_verbatim(text: str) -> str:
    """Collapse whitespace and straighten quote marks; nothing else changes."""
    # Same result as _WS.sub(" ", text.translate(_QUOTE_MARKS)).strip(), several times faster
    # on long text: str.translate with a dict is slow on non-ASCII strings, and str.split()
    # splits on exactly the characters \s matches.
    if not text.isascii():
        for mark, straight in _MARK_PAIRS:
            if mark in text:
                text = text.replace(mark, straight)
    return " ".join(text.split())


def without_accents(text: str) -> str:
    """Decomposed (NFKD) with the combining marks dropped: "Zürich" -> "Zurich"."""
    if text.isascii():
        return text  # nothing to decompose
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed if decomposed.isascii() else \
        "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Fold for forgiving comparisons: case, accents, quote marks, punctuation and spacing."""
    # ASCII text has no quote marks to straighten.
    stripped = without_accents(text if text.isascii() else text.translate(_QUOTE_MARKS))
    cleaned = re.sub(r"[^\w\s'-]|_", " ", stripped.casefold()).replace(".", "")
    return _WS.sub(" ", cleaned).strip()


def fold_name(name: str) -> str:
    """Like fold, but "U.S." and "US" fold alike and apostrophes/hyphens are spaces."""
    return _WS.sub(" ", fold(name.replace(".", "")).replace("'", "").replace("-", " ")).strip()


@lru_cache(maxsize=4096)
def _verbatim_pattern(excerpt: str) -> re.Pattern[str]:
    parts: list[str] = []
    for chunk in re.split(r"(\s+)", excerpt.strip()):
        if not chunk:
            continue
        if chunk.isspace():
            parts.append(r"\s+")
            continue
        for ch in chunk:
            if ch in _SINGLE:
                parts.append(f"[{re.escape(_SINGLE)}]")
            elif ch in _DOUBLE:
                parts.append(f"[{re.escape(_DOUBLE)}]")
            else:
                parts.append(re.escape(ch))
    return re.compile("".join(parts))


def locate(excerpt: str, text: str) -> tuple[int, int] | None:
    """Span of ``excerpt`` in ``text`` under the verbatim rule, or None."""
    if not excerpt.strip():
        return None
    match = _verbatim_pattern(excerpt).search(text)
    return (match.start(), match.end()) if match else None


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+|\n+")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that contain the span, whitespace tidied."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    after = _SENTENCE_END.search(text, end)
    finish = after.start() if after else len(text)
    return _WS.sub(" ", text[begin:finish]).strip()
