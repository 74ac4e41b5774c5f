"""Fast position look-ups over a parsed article: which token holds a character, whether a
character is inside quotation marks. Articles of 50,000 words have thousands of quotes, so
these are binary searches, never scans."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc, Span, Token


class Quoted:
    """The article's quoted passages (non-overlapping, as storage.sheets.quote_spans gives)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [a for a, _ in self.spans]

    def __contains__(self, char: int) -> bool:
        i = bisect.bisect_right(self._starts, char) - 1
        return i >= 0 and char < self.spans[i][1]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.spans)


class Positions:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._starts = [t.idx for t in doc]

    def token_at(self, char: int) -> Token:
        i = max(0, bisect.bisect_right(self._starts, char) - 1)
        return self.doc[min(i, len(self.doc) - 1)]

    def tokens(self, start: int, end: int) -> Span:
        """The tokens that start within [start, end)."""
        a = bisect.bisect_left(self._starts, start)
        b = bisect.bisect_left(self._starts, end)
        return self.doc[a:max(a, b)]

    def sentences(self, start: int, end: int) -> list[Span]:
        """The sentences overlapping [start, end)."""
        first = self.token_at(max(0, start)).sent
        last = self.token_at(max(0, end - 1)).sent
        out = [first]
        while out[-1].end < last.end and out[-1].end < len(self.doc):
            out.append(self.doc[out[-1].end].sent)
        return out
