from __future__ import annotations

from storage import queries
from storage.store import Store


async def test_seed_loads_and_answers(store: Store) -> None:
    answer = await queries.quotes(store, speaker="Trump")
    assert [q.text for q in answer.items] == ["If we do this deal, he’s not looking for more war"]
