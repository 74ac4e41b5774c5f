"""Pure rendering for moderators: reload outcomes and status, shared by Discord and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render import (
    DRAFT_TAG,
    PLAIN,
    Block,
    Style,
    View,
    draft_note,
    shorten,
)
from bot.vocabulary import ANSWERED, STANCE_MARK, STATUS_MARK, UNMARKED
from storage.desk import DeskEntry
from storage.digest import Change, DigestContent
from storage.load import LoadReport
from storage.reload import ERROR_SUMMARY_PROBLEMS, ReloadEntry, ReloadOutcome
from storage.status import StoreStatus

RESULT_MARK = {"applied": "✅", "unchanged": "✅", "checked": "🔎", "refused": "⛔",
               "failed": "⛔", "busy": "⏳"}
OUTCOME_MARK = {"done": "✅", "refused": "⛔", "failed": "⛔", "cancelled": "✖️", "expired": "⌛"}


def load_summary(diff: dict[str, object], examples: int = 3) -> list[str]:
    """One line per kind of fact that changed: counts and a few named examples."""
    lines = []
    for kind, d in diff.items():
        added = getattr(d, "added", ())
        changed = getattr(d, "changed", ())
        removed = getattr(d, "removed", ())
        if not (added or changed or removed):
            continue
        parts = []
        for label, ids in (("added", added), ("changed", changed), ("removed", removed)):
            if ids:
                named = ", ".join(ids[:examples]) + (", …" if len(ids) > examples else "")
                parts.append(f"{len(ids)} {label} ({named})")
        lines.append(f"{kind}s: " + "; ".join(parts))
    return lines


def load_headline(report: LoadReport) -> str:
    verb = "Would load" if report.dry_run else "Loaded"
    return (f"{verb} {len(report.loaded)} article(s), {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed, in {report.seconds:.2f} s.")


def reload_view(outcome: ReloadOutcome, s: Style = PLAIN) -> View:
    what = "all articles" if outcome.scope == "all" else s.text(outcome.scope)
    title = f"{'Dry run' if outcome.dry_run else 'Reload'} — {what}"
    notes: list[str] = []
    blocks: list[Block] = []
    report = outcome.report
    if report is not None:
        notes.append(f"{RESULT_MARK[outcome.result]} {load_headline(report)}")
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
        blocks += [Block((s.text(str(p)),)) for p in outcome.problems[:ERROR_SUMMARY_PROBLEMS]]
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


def desk_lines(entries: list[DeskEntry] | tuple[DeskEntry, ...], s: Style = PLAIN) -> list[str]:
    """/status: the desk's last actions."""
    out = []
    for e in entries:
        who = f"<@{e.user_id}>" if e.user_id else "?"
        what = f" {s.text(shorten(e.article, 80))}" if e.article else ""
        detail = f": {s.text(shorten(e.detail, 120))}" if e.detail else ""
        out.append(f"{OUTCOME_MARK.get(e.outcome, '•')} {e.at} {e.action}{what} by {who} — "
                   f"{e.outcome}{detail}")
    return out


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
    desk = desk_lines(store.desk, s)
    blocks.append(Block((s.bold("Editors' desk (/article, /sheet)"), *(desk or ["none yet"]))))
    return View(title="Status", notes=(), blocks=tuple(blocks), footer="")


# One line per change, one function per kind of fact: the digest lists each kind apart.
def _position_change(c: Change, s: Style) -> str:
    text, cite = s.text(shorten(c.text, 200)), s.code(c.fact_id)
    if c.change == "changed" and c.before != c.after:
        return f"{_stance_mark(c.after)} {text} — {c.before} → {s.bold(str(c.after))} {cite}"
    return f"{_stance_mark(c.after or c.before)} {c.change}: {text} {cite}"


def _quote_change(c: Change, s: Style) -> str:
    return f"💬 {c.change}: “{s.text(c.text)}” {s.code(c.fact_id)}"  # a quote is never shortened


def _question_change(c: Change, s: Style) -> str:
    what = "answered" if c.after == ANSWERED else "removed" if c.change == "removed" else "opened"
    return (f"{STATUS_MARK.get(c.after or '', UNMARKED)} {what}: "
            f"{s.text(shorten(c.text, 200))} {s.code(c.fact_id)}")


def _claim_change(c: Change, s: Style) -> str:
    status = f"{c.before} → {s.bold(str(c.after))}" if c.change == "changed" else c.change
    return (f"{STATUS_MARK.get(c.after or '', UNMARKED)} claim {status}: "
            f"{s.text(shorten(c.text, 200))} {s.code(c.fact_id)}")


def _stance_mark(stance: str | None) -> str:
    return STANCE_MARK.get(stance or "", UNMARKED)


def digest_view(d: DigestContent, local_date: str, s: Style = PLAIN) -> View:
    blocks: list[Block] = []
    def review(slug: str) -> str:
        return (" — drafted by machine, not yet reviewed" if slug in d.drafts else
                " — reviewed by an editor" if slug in d.reviewed else "")

    def headline(slug: str, text: str) -> str:  # a first line is never passed off as one
        return (f"No headline (it opens “{s.text(shorten(text, 120))}”)" if slug in d.headless
                else s.text(text))

    if d.articles_added:
        blocks.append(Block((s.bold("New articles"), *(
            f"🆕 {headline(slug, t)} {s.code(slug)}{review(slug)}" for slug, t in d.articles_added))))
    if d.articles_updated:
        blocks.append(Block((s.bold("Updated articles"),
                             *(f"✏️ {headline(slug, t)} {s.code(slug)}{review(slug)}"
                               for slug, t in d.articles_updated))))
    if d.articles_removed:
        blocks.append(Block((s.bold("Removed articles"),
                             *(f"🗑️ {s.code(slug)}" for slug in d.articles_removed))))
    for title, changes, line in (("Positions", d.positions, _position_change),
                                 ("Quotes", d.quotes, _quote_change),
                                 ("Questions", d.questions, _question_change),
                                 ("Claims", d.claims, _claim_change)):
        if changes:
            blocks.append(Block((s.bold(title), *(
                line(c, s) + (f" {DRAFT_TAG}" if c.article in d.drafts else "")
                for c in changes))))
    notes = () if d.changed else ("Nothing changed since the previous digest.",)
    drafts = {*d.drafts, *(i.article for i in (*d.open_questions, *d.disputed_claims)
                           if i.drafted)}
    if drafts:
        notes = (draft_note(frozenset(drafts), s), *notes)
    for title, items, total, hint in (
            ("Still open", d.open_questions, d.open_questions_total, "/questions status:open"),
            ("Still disputed", d.disputed_claims, d.disputed_claims_total,
             "/claims status:disputed")):
        if items:
            lines = [f"• {s.text(shorten(i.text, 200))} {s.code(i.fact_id)}"
                     + (f" {DRAFT_TAG}" if i.drafted else "") for i in items]
            if total > len(items):
                lines.append(f"… and {total - len(items)} more: {s.code(hint)}")
            blocks.append(Block((s.bold(f"{title} ({total})"), *lines)))
    return View(title=f"Daily digest — {local_date}", notes=notes, blocks=tuple(blocks),
                footer="Fact ids: /source <id> shows the evidence in the article.")
