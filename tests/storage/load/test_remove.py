"""Removing a stored article without its files (the desk's /article remove): one transaction,
each fact's removal recorded for the digest, nothing else touched."""

from __future__ import annotations

from storage import queries
from storage.digest import digest_content
from storage.store import Store

SLUG = "kremlin-peacekeepers"


async def test_remove_stops_serving_an_article_and_the_digest_sees_it(store: Store) -> None:
    async with store.single.execute("SELECT max(id) FROM changes") as cur:
        row = await cur.fetchone()
    loaded = int(row[0]) if row else 0
    dry = await store.remove([SLUG], dry_run=True)
    assert dry.removed == (SLUG,)
    assert dry.diff["quote"].removed  # what would go, named
    assert (await queries.articles(store)).items  # a dry run changes nothing

    done = await store.remove([SLUG, "never-stored"])
    assert done.removed == (SLUG,)
    assert done.diff == dry.diff
    assert not (await queries.articles(store)).items
    assert (await store.names.index("article")).display == {}
    content = await digest_content(store, loaded)
    assert list(content.articles_removed) == [SLUG]
