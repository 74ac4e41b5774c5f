"""Where the article puts words in quotation marks, and excerpts found verbatim in it."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from storage.text import locate, normalise_verbatim

_OPENING = "“„‟"
_CLOSING = "”"
_EITHER = '"″'
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_MARK = re.compile(f"[{re.escape(_OPENING + _CLOSING + _EITHER)}]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Where the article puts words in double quotation marks: (start, end) of each quoted
    passage, marks excluded, in ``text``'s own offsets.

    Pairs are found within a paragraph, so one stray or missing mark cannot turn every later
    quote inside out. A quote left open at a paragraph's end counts only when the next paragraph
    opens with a quotation mark: the newsroom convention for a quote that runs on over several
    paragraphs (each of its paragraphs is then a passage of its own); any other unclosed mark
    quotes nothing. Paragraphs are separated by blank lines when the text has any (so text
    wrapped at a fixed width keeps its paragraphs whole), otherwise by line breaks.
    """
    breaks = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    paragraphs: list[tuple[int, int]] = []
    start = 0
    for m in breaks.finditer(text):
        paragraphs.append((start, m.start()))
        start = m.end()
    paragraphs.append((start, len(text)))
    spans: list[tuple[int, int]] = []
    for number, (begin, end) in enumerate(paragraphs):
        opened: int | None = None
        # Only the marks are visited (a loop over every character was a quarter of a sheet's
        # check).
        for mark in _MARK.finditer(text, begin, end):
            i = mark.start()
            ch = text[i]
            if ch in _OPENING or (ch in _EITHER and opened is None):
                opened = i + 1  # an opening mark inside an open quote starts it afresh
            elif (ch in _CLOSING or ch in _EITHER) and opened is not None:
                if i > opened:
                    spans.append((opened, i))
                opened = None
        if opened is not None and number + 1 < len(paragraphs):
            following = text[paragraphs[number + 1][0]:paragraphs[number + 1][1]].lstrip()
            if following[:1] in (_OPENING + _EITHER) and text[opened:end].strip():
                spans.append((opened, end))
    return spans


def quoted_passages(text: str) -> list[str]:
    """The quoted passages of quote_spans, through normalise_verbatim."""
    return [normalise_verbatim(text[a:b]) for a, b in quote_spans(text)]


def found_verbatim(excerpt: str, haystack: str, whole_words: bool = False) -> bool:
    """Under the verbatim rule; a quote must also not start or end inside a word.
    ``haystack`` is the article text already through normalise_verbatim."""
    needle = normalise_verbatim(excerpt)
    if not needle:
        return False
    if not whole_words:
        return needle in haystack
    # What re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack) answers (each guard
    # only when the needle starts / ends with a word character), without compiling a pattern
    # per excerpt: \w is exactly str.isalnum() or "_".
    guard_start, guard_end = _word_char(needle[0]), _word_char(needle[-1])
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not (guard_start and start > 0 and _word_char(haystack[start - 1])) and \
                not (guard_end and end < len(haystack) and _word_char(haystack[end])):
            return True
        start = haystack.find(needle, start + 1)
    return False


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def closest_passage(excerpt: str, text: str) -> str | None:
    needle = normalise_verbatim(excerpt)
    haystack = normalise_verbatim(text)
    if not needle:
        return None
    alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=70)
    if alignment is None:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    while start > 0 and haystack[start - 1].isalnum():  # widen to whole words
        start -= 1
    while end < len(haystack) and haystack[end].isalnum():
        end += 1
    passage = haystack[start:end].strip()
    span = locate(passage, text)  # show the article's own quote marks, not straightened ones
    return " ".join(text[span[0]:span[1]].split()) if span else passage
