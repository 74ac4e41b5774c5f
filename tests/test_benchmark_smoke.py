"""The benchmark (benchmarks/run.py) at a tiny size, so it cannot rot: every metric is produced.

Timings are never asserted: this only checks that a run completes and reports everything.
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import storage.load.pipeline
import storage.store
from benchmarks import run
from storage.sheets import SheetError


def test_benchmark_reports_every_metric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches, so that the tiny corpus also goes through the streamed load.
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 2)
    monkeypatch.setattr(storage.load.pipeline, "BATCH", 2)
    monkeypatch.setattr(run, "AFTER_LOAD", 0.0)  # no watching on after the reloads
    assert run.main(["--sizes", "5", "--in-process", "--out", str(tmp_path), "--samples", "3",
                     "--budget", "0.5", "--distinct", "3", "--raw-args", "2",
                     "--broad-budget", "0.2"]) == 0

    data = json.loads((tmp_path / "results.json").read_text())
    assert {"nproc", "cpu", "ram_gib", "python", "sqlite"} <= set(data["machine"])
    result = data["runs"]["5"]
    assert result["articles"] == 5
    assert result["facts"] > 0
    for phase in ("first_load", "reload_1pct", "reload_all"):
        for metric in ("seconds", "facts_per_s", "max_stall_ms", "ticks", "phases_s",
                       "stalls_over_20ms_with_host_steal", "max_stall_without_host_steal_ms"):
            assert metric in result[phase], (phase, metric)
        assert result[phase]["ticks"] > 0
        assert result[phase]["max_stall_without_host_steal_ms"] <= result[phase]["max_stall_ms"]
        assert "release" in result[phase]["phases_s"]  # the memory handed back after it
    for phase in ("reload_1pct", "reload_all"):
        assert result[phase]["max_stall_after_return_ms"] <= result[phase]["max_stall_ms"]
        assert result[phase]["first_answer_after_ms"] > 0
    assert result["first_load"]["articles_loaded"] == 5
    assert result["reload_1pct"]["articles"] == 1
    assert result["startup"]["seconds"] > 0
    assert result["startup"]["first_answer_ms"] > 0
    assert result["startup"]["indexes_built_after_ms"] >= 0
    assert result["peak_rss_mb"] > 0
    assert result["database_mb"] > 0

    labels = [c["label"] for c in result["commands"]]
    assert labels == [spec.label for spec in run.TYPICAL]
    for command in ("positions", "quotes", "claims", "questions", "who", "search", "source",
                    "articles", "timeline", "autocomplete"):
        assert any(label.startswith(command) for label in labels), command
    for c in result["commands"]:
        for metric in ("samples", "p50_ms", "p99_ms", "own_p50_ms", "own_p99_ms", "mean_pages"):
            assert isinstance(c[metric], int | float), (c["label"], metric)
            assert not math.isnan(c[metric]), (c["label"], metric)
        if c["label"].startswith("autocomplete"):
            continue
        for metric in ("query_p50_ms", "render_p50_ms", "raw_sql_p50_ms", "own_to_raw_p50"):
            assert isinstance(c[metric], float), (c["label"], metric)
    assert result["noop"]["samples"] > 0
    assert [b["label"] for b in result["broad"]] == [spec.label for spec in run.BROAD]

    table = (tmp_path / "results.md").read_text()
    for row in ("validation + first load", "reload, 1% of articles changed",
                "start-up to ready", "longest loop stall during a reload",
                "longest loop stall during the first load", "peak RSS", "no-op floor",
                *labels):
        assert row in table, row


async def _load_twice(root: Path, db: Path, **options: object
                     ) -> tuple[object, list[list[tuple[object, ...]]]]:
    store = await storage.store.Store.open(db, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    try:
        try:
            report: object = await store.load(root, **options)  # type: ignore[arg-type]
        except SheetError as exc:
            report = [str(p) for p in exc.problems]
        rows: list[list[tuple[object, ...]]] = []
        for table in ("articles", "actors", "topics", "names", "facts", "fact_actors"):
            async with store.reader.execute(f"SELECT * FROM {table}") as cur:
                # Sorted: a sheet's names come from a set, whose order varies by process.
                # Not the file stamps: whether a file is old enough to be stamped depends on
                # when each load ran, not on how it wrote.
                names = [d[0] for d in cur.description]
                rows.append(sorted((tuple(v for n, v in zip(names, r, strict=True)
                                          if n != "file_stamp")
                                    for r in await cur.fetchall()), key=repr))
        return report, rows
    finally:
        await store.close()


async def test_streamed_load_matches_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """What the benchmark's big loads go through (batches inside one transaction) gives the
    same facts, diff and problems as the one-batch path the other tests cover."""
    from benchmarks import corpus

    root = corpus.generate(tmp_path / "corpus", 7)
    (root / corpus.MANIFEST).unlink()
    whole, whole_rows = await _load_twice(root, tmp_path / "a.sqlite3")
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 2)
    monkeypatch.setattr(storage.load.pipeline, "BATCH", 3)
    streamed, streamed_rows = await _load_twice(root, tmp_path / "b.sqlite3")
    assert streamed_rows == whole_rows
    assert isinstance(whole, storage.load.LoadReport)
    assert isinstance(streamed, storage.load.LoadReport)
    assert streamed.loaded == whole.loaded
    assert {k: (set(d.added), set(d.changed), set(d.removed)) for k, d in streamed.diff.items()} \
        == {k: (set(d.added), set(d.changed), set(d.removed)) for k, d in whole.diff.items()}

    # A broken sheet in a later batch refuses the whole load, with the same problems.
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    facts = folders[-1] / "facts.toml"
    facts.write_text(facts.read_text().replace('stance = "', 'stance = "x', 1))
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 10_000)
    whole_problems, _ = await _load_twice(root, tmp_path / "c.sqlite3")
    monkeypatch.setattr(storage.load.pipeline, "STREAM_AT", 2)
    streamed_problems, refused_rows = await _load_twice(root, tmp_path / "d.sqlite3")
    assert isinstance(whole_problems, list)
    assert whole_problems
    assert streamed_problems == whole_problems
    assert refused_rows == [[], [], [], [], [], []]


def test_steal_is_read_per_cpu() -> None:
    stolen = run.steal_ms()
    if stolen is None:  # not Linux: the benchmark reports no steal, and says nothing of it
        assert not Path("/proc/stat").exists()
        return
    assert 1 <= len(stolen) <= (os.cpu_count() or 1)  # the CPUs online
    assert all(ms >= 0 and ms % 10 == 0 for ms in stolen)


def test_compare_flags_only_what_got_worse_beyond_the_noise() -> None:
    from benchmarks.compare import compare

    def run(scale: float, first_load: float) -> dict[str, Any]:
        entry = {"label": "who <name>", "p50_ms": 1.0 * scale, "p99_ms": 3.0 * scale}
        return {"first_load": {"seconds": first_load},
                "startup": {"seconds": 0.2, "first_answer_ms": 5.0},
                "reload_1pct": {"seconds": 0.8, "max_stall_ms": 8.0, "first_answer_after_ms": 4.0},
                "reload_all": {"seconds": 50.0, "max_stall_ms": 20.0},
                "noop": {"p50_ms": 0.2}, "peak_rss_mb_after_first_load": 200.0,
                "commands": [entry], "broad": []}

    before = [run(1.0, 40.0), run(1.05, 44.0)]
    rows, worse = compare(before, [run(1.02, 45.0), run(1.0, 47.0)], slack=0.0)
    assert worse == []  # medians 42 and 46: 4 s apart, within the spread measured (4 s)
    assert len(rows) == 2 + 12
    rows, worse = compare(before, [run(1.0, 47.0), run(1.0, 48.0)], slack=0.0)
    assert worse == ["first load, s"]  # 47.5 against 42, beyond 4 s of noise
    rows, worse = compare(before, [run(2.0, 40.0)], slack=0.0)
    assert worse == ["who <name> p50, ms", "who <name> p99, ms"]
