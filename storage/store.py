"""The store: one SQLite database, the connections that read and write it (storage.connections),
the name indexes of its latest load (storage.names), and its load pipeline (storage.load)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage.connections import Connections
from storage.load import Loader, LoadReport
from storage.names import NameCache


@dataclass(eq=False)  # identity, so caches can key on the store
class Store(Connections):
    names: NameCache = field(init=False)
    loader: Loader = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.names = NameCache(self)
        self.loader = Loader(self, self.names)

    @property
    def loading(self) -> bool:
        return self.write_lock.locked()

    async def load(self, root: Path, *, only_changed: bool = True, dry_run: bool = False,
                   slugs: Sequence[str] | None = None, lock_held: bool = False) -> LoadReport:
        """Validate the sheets under ``root`` and replace their facts in one transaction
        (storage.load.pipeline.Loader.load)."""
        return await self.loader.load(root, only_changed=only_changed, dry_run=dry_run,
                                      slugs=slugs, lock_held=lock_held)

    async def remove(self, slugs: Sequence[str], *, dry_run: bool = False,
                     lock_held: bool = False) -> LoadReport:
        """Stop serving the stored articles ``slugs`` (storage.load.pipeline.Loader.remove)."""
        return await self.loader.remove(slugs, dry_run=dry_run, lock_held=lock_held)

    async def close(self) -> None:
        await self.names.stop()
        await super().close()
