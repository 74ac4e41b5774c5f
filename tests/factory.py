"""Generated, valid fact sheets for tests that need more or bigger facts than the seed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage.store import Store


def write_sheet(folder: Path, slug: str, positions: int = 0, summary_words: int = 12,
                title: str | None = None, stance: str = "supports") -> Path:
    """An article with two actors, one topic and ``positions`` positions, each with evidence."""
    folder.mkdir(parents=True, exist_ok=True)
    sentences = [f"Minister Alpha said point number {i} matters." for i in range(1, positions + 1)]
    text = "Minister Alpha spoke for Ruritania. Ruritania is a small country. " + " ".join(sentences)
    (folder / "article.txt").write_text(text + "\n", encoding="utf-8")
    filler = " ".join(["detail"] * summary_words)
    lines = [
        "[article]", f'slug = "{slug}"', f'title = "{title or "Generated article " + slug}"',
        'outlet = "Test Wire"', "published = 2025-02-25", 'language = "en"', "",
        "[[actors]]", 'id = "alpha"', 'name = "Minister Alpha"', 'kind = "person"',
        'role = "minister"', 'affiliation = "ruritania"', 'evidence = "Minister Alpha spoke"', "",
        "[[actors]]", 'id = "ruritania"', 'name = "Ruritania"', 'kind = "country"',
        'evidence = "Ruritania is a small country."', "",
        "[[topics]]", 'id = "points"', 'name = "Numbered points"', "",
    ]
    for i in range(1, positions + 1):
        lines += ["[[positions]]", f'id = "p{i}"', 'actor = "alpha"', 'topic = "points"',
                  f'stance = "{stance}"', f'summary = "Point {i}: {filler}."',
                  f'evidence = "Minister Alpha said point number {i} matters."', ""]
    (folder / "facts.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


@contextlib.contextmanager
def failing_writes(store: Store, fails: Callable[[str, int], bool]) -> Iterator[list[str]]:
    """The store's writer raises RuntimeError("disk on fire") on a batch of rows (executemany)
    when ``fails(statement, how many statements were sent)`` says so. Yields the statements
    sent, in order."""
    real = store.writer.executemany
    sent: list[str] = []

    async def failing(sql: str, params: Any) -> Any:
        sent.append(sql)
        if fails(sql, len(sent)):
            raise RuntimeError("disk on fire")
        return await real(sql, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store.writer, "executemany", failing)
        yield sent


class Clock:
    """Time that moves only when a test moves it: ``clock.now = ...``."""

    def __init__(self, now: datetime | str) -> None:
        self.now = now if isinstance(now, datetime) else datetime.fromisoformat(now)
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now
