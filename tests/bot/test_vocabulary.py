"""The bot's marks cover storage's vocabularies exactly, and say so when they stop to."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.commands import Lookup
from bot.vocabulary import LOOKED_UP, RESPONSE_MARK, STANCE_MARK, STATUS_MARK, marks, term
from storage.model import CLAIM_STATUSES, QUESTION_STATUSES, RESPONSES, STANCES


def test_every_term_has_its_mark_in_storages_order() -> None:
    assert tuple(STANCE_MARK) == STANCES
    assert tuple(STATUS_MARK) == (*CLAIM_STATUSES, *QUESTION_STATUSES)
    assert tuple(RESPONSE_MARK) == RESPONSES


@pytest.mark.parametrize("table", [{"supports": "🟢"}, {"supports": "🟢", "opposes": "🔴",
                                                       "neutral": "⚪"}])
def test_a_missing_or_unknown_term_fails_loudly(table: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="storage's terms"):
        marks(("supports", "opposes"), table)
    with pytest.raises(ValueError, match="storage's terms"):
        term(QUESTION_STATUSES, "closed")


def test_every_lookup_that_can_fail_is_one_the_spec_knows() -> None:
    assert set(LOOKED_UP) <= set(get_args(Lookup))
