"""Pure rendering for moderators: reload outcomes and status, shared by Discord and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render import PLAIN, Block, Style, View, load_summary
from storage.reload import ERROR_SUMMARY_PROBLEMS, ReloadEntry, ReloadOutcome
from storage.status import StoreStatus

RESULT_MARK = {"applied": "✅", "unchanged": "✅", "checked": "🔎", "refused": "⛔",
               "failed": "⛔", "busy": "⏳"}


def reload_view(outcome: ReloadOutcome, s: Style = PLAIN) -> View:
    what = "all articles" if outcome.scope == "all" else s.text(outcome.scope)
    title = f"{'Dry run' if outcome.dry_run else 'Reload'} — {what}"
    notes: list[str] = []
    blocks: list[Block] = []
    report = outcome.report
    if report is not None:
        verb = "Would load" if outcome.dry_run else "Loaded"
        notes.append(f"{RESULT_MARK[outcome.result]} {verb} {len(report.loaded)} article(s), "
                     f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
                     f"in {report.seconds:.2f} s.")
        lines = load_summary(dict(report.diff))
        blocks += [Block((s.text(line),)) for line in lines]
        if not lines:
            notes.append("No fact changed.")
        if outcome.dry_run:
            notes.append("Dry run: nothing changed. Run /reload without dry_run to apply.")
    elif outcome.result == "refused":
        count = len(outcome.problems)
        notes.append(f"{RESULT_MARK['refused']} Refused: {count} problem(s) in the fact sheets; "
                     "nothing changed. The previous facts keep answering.")
        for p in outcome.problems[:ERROR_SUMMARY_PROBLEMS]:
            where = f"{p.file}:{p.line}" if p.line else p.file
            text = f"{where}: {p.path + ': ' if p.path else ''}{p.message}"
            if p.suggestion is not None:
                text += f"; did you mean {p.suggestion!r}?"
            blocks.append(Block((s.text(text),)))
        if count > ERROR_SUMMARY_PROBLEMS:
            blocks.append(Block((f"… and {count - ERROR_SUMMARY_PROBLEMS} more; run "
                                 f"{s.code('newsbot check')} for the full list.",)))
    else:
        notes.append(f"{RESULT_MARK[outcome.result]} {s.text(outcome.error or 'failed')}"
                     + ("" if "nothing changed" in (outcome.error or "") else "; nothing changed."))
    if not outcome.audited:
        notes.append("The audit trail could not be written; the attempt is in the bot's log.")
    return View(title=title, notes=tuple(notes), blocks=tuple(blocks), footer="")


@dataclass(frozen=True)
class RuntimeStatus:
    version: str
    uptime_seconds: float
    latency_ms: float | None
    failing_jobs: tuple[str, ...] = ()


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} bytes"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)
    return " ".join(parts) or f"{secs} s"


def _entry(e: ReloadEntry, s: Style) -> str:
    who = f"<@{e.user_id}>" if e.user_id else e.source
    changed = sum(sum(v) for v in e.diff.values())
    detail = f", {changed} fact change(s)" if e.diff else ""
    took = f" in {e.seconds:.2f} s" if e.seconds else ""
    dry = " (dry run)" if e.dry_run else ""
    return (f"{RESULT_MARK.get(e.result, '•')} {e.at} {e.result}{dry} {s.text(e.scope)} "
            f"by {who}{took}{detail}")


def status_view(store: StoreStatus, runtime: RuntimeStatus, s: Style = PLAIN) -> View:
    facts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(store.facts.items()))
    latency = f"{runtime.latency_ms:.0f} ms" if runtime.latency_ms is not None else "not connected"
    blocks = [Block((
        f"{s.bold('Facts')}: {store.articles} article(s); {facts or 'none'}",
        f"{s.bold('Database')}: {_size(store.database_bytes)}, schema {store.schema_version}",
        f"{s.bold('Bot')}: version {runtime.version}, up {_duration(runtime.uptime_seconds)}, "
        f"gateway latency {latency}",
    ))]
    if runtime.failing_jobs:
        blocks.append(Block((s.bold("Failing jobs"),
                             *(f"⚠️ {s.text(job)}" for job in runtime.failing_jobs))))
    else:
        blocks.append(Block((f"{s.bold('Scheduled jobs')}: all healthy",)))
    reloads = [_entry(e, s) for e in store.reloads]
    blocks.append(Block((s.bold("Recent reloads"), *(reloads or ["none yet"]))))
    return View(title="Status", notes=(), blocks=tuple(blocks), footer="")
