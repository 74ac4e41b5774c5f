"""Reading and validating sheets in worker processes, and the processes themselves.

Reading and validating is pure Python (TOML parsing most of it): worker processes leave the
bot's GIL to its event loop and the writer.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from storage.model import Sheet
from storage.rows import SheetRows, sheet_rows
from storage.sheets import Problem, file_stamp, read_sheet

WORKER_NICE = 10  # the worker processes' scheduling priority, below the bot's


def read_sheets(folders: Sequence[str], display_root: Path, now_ns: int
          ) -> tuple[list[Sheet], list[Problem], dict[str, str | None]]:
    """The valid sheets, every problem, and folder -> file stamp of each folder read (taken
    before its files are read: see file_stamp)."""
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    stamps: dict[str, str | None] = {}
    for folder in folders:
        stamps[folder] = file_stamp(folder, now_ns)
        result = read_sheet(Path(folder), display_root)
        if isinstance(result, Sheet):
            sheets.append(result)
        else:
            problems.extend(result)
    return sheets, problems, stamps


def sheets_rows(sheets: Sequence[Sheet], stamps: dict[str, str | None], loaded_at: str
          ) -> list[SheetRows]:
    rows = []
    for sheet in sheets:
        r = sheet_rows(sheet, sheet.folder, loaded_at)
        r.article = (*r.article, stamps.get(sheet.folder))  # the articles.file_stamp column
        rows.append(r)
    return rows


# A streamed batch: (slug, folder) of each valid sheet, the problems, the rows to insert.
Batch = tuple[list[tuple[str, str]], list[Problem], list[SheetRows]]


def read_batch(folders: Sequence[str], display_root: Path, loaded_at: str, now_ns: int
                ) -> Batch:
    """Runs in a worker process (or thread): one streamed batch, read, validated and turned
    into rows; only what the load needs goes back."""
    sheets, problems, stamps = read_sheets(folders, display_root, now_ns)
    return ([(s.article.slug, s.folder) for s in sheets], problems,
            sheets_rows(sheets, stamps, loaded_at))


def workers(*, first: bool) -> int:
    """How many worker processes read a streamed load. The first load into an empty database
    (in setup_hook, before the gateway connects) takes every core: its length is what is felt.
    A reload runs while the bot answers: it leaves a core to the event loop and the writer
    (shorter stalls for a somewhat longer reload: benchmarks/RESULTS.md, round 4)."""
    cores = os.cpu_count() or 1
    return cores if first else max(1, cores - 1)


def worker_pool(workers: int) -> ProcessPoolExecutor | None:
    """``workers`` processes for a streamed load; None (a thread reads instead) on one core
    or where processes cannot be started. Spawned, not forked: this process runs threads
    (aiosqlite's), which fork does not mix with."""
    if (os.cpu_count() or 1) < 2:
        return None
    try:
        # Niced: they take the cores this process leaves idle, and never the event loop's
        # turn (with every core busy validating, the loop woke late).
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(WORKER_NICE,))
    except (OSError, NotImplementedError, ValueError):
        return None


def _start_worker(nice: int) -> None:
    """Runs first in every worker process. A worker ends with the process that started it,
    whatever killed that one: after a SIGKILL nothing in the parent can shut the pool down, and
    the workers (with multiprocessing's resource tracker, kept alive by their copies of its
    pipe) would live on under PID 1, one set per crash."""
    os.nice(nice)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    # join() returns when the pipe the parent holds open for this worker's life reads EOF:
    # at its death, never before. os._exit: the task running in the main thread is moot.
    parent.join()
    os._exit(1)


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker process now, from the calling thread (a submit starts one when
    none is idle)."""
    for _ in range(workers):
        pool.submit(os.getpid)

