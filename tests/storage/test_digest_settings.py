"""When a digest schedule takes effect (digest_settings.active_since, migration 0014)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from storage.digest import DigestConfig, get_config, save_config
from storage.store import Store
from tests.factory import Clock


async def test_a_schedule_takes_effect_when_it_is_new_or_changed(tmp_path: Path) -> None:
    clock = Clock("2026-11-25T09:00:00")
    async with await Store.open(tmp_path / "db.sqlite3", clock=clock) as store:
        saved = await save_config(store, DigestConfig(1, 2, "08:00", "UTC"), user_id=3)
        assert saved.active_since == clock.now
        set_up = clock.now
        clock.now = datetime(2026, 11, 26, 9, tzinfo=UTC)
        # Same time and zone, another channel: the running schedule goes on.
        kept = await save_config(store, DigestConfig(1, 5, "08:00", "UTC", True), user_id=3)
        assert (kept.channel_id, kept.skip_empty, kept.active_since) == (5, True, set_up)
        moved = await save_config(store, DigestConfig(1, 5, "10:00", "UTC"), user_id=3)
        assert moved.active_since == clock.now
        clock.now = datetime(2026, 11, 27, 9, tzinfo=UTC)
        rezoned = await save_config(store, DigestConfig(1, 5, "10:00", "Europe/Paris"), user_id=3)
        assert rezoned.active_since == clock.now


async def test_an_older_database_takes_each_schedule_from_its_last_setup(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    async with await Store.open(db, clock=Clock("2026-11-25T09:00:00")) as store:
        await save_config(store, DigestConfig(1, 2, "08:00", "UTC"), user_id=3)
    with sqlite3.connect(db) as conn:
        conn.executescript("ALTER TABLE digest_settings DROP COLUMN active_since;"
                           "ALTER TABLE articles DROP COLUMN title_source;"
                           "ALTER TABLE articles DROP COLUMN review;"
                           "DROP TABLE sheet_versions; DROP TABLE desk_log;"
                           "ALTER TABLE name_shown DROP COLUMN reviewed;"
                           "PRAGMA user_version = 13;")
    async with await Store.open(db) as store:
        config = await get_config(store, 1)
        assert config is not None
        assert config.active_since == datetime(2026, 11, 25, 9, tzinfo=UTC)
