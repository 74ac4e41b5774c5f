"""Reloading fact sheets as a moderator or an editor's CI would: validated, serialised, audited."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from storage.db import StoreError
from storage.load import LoadReport
from storage.sheets import Problem, SheetError
from storage.store import Store

log = logging.getLogger(__name__)
_pending: set[asyncio.Task[bool]] = set()  # audit rows waiting for the write lock
ERROR_SUMMARY_PROBLEMS = 10


@dataclass(frozen=True)
class Requester:
    source: str  # "discord" or "cli"
    user_id: int | None = None
    guild_id: int | None = None


# What a reload did: applied (or unchanged, or checked in a dry run) when it ran; refused
# (problems in the sheets), failed (the database), or busy (another reload was running).
ReloadResult = Literal["applied", "unchanged", "checked", "refused", "failed", "busy"]


@dataclass(frozen=True)
class ReloadOutcome:
    result: ReloadResult
    scope: str
    dry_run: bool
    report: LoadReport | None = None
    problems: tuple[Problem, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    audited: bool = True

    @property
    def ok(self) -> bool:
        return self.result in ("applied", "unchanged", "checked")


@dataclass(frozen=True)
class ReloadEntry:
    at: str
    source: str
    user_id: int | None
    guild_id: int | None
    dry_run: bool
    scope: str
    result: str
    seconds: float | None
    diff: dict[str, list[int]] = field(default_factory=dict)
    error: str | None = None


async def reload(store: Store, root: Path, requester: Requester, *, article: str | None = None,
                 dry_run: bool = False, only_changed: bool = True) -> ReloadOutcome:
    """Validate and apply (or, dry, only diff) the sheets; record the attempt whatever happens."""
    scope = article or "all"
    if store.loading:
        outcome = ReloadOutcome("busy", scope, dry_run,
                                error="another reload is running; nothing changed")
    else:
        try:
            report = await store.load(root, dry_run=dry_run,
                                      slugs=[article] if article else None,
                                      only_changed=only_changed and article is None)
        except SheetError as exc:
            outcome = ReloadOutcome("refused", scope, dry_run, problems=exc.problems)
        except StoreError as exc:
            outcome = ReloadOutcome("failed", scope, dry_run, error=str(exc))
        else:
            result: ReloadResult = ("checked" if dry_run else
                                    "applied" if report.changed_anything else "unchanged")
            outcome = ReloadOutcome(result, scope, dry_run, report=report, seconds=report.seconds)
    if outcome.result == "busy":
        # The audit row waits for the running load to finish (writes never join its
        # transaction); the member is told at once.
        task = asyncio.create_task(_record(store, requester, outcome))
        _pending.add(task)
        task.add_done_callback(_pending.discard)
        return outcome
    audited = await _record(store, requester, outcome)
    if not audited:
        outcome = ReloadOutcome(outcome.result, outcome.scope, outcome.dry_run, outcome.report,
                                outcome.problems, outcome.error, outcome.seconds, audited=False)
    return outcome


async def change_and_load(store: Store, folder: Path, requester: Requester, *,
                          slug: str, change: Callable[[], object], undo: Callable[[], object],
                          remove: bool = False) -> ReloadOutcome:
    """Change an article folder's files (``change``, in a worker thread) and load the folder,
    as one step under the store's write lock: no load, /reload or other write runs between
    the change and its load, so what is on disk and what is served never part. If the load
    is refused, fails or is interrupted, ``undo`` puts the files back before the lock is
    released (a load that failed committed nothing). ``slug``: the article the folder holds;
    ``remove``: the change took the folder away, and the article goes from the store.
    Recorded in reload_log like any reload."""
    scope = slug
    async with store.write_lock:
        await asyncio.to_thread(change)
        try:
            if remove:
                report = await store.remove([slug], lock_held=True)
            else:
                report = await store.load(folder, slugs=[slug], only_changed=False,
                                          lock_held=True)
        except SheetError as exc:
            undo()
            outcome = ReloadOutcome("refused", scope, False, problems=exc.problems)
        except StoreError as exc:
            undo()
            outcome = ReloadOutcome("failed", scope, False, error=str(exc))
        except BaseException:
            undo()
            raise
        else:
            outcome = ReloadOutcome("applied" if report.changed_anything else "unchanged",
                                    scope, False, report=report, seconds=report.seconds)
    if not await _record(store, requester, outcome):
        outcome = dataclasses.replace(outcome, audited=False)
    return outcome


async def _record(store: Store, who: Requester, outcome: ReloadOutcome) -> bool:
    at = store.clock().isoformat(timespec="seconds")
    diff = None
    if outcome.report is not None:
        diff = json.dumps({k: [len(d.added), len(d.changed), len(d.removed)]
                           for k, d in outcome.report.diff.items() if not d.empty})
    error = outcome.error
    if outcome.problems:
        shown = [str(p) for p in outcome.problems[:ERROR_SUMMARY_PROBLEMS]]
        more = len(outcome.problems) - len(shown)
        error = "\n".join(shown + ([f"… and {more} more"] if more else []))
    try:
        async with store.writing() as writer:
            await writer.execute(
                "INSERT INTO reload_log (at, source, user_id, guild_id, dry_run, scope, result, "
                "seconds, diff_summary, error_summary) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (at, who.source, who.user_id, who.guild_id, int(outcome.dry_run), outcome.scope,
                 outcome.result, outcome.seconds, diff, error))
    except sqlite3.Error as exc:
        # The database itself is the problem (locked, read-only): keep the record in the log.
        log.error("could not write the reload audit row (%s): %s by %s, result %s, %s", exc,
                  outcome.scope, who, outcome.result, error)
        return False
    return True


async def recent_reloads(store: Store, limit: int = 5) -> list[ReloadEntry]:
    async with store.db.execute(
            "SELECT * FROM reload_log ORDER BY at DESC, id DESC LIMIT ?", (limit,)) as cur:
        rows = await cur.fetchall()
    return [ReloadEntry(r["at"], r["source"], r["user_id"], r["guild_id"], bool(r["dry_run"]),
                        r["scope"], r["result"], r["seconds"],
                        json.loads(r["diff_summary"]) if r["diff_summary"] else {},
                        r["error_summary"]) for r in rows]
