"""Storage's vocabularies as the bot shows them: a mark for every stance, status and response.

The terms are storage's (storage.model); each table is checked against them when this module
loads, so a term storage adds, drops or renames fails the bot's tests at once instead of
showing as a bare bullet. The tables spell the terms out because a mark is read beside its term.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from storage.model import CLAIM_STATUSES, QUESTION_STATUSES, RESPONSES, STANCES
from storage.names import ENTITIES

UNMARKED = "•"  # a term without a mark of its own (a stance-less change, say)


def marks(vocabulary: Iterable[str], table: Mapping[str, str]) -> dict[str, str]:
    """``table`` (term -> mark), in the vocabulary's order, if it covers exactly its terms."""
    terms = tuple(vocabulary)
    if sorted(table) != sorted(terms):
        raise ValueError(f"marks for {sorted(table)}, but storage's terms are {sorted(terms)}")
    return {term: table[term] for term in terms}


def term(vocabulary: Iterable[str], word: str) -> str:
    """``word``, if it is one of the vocabulary's terms: for the few the bot treats apart."""
    if word not in vocabulary:
        raise ValueError(f"{word!r} is not one of storage's terms")
    return word


STANCE_MARK = marks(STANCES, {"supports": "🟢", "opposes": "🔴", "conditional": "🔵",
                              "mixed": "🟠", "unclear": "⚪", "no-comment": "⬛"})
STATUS_MARK = marks((*CLAIM_STATUSES, *QUESTION_STATUSES), {
    "disputed": "⚠️", "unverified": "❔", "confirmed": "✅", "false": "❌",
    "open": "❓", "answered": "✅"})
RESPONSE_MARK = marks(RESPONSES, {"rejects": "✖", "contradicts": "↯", "supports": "✔"})

ANSWERED = term(QUESTION_STATUSES, "answered")  # the digest says a question was answered
# What a lookup can fail to find: one of the store's named things, or a fact id.
FACT = "fact"
LOOKED_UP = (*ENTITIES, FACT)
