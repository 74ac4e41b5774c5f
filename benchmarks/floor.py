"""The fixed costs under every answer, measured alone (see "The floor" in RESULTS.md):
an indexed lookup in SQLite, one trip to aiosqlite's connection thread, a query through
aiosqlite, and building + serialising one embed response.

    .venv/bin/python -m benchmarks.floor [database]   (default: the 10,000-article database)
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

import aiosqlite
import discord

from benchmarks.run import OUT

SAMPLES = 2000


def _p50_ms(times: list[float]) -> float:
    return sorted(times)[len(times) // 2] * 1000


def timed(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(SAMPLES):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return _p50_ms(times)


async def timed_async(fn: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(SAMPLES):
        began = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - began)
    return _p50_ms(times)


def _embed_response() -> str:
    embed = discord.Embed(title="Positions: Minister Alpha", description="x" * 1500)
    embed.set_footer(text="kremlin-peacekeepers · positions 1–10 of 312 · page 1 of 32")
    return json.dumps({"type": 4, "data": {"embeds": [embed.to_dict()],
                                           "allowed_mentions": {"parse": []}}})


async def main(db: Path) -> None:
    raw = sqlite3.connect(db)
    fact = raw.execute("SELECT id FROM facts LIMIT 1").fetchone()[0]
    lookup = timed(lambda: raw.execute("SELECT id, payload FROM facts WHERE id = ?",
                                       (fact,)).fetchall())
    print(f"sqlite3, one fact by id:                  {lookup:.4f} ms")
    async with aiosqlite.connect(db) as conn:
        async def select_one() -> object:
            async with conn.execute("SELECT 1") as cur:
                return await cur.fetchall()

        print(f"aiosqlite, execute + fetchall SELECT 1:  {await timed_async(select_one):.4f} ms")
        # What storage.connections does for each answer: one function run on the connection's thread.
        run = cast(Callable[[Callable[[], None]], Awaitable[None]], conn._execute)
        trip = await timed_async(lambda: run(lambda: None))
        print(f"aiosqlite, one bare thread trip:          {trip:.4f} ms")
    print(f"one embed response built and serialised: {timed(_embed_response):.4f} ms")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT / "db" / "n10000.sqlite3"))
