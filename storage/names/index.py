"""Forgiving name lookups, pure: case, accents, aliases and small typos.

The names of actors, topics and articles are few next to the facts, so each is held in memory
(storage.names.cache) and matched with rapidfuzz. Autocomplete and typo lookups never score
every name: sorted names answer prefixes (bisect), a word index answers word prefixes, and the
fuzzy scorers only see the names that share a word with what was typed, within a small edit
distance.
"""

from __future__ import annotations

import copy
import heapq
from bisect import bisect_left
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, DamerauLevenshtein, Levenshtein

from storage.results import Match, NotFound
from storage.text import fold_name

ENTITIES = ("actor", "topic", "article")
SUGGESTIONS = 3
ROLLUPS_KEPT = 4096  # roll-ups remembered per actor index, at most
# A roll-up: (the keys and every actor affiliated to them, the names of those others).
Rollup = tuple[tuple[str, ...], tuple[str, ...]]
FUZZY_CANDIDATES = 100  # names the final WRatio ranking sees, at most
_HIGH = "\U0010ffff"    # sorts after every folded name: the end of a prefix range


@dataclass(frozen=True)
class NameIndex:
    entity: str
    # folded name -> the keys it names, sorted. Tuples of strings, not sets: the cyclic
    # garbage collector does not track them, so a full collection (holding the event loop)
    # skips the tens of thousands of them a large archive's indexes hold.
    keys_by_folded: dict[str, tuple[str, ...]]
    display: dict[str, str]        # key -> display name
    folded: tuple[str, ...] = field(init=False)  # every folded name, sorted (for bisect)
    # For actors: keys -> (those keys and every actor affiliated to them, their names),
    # remembered as answers ask (storage.queries); as fresh as the index itself (one per load).
    _rollups: dict[tuple[str, ...], Rollup] = field(
        init=False, default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", tuple(sorted(self.keys_by_folded)))

    def rollup(self, keys: tuple[str, ...]) -> Rollup | None:
        return self._rollups.get(keys)

    def remember_rollup(self, keys: tuple[str, ...], rollup: Rollup) -> None:
        if len(self._rollups) >= ROLLUPS_KEPT:
            self._rollups.clear()
        self._rollups[keys] = rollup

    def carried(self) -> NameIndex:
        """The same names and lookup structures for a later load that did not change them;
        the roll-ups are not carried (affiliations may have changed)."""
        kept = copy.copy(self)
        object.__setattr__(kept, "_rollups", {})
        return kept

    def resolve(self, query: str) -> Match | NotFound:
        wanted = fold_name(query)
        if not wanted:
            return NotFound(self.entity, query, ())
        exact = self.keys_by_folded.get(wanted)
        if exact:
            return self._match(query, exact, corrected=False)
        typo = self.typo_keys(wanted)
        if typo:
            return self._match(query, typo, corrected=True)
        return NotFound(self.entity, query, self.suggest(wanted))

    def typo_keys(self, wanted: str) -> frozenset[str] | None:
        """Keys within a small edit distance, when they all point to one thing."""
        if len(wanted) < 4:
            return None
        allowed = 1 if len(wanted) <= 7 else 2
        # Only names whose length is within ``allowed`` can be that close, and Levenshtein
        # (bit-parallel, fast) is at most twice Damerau-Levenshtein: the slow exact scorer
        # sees a few names instead of all of them, with the same result.
        near_length = [n for size in range(len(wanted) - allowed, len(wanted) + allowed + 1)
                       for n in self._by_length.get(size, ())]
        rough = [n for n, _, _ in process.extract(wanted, near_length, scorer=Levenshtein.distance,
                                                  score_cutoff=2 * allowed, limit=None)]
        near = process.extract(wanted, sorted(rough), scorer=DamerauLevenshtein.distance,
                               score_cutoff=allowed, limit=20)
        keys = frozenset(k for name, _, _ in near for k in self.keys_by_folded[name])
        return keys if len(keys) == 1 else None

    def suggest(self, wanted: str, limit: int = SUGGESTIONS) -> tuple[str, ...]:
        found: list[str] = []
        for name, _, _ in process.extract(wanted, self._fuzzy_candidates(wanted, 25 * limit),
                                          scorer=fuzz.WRatio, score_cutoff=60, limit=limit * 4):
            for key in sorted(self.keys_by_folded[name]):
                shown = self.display[key]
                if shown not in found:
                    found.append(shown)
        return tuple(found[:limit])

    def ranked(self, typed: str, limit: int) -> list[tuple[str, str]]:
        """(key, display name) best first, for autocomplete; everything when nothing typed.

        Names that start with what was typed come first (shortest first), then names with a
        later word starting with it (every typed word a prefix of one of the name's words),
        then, to fill the list, names close to it (a typo in a word) ranked by WRatio."""
        wanted = fold_name(typed)
        if not wanted:
            return self._alphabetical[:limit]
        seen: dict[str, None] = {}
        for kind in range(3):  # each kind of match only when the ones before fell short
            names = (self._starting(wanted, limit) if kind == 0 else
                     self._words_starting(wanted) if kind == 1 else
                     self._fuzzy(wanted, limit * 3))
            for name in names:
                seen.update(dict.fromkeys(sorted(self.keys_by_folded[name])))
                if len(seen) >= limit:
                    return [(k, self.display[k]) for k in list(seen)[:limit]]
        return [(k, self.display[k]) for k in seen]

    def _match(self, query: str, keys: Collection[str], corrected: bool) -> Match:
        ordered = tuple(sorted(keys))
        return Match(self.entity, query, ordered, " / ".join(self.display[k] for k in ordered),
                     corrected)

    # --- lookup structures, built on first use -------------------------------------------

    def prepare(self) -> None:
        """Build every lookup structure now (NameCache.start does, off the event loop)."""
        for name in ("_alphabetical", "_by_length", "_postings", "_vocabulary"):
            getattr(self, name)

    @cached_property
    def _alphabetical(self) -> list[tuple[str, str]]:
        return sorted(self.display.items(), key=lambda kv: kv[1].casefold())

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        sizes: dict[int, list[str]] = {}
        for name in self.folded:
            sizes.setdefault(len(name), []).append(name)
        return sizes

    @cached_property
    def _postings(self) -> dict[str, tuple[int, ...]]:
        """word -> positions in ``folded`` of the names that have it (tuples: see
        keys_by_folded)."""
        words: dict[str, list[int]] = {}
        for i, name in enumerate(self.folded):
            for word in set(name.split()):
                words.setdefault(word, []).append(i)
        return {word: tuple(found) for word, found in words.items()}

    @cached_property
    def _vocabulary(self) -> list[str]:
        return sorted(self._postings)

    def _near_words(self, word: str) -> tuple[list[str], dict[str, list[str]]]:
        """What a typed ``word`` may be a typo of: the first len(word) letters of every word
        that begins with the same letter (or with its first two letters swapped), and such
        whole words up to two letters shorter or longer; each -> the words it stands for.
        A typo in the very first letter is not corrected: people rarely make one, and
        checking only those words is what makes this fast."""
        size = len(word)
        cache: dict[tuple[int, str], tuple[list[str], dict[str, list[str]]]] = (
            self.__dict__.setdefault("_near_cache", {}))
        found = cache.get((size, word[:2]))
        if found is None:
            words: dict[str, list[str]] = {}
            for start in dict.fromkeys((word[0], word[1] + word[0])):
                vocabulary = self._vocabulary
                lo = bisect_left(vocabulary, start)
                for other in vocabulary[lo:bisect_left(vocabulary, start + _HIGH, lo)]:
                    if len(other) >= size:
                        words.setdefault(other[:size], []).append(other)
                    if size - 2 <= len(other) <= size + 2 and len(other) != size:
                        words.setdefault(other, []).append(other)
            found = (list(words), words)
            if len(cache) < 4096:
                cache[(size, word[:2])] = found
        return found

    # --- the three kinds of match ---------------------------------------------------------

    def _starting(self, wanted: str, limit: int) -> Iterator[str]:
        lo = bisect_left(self.folded, wanted)
        hi = bisect_left(self.folded, wanted + _HIGH, lo)
        return _shortest_first(self.folded[lo:hi], 4 * limit)

    def _word_ids(self, word: str, prefix: bool) -> set[int]:
        if not prefix:
            return set(self._postings.get(word, ()))
        vocabulary = self._vocabulary
        lo = bisect_left(vocabulary, word)
        hi = bisect_left(vocabulary, word + _HIGH, lo)
        ids: set[int] = set()
        for w in vocabulary[lo:hi]:
            ids.update(self._postings[w])
        return ids

    def _words_starting(self, wanted: str) -> Iterator[str]:
        """Names where each typed word starts one of the name's words (the last typed word
        may be cut short; the others too, as people abbreviate)."""
        ids: set[int] | None = None
        # The longest typed word first: it has the fewest names, and the rest only filter.
        for word in sorted(set(wanted.split()), key=len, reverse=True):
            found = self._word_ids(word, prefix=True)
            ids = found if ids is None else ids & found
            if not ids:
                return iter(())
        names = [self.folded[i] for i in sorted(ids or ())]
        return _shortest_first(names, 100)

    def _fuzzy_candidates(self, wanted: str, enough: int = FUZZY_CANDIDATES) -> list[str]:
        """Names with a word (or a word's beginning) within a small edit distance of a typed
        word of 3 letters or more: those matching the most typed words first, then the
        closest, then the shortest; at most ``enough``."""
        found: dict[int, list[int]] = {}  # position in folded -> [-words matched, distance]
        plenty = 10 * enough  # names per typed word to choose the best ``enough`` from
        for word in set(wanted.split()):
            if len(word) < 3:
                continue
            allowed = 1 if len(word) == 3 else 2
            targets, near = self._near_words(word)
            best: dict[int, int] = {}
            tier = 0
            # Closest first, a whole distance at a time, until there are enough names.
            for target, distance, _ in process.extract(word, targets, scorer=OSA.distance,
                                                       score_cutoff=allowed, limit=None):
                if distance > tier:
                    if len(best) >= enough:
                        break
                    tier = int(distance)
                for w in near[target]:
                    for i in self._postings[w][:plenty]:
                        best.setdefault(i, tier)
                if len(best) >= plenty:
                    break
            for i, distance in best.items():
                score = found.setdefault(i, [0, 0])
                score[0] -= 1
                score[1] += distance
        folded = self.folded
        return [folded[i] for i in heapq.nsmallest(
            enough, found, key=lambda i: (found[i][0], found[i][1], len(folded[i]), i))]

    def _fuzzy(self, wanted: str, limit: int) -> Iterator[str]:
        candidates = self._fuzzy_candidates(wanted, limit)
        return (name for name, _, _ in process.extract(wanted, candidates, scorer=fuzz.WRatio,
                                                       score_cutoff=50, limit=limit))


def _shortest_first(names: Sequence[str], enough: int) -> Iterator[str]:
    """``sorted(names, key=len)``, lazily: the first ``enough`` without sorting them all."""
    if len(names) <= enough:
        yield from sorted(names, key=len)
        return
    yield from heapq.nsmallest(enough, names, key=len)  # == sorted(...)[:enough]
    yield from sorted(names, key=len)[enough:]  # only when those were not enough


def article_names(slug: str, title: str) -> tuple[str, str]:
    """The folded names an article is found by: its slug and its title."""
    return fold_name(slug), fold_name(title)
