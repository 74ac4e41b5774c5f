"""Pure rendering for the editors' desk (/article, /sheet): review cards, diffs before Apply,
outcomes, history, and what a refusal says."""

from __future__ import annotations

from bot.desk.errors import DeskError, SheetRefused
from bot.desk.files import split_version_line
from bot.desk.service import Added, Applied, History, Proposal, Removal, Removed
from bot.render import PLAIN, Block, Style, View, draft_note, shorten
from bot.render_admin import OUTCOME_MARK, RESULT_MARK, load_summary, reload_view
from storage.desk import Located, SheetVersion
from storage.load import LoadReport

SHOWN_PROBLEMS = 10
REFUSAL_BUDGET = 1800  # characters: a refusal is one message, under Discord's 2,000
CONFIRM_MINUTES = 10  # how long Apply and Remove wait before nothing happens


def added_view(added: Added, s: Style = PLAIN) -> View:
    counts = ", ".join(f"{n} {kind}" for kind, n in added.counts.items())
    notes = (draft_note(frozenset({added.slug}), s),
             f"{RESULT_MARK['applied']} Added as {s.code(added.slug)} and loaded: {counts}.",
             "Review it: get the sheet (attached, or /sheet get), correct it, /sheet put it "
             "back, then /article publish.")
    blocks: list[Block] = []
    if added.quotes:
        blocks.append(Block((s.bold(f"Quotes ({len(added.quotes)}) — speaker: words (cue)"),
                             *(f"💬 {s.text(q)}" for q in added.quotes))))
    else:
        blocks.append(Block((s.bold("Quotes"), "The drafter found no direct quotes.")))
    if added.unsure:
        blocks.append(Block((s.bold(f"Unsure ({len(added.unsure)})"),
                             *(f"❔ {s.text(u)}" for u in added.unsure))))
    if added.dropped:
        blocks.append(Block((s.bold("Left out (the check refused them)"),
                             *(f"• {s.text(d)}" for d in added.dropped))))
    return View(title=f"Drafted: {s.text(shorten(added.title, 200))}", notes=notes,
                blocks=tuple(blocks), footer=_version_footer(added.version))


def proposal_view(p: Proposal, s: Style = PLAIN) -> View:
    what = (f"Revert to version {p.restoring}" if p.restoring is not None else "Put")
    return _diff_view(f"{what}: {s.text(shorten(p.title, 200))}", p.report, s, (
        "Checked against the article: no problems.",
        f"Apply writes the sheet and loads it; Cancel changes nothing. Only you can press "
        f"them, for {CONFIRM_MINUTES} minutes."))


def removal_view(r: Removal, s: Style = PLAIN) -> View:
    return _diff_view(f"Remove: {s.text(shorten(r.title, 200))}", r.report, s, (
        f"⚠️ {s.code(r.slug)} stops being served; its files move to the seeds folder's "
        ".archive folder (nothing is deleted) and its history is kept.",
        f"Press Remove to go ahead, Cancel to keep it; for {CONFIRM_MINUTES} minutes."))


def _diff_view(title: str, report: LoadReport, s: Style, notes: tuple[str, ...]) -> View:
    lines = load_summary(dict(report.diff))
    blocks = tuple(Block((s.text(line),)) for line in lines)
    return View(title=title, notes=(*notes, *(() if lines else ("No fact would change.",))),
                blocks=blocks, footer="")


def applied_view(a: Applied, s: Style = PLAIN) -> View:
    done = reload_view(a.outcome, s)
    what = {"put": "Applied", "revert": f"Version {a.restoring} restored",
            "publish": "Published: reviewed"}.get(a.action, "Applied")
    return View(title=f"{what} — {s.code(a.slug)}", notes=done.notes, blocks=done.blocks,
                footer=_version_footer(a.version))


def removed_view(r: Removed, s: Style = PLAIN) -> View:
    lines = load_summary(dict(r.report.diff))
    return View(title=f"Removed: {s.text(shorten(r.title, 200))}", notes=(
        f"{RESULT_MARK['applied']} {s.code(r.slug)} is no longer served. Its files are in "
        f"{s.code(r.archived)} under the seeds folder; move them back and /reload to restore.",
    ), blocks=tuple(Block((s.text(line),)) for line in lines), footer="")


def closed_view(title: str, outcome: str, s: Style = PLAIN) -> View:
    """A confirmation that ended without action: cancelled or expired."""
    text = {"cancelled": "Cancelled: nothing changed.",
            "expired": f"Expired after {CONFIRM_MINUTES} minutes: nothing changed. "
                       "Run the command again to start over."}[outcome]
    return View(title=title, notes=(f"{OUTCOME_MARK[outcome]} {text}",), blocks=(), footer="")


def sheet_view(located: Located, sheet: str, s: Style = PLAIN) -> View:
    version, _ = split_version_line(sheet)
    notes = [f"The fact sheet of {s.code(located.slug)}, version {s.code(version or '?')}."]
    if located.review == "draft":
        notes.insert(0, draft_note(frozenset({located.slug}), s))
    notes.append("Edit facts.toml on your machine, keeping its first line (it tells "
                 f"{s.code('/sheet put')} which version you edited, so nobody's change is "
                 f"overwritten), then {s.code('/sheet put')} it.")
    return View(title=f"Sheet — {s.text(shorten(located.title, 200))}", notes=tuple(notes),
                blocks=(), footer="")


def history_view(h: History, s: Style = PLAIN) -> View:
    title = f"History — {s.text(shorten(h.title or h.slug, 200))}"
    notes = [] if h.title else ["This article is no longer served; its history is kept."]
    if h.current is not None:
        notes.append(f"The sheet now is version {h.current}. Restore an earlier one with "
                     f"{s.code('/sheet revert')}.")
    if h.total > len(h.versions):
        notes.append(f"Showing the newest {len(h.versions)} of {h.total} versions; an older "
                     "one is restored by its number all the same.")
    readded = next((v.version for v in h.versions if v.action == "add"), 0)
    blocks = []
    for i, v in enumerate(h.versions):
        before = h.versions[i + 1] if i + 1 < len(h.versions) else None
        line = _version_line(v, before, s)
        if v.version < readded:
            line += " — an earlier article with this slug, removed"
        blocks.append(Block((line,)))
    return View(title=title, notes=tuple(notes), blocks=tuple(blocks), footer="",
                empty="No versions kept yet.")


def _version_line(v: SheetVersion, before: SheetVersion | None, s: Style) -> str:
    who = f"<@{v.user_id}>" if v.user_id else "found on disk (edited outside the desk)"
    action = {"found": "", "add": "added by ", "put": "put by ", "publish": "published by ",
              "revert": "reverted by "}[v.action]
    counts = []
    for kind, n in v.counts.items():
        old = before.counts.get(kind, 0) if before else None
        counts.append(f"{n} {kind}" + (f" ({n - old:+d})" if old is not None and old != n
                                       else ""))
    changed = ", ".join(f"{kind}s {a}+ {c}~ {r}−" for kind, (a, c, r) in v.diff.items())
    return (f"{s.bold(f'v{v.version}')} {v.saved_at} — {action}{who}: "
            f"{', '.join(counts) or 'no entries'}" + (f"; changes: {changed}" if changed else ""))


def _version_footer(number: int | None) -> str:
    if number is None:
        return "The sheet's history could not be written (see the bot's log)."
    return f"Kept as version {number}: /sheet history lists every version."


def refusal_text(error: DeskError, s: Style = PLAIN) -> str:
    """What the member reads when the desk refuses: the reason, and each problem of a sheet
    with its line, field and suggestion."""
    lines = [s.text(str(error))]
    if isinstance(error, SheetRefused):
        budget = REFUSAL_BUDGET - len(lines[0])
        shown = 0
        for p in error.problems[:SHOWN_PROBLEMS]:
            line = f"• {s.text(shorten(str(p), 300))}"
            if len(line) + 1 > budget:
                break
            lines.append(line)
            budget -= len(line) + 1
            shown += 1
        if len(error.problems) > shown:
            lines.append(f"… and {len(error.problems) - shown} more; fix these and put it "
                         "again (newsbot check lists them all).")
    return "\n".join(lines)
