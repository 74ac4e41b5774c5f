"""After every load, applied or refused, the memory it freed goes back to the system."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

import storage.memory
from storage.sheets import SheetError
from storage.store import Store
from tests.storage.test_store import P7_STANCE, edit


def test_release_asks_glibc_and_nothing_else() -> None:
    assert storage.memory.release() is (platform.libc_ver()[0] == "glibc")


async def test_every_load_hands_its_memory_back(
        store: Store, seeds: Path, seed_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def release() -> bool:
        calls.append("release")
        return True

    monkeypatch.setattr(storage.memory, "release", release)

    edit(seed_folder / "facts.toml", P7_STANCE, P7_STANCE.replace('"unclear"', '"opposes"'))
    assert (await store.load(seeds)).loaded
    assert calls == ["release"]

    await store.load(seeds, dry_run=True)
    assert calls == ["release"] * 2

    opposes = P7_STANCE.replace('"unclear"', '"opposes"')
    edit(seed_folder / "facts.toml", opposes, opposes.replace('"opposes"', '"opposez"'))
    with pytest.raises(SheetError):
        await store.load(seeds)
    assert calls == ["release"] * 3
    # The writer still works after its cache was emptied.
    edit(seed_folder / "facts.toml", opposes.replace('"opposes"', '"opposez"'),
         opposes.replace('"opposes"', '"supports"'))
    assert (await store.load(seeds)).loaded
