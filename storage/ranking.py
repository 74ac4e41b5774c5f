"""The order of /search hits when every match is shown: the most relevant first.

FTS5's own ranking (bm25) is not used: it reads every fact that has any of the words to weigh
them, tens of milliseconds for common words in a newsroom archive. When all the matches fit in
one answer, they are few and already in hand, so they are ordered here instead: facts with more
of the typed words first, then those with the words side by side in the typed order, then by a
bm25-like weight of how often the words occur against the fact's length, then newest first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from storage.text import without_accents

_TOKEN = re.compile(r"[^\W_]+")
K1 = 1.2
B = 0.75


def tokens(text: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer (remove_diacritics 2) sees them, near enough."""
    return _TOKEN.findall(without_accents(text).casefold())


def by_relevance(rows: Sequence[Any], query: str, text_of: str = "search",
                 rowid_of: str = "rid") -> list[Any]:
    """``rows`` (each with the indexed text and its rowid) best first for ``query``."""
    terms = list(dict.fromkeys(tokens(query)))
    if not terms or len(rows) < 2:
        return list(rows)
    words = [tokens(row[text_of]) for row in rows]
    average = sum(len(w) for w in words) / len(words) or 1.0
    typed = tokens(query)

    def key(i: int) -> tuple[int, int, float, int]:
        found = words[i]
        counts = {t: 0 for t in terms}
        for word in found:
            if word in counts:
                counts[word] += 1
        present = sum(1 for n in counts.values() if n)
        norm = K1 * (1 - B + B * len(found) / average)
        weight = sum(n * (K1 + 1) / (n + norm) for n in counts.values() if n)
        return (-present, -_side_by_side(found, typed), -weight, -int(rows[i][rowid_of]))

    return [rows[i] for i in sorted(range(len(rows)), key=key)]


def _side_by_side(found: list[str], typed: list[str]) -> int:
    """1 when the typed words (two or more) occur together in the typed order."""
    size = len(typed)
    if size < 2 or len(found) < size:
        return 0
    first = typed[0]
    return int(any(found[i] == first and found[i:i + size] == typed
                   for i in range(len(found) - size + 1)))
