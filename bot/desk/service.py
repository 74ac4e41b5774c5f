"""The editors' desk: what /article and /sheet do, without Discord.

Every change goes the way a /reload does: the sheet is checked against the stored article
text, the diff is shown before anything is written, the file is replaced atomically and
loaded through storage.reload, and a load that is refused puts the previous file back. The
sheet each change replaces is kept first (storage.desk: history), and every action, refused
ones included, goes to the audit trail. One lock serialises the desk's writes; the store's
write lock serialises them with /reload and the command line's loads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import tomllib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from bot.desk.errors import DeskError, SheetRefused
from bot.desk.files import (
    archive_folder,
    create_article,
    mark_reviewed,
    read_sheet_text,
    same_line_endings,
    split_version_line,
    staged,
    version_id,
    with_version_line,
)
from bot.draft import DRAFT_EXTRA, archive_actors
from storage.db import StoreError
from storage.desk import (
    DeskEntry,
    Located,
    Outcome,
    SheetVersion,
    VersionAction,
    locate,
    log_action,
    record_version,
    version_content,
    versions,
)
from storage.load import LoadReport
from storage.reload import ReloadOutcome, Requester, change_and_load
from storage.sheets import (
    FACTS_FILE,
    TEXT_FILE,
    SheetError,
    parse_toml,
    toml_problem,
    write_atomically,
)
from storage.store import Store
from storage.text import fold_name

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
ProposalAction = Literal["put", "revert"]
HISTORY_SHOWN = 25
T = TypeVar("T")


class Upload(Protocol):
    """An uploaded file, read only when the action needs it (so that a refusal to read it is
    audited like any other)."""

    async def text(self) -> str: ...


@dataclass(frozen=True)
class Editor:
    user_id: int
    guild_id: int | None
    name: str  # as the member is shown; written into a published sheet's header comment

    @property
    def requester(self) -> Requester:
        return Requester("discord", self.user_id, self.guild_id)

    @property
    def signature(self) -> str:
        name = "".join(c for c in self.name if c.isprintable()).strip() or "an editor"
        return f"{name} (Discord user {self.user_id})"


@dataclass(frozen=True)
class Added:
    slug: str
    title: str
    sheet: str           # facts.toml as an editor downloads it (with its version line)
    counts: dict[str, int]
    quotes: list[str]    # "speaker: “text” (cue)"
    unsure: list[str]
    dropped: list[str]
    outcome: ReloadOutcome
    version: int | None  # None: the history could not be written (logged)


@dataclass(frozen=True)
class Proposal:
    """A sheet checked and diffed against the stored facts, waiting for Apply."""

    action: ProposalAction
    slug: str
    title: str
    content: str         # facts.toml as it will be written
    base: str            # the version it replaces; Apply refuses if the sheet moved since
    report: LoadReport   # the dry run's diff
    restoring: int | None = None  # revert: the version restored


@dataclass(frozen=True)
class Applied:
    action: str
    slug: str
    outcome: ReloadOutcome
    version: int | None
    restoring: int | None = None


@dataclass(frozen=True)
class Removal:
    slug: str
    title: str
    report: LoadReport   # what stops being served


@dataclass(frozen=True)
class Removed:
    slug: str
    title: str
    archived: str        # where the files went, relative to the seeds folder
    report: LoadReport


@dataclass(frozen=True)
class History:
    slug: str
    title: str | None    # None: the article is no longer served
    versions: list[SheetVersion]  # the newest HISTORY_SHOWN, newest first
    current: int | None  # the version the sheet on disk is
    total: int = 0       # versions kept in all


@dataclass
class _Act:
    """One audited action: what to record when it ends."""

    who: Editor
    action: str
    slug: str | None
    detail: str | None = None
    outcome: Outcome = "done"


Drafter = Callable[..., Any]


class Desk:
    def __init__(self, store: Store, seeds: Path) -> None:
        self.store = store
        self.seeds = seeds.resolve()
        self.lock = asyncio.Lock()  # one desk action at a time, from its check to its version
        self._finishing: set[asyncio.Task[Any]] = set()

    async def _to_the_end(self, work: Coroutine[Any, Any, T]) -> T:
        """Run an action that changes files to its end even if the command waiting for it is
        cancelled (the bot shutting down mid-Apply): its files, its load, its version and its
        audit row stay together."""
        task = asyncio.ensure_future(work)
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)
        return await asyncio.shield(task)

    # --- the audit trail -------------------------------------------------------------------
    @asynccontextmanager
    async def _audited(self, who: Editor, action: str,
                       slug: str | None) -> AsyncIterator[_Act]:
        act = _Act(who, action, slug)
        try:
            yield act
        except DeskError as exc:
            await self.note(who, action, act.slug, "refused", str(exc))
            raise
        except BaseException as exc:  # a failure, or the command cancelled
            await self.note(who, action, act.slug, "failed", type(exc).__name__)
            raise
        await self.note(who, action, act.slug, act.outcome, act.detail)

    async def note(self, who: Editor, action: str, slug: str | None, outcome: Outcome,
                   detail: str | None = None) -> None:
        at = self.store.clock().isoformat(timespec="seconds")
        entry = DeskEntry(at, who.user_id, who.guild_id, action, slug, outcome, detail)
        if not await log_action(self.store, entry):
            log.error("could not write the desk's audit row: %s", entry)

    # --- finding an article's files ----------------------------------------------------------
    async def _resolve(self, query: str) -> Located | None:
        """The article ``query`` names: its slug, or a title naming exactly one article. Never
        a near match: the desk changes what it finds."""
        query = query.strip()
        located = await locate(self.store, query)
        if located is None:
            keys = (await self.store.names.index("article")).keys_by_folded.get(
                fold_name(query), ())
            located = await locate(self.store, keys[0]) if len(keys) == 1 else None
        return located

    async def _editable(self, query: str, act: _Act | None = None) -> Located:
        located = await self._resolve(query)
        if located is None:
            raise DeskError(f"No article has the slug {_shown(query)}; pick one from the list "
                            "as you type (/articles lists them all).")
        if act is not None:
            act.slug = located.slug
        slug, folder = located.slug, located.folder
        if not folder.resolve().is_relative_to(self.seeds):
            raise DeskError(f"{slug} was loaded from outside the seeds folder; edit it where it "
                            "is and load it with newsbot load.")
        if not (folder / FACTS_FILE).is_file() or not (folder / TEXT_FILE).is_file():
            raise DeskError(f"The files of {slug} are missing from the seeds folder; the bot "
                            "still serves its last loaded facts. Nothing changed.")
        return located

    def _current(self, located: Located) -> str:
        try:
            return read_sheet_text(located.folder)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8"
            raise DeskError(f"The sheet of {located.slug} on the server cannot be read "
                            f"({reason}); nothing changed.") from None

    # --- /article add ----------------------------------------------------------------------
    async def add(self, who: Editor, upload: Upload, *, slug: str | None = None,
                  url: str | None = None, outlet: str | None = None,
                  published: str | None = None) -> Added:
        return await self._to_the_end(self._draft_and_add(who, upload, slug, url, outlet,
                                                          published))

    async def _draft_and_add(self, who: Editor, upload: Upload, slug: str | None,
                             url: str | None, outlet: str | None,
                             published: str | None) -> Added:
        async with self._audited(who, "add", slug) as act:
            fields = _article_fields(slug, url, outlet, published)
            try:
                import drafting
            except ImportError:
                raise DeskError("Drafting is not installed on this bot: "
                                f"{DRAFT_EXTRA}. Nothing changed.") from None
            text = await upload.text()
            if slug is not None:
                await self._free(slug)
            known = await archive_actors(self.store)
            try:
                report = await asyncio.to_thread(
                    _draft, drafting.draft_folder, text, fields,
                    lambda name: known.get(fold_name(name)))
            except drafting.DraftError as exc:
                raise DeskError(f"{exc}. Nothing changed.") from None
            act.slug = str(parse_toml(report.toml)["article"]["slug"])
            return await self._add(who, act, text, report)

    async def _add(self, who: Editor, act: _Act, text: str, report: Any) -> Added:
        slug = act.slug
        assert slug is not None
        async with self.lock:
            await self._free(slug)
            folder = self.seeds / slug
            stamp = self.store.clock().strftime("%Y%m%dT%H%M%SZ") + "-not-loaded"
            try:
                outcome = await change_and_load(
                    self.store, folder, who.requester, slug=slug,
                    change=lambda: create_article(self.seeds, slug, text, report.toml),
                    undo=lambda: archive_folder(self.seeds, folder, stamp))
            except FileExistsError:
                raise DeskError(_taken(slug)) from None
            if not outcome.ok:
                raise _not_loaded(outcome, "the article was not added (its files are in "
                                  "the seeds folder's .archive)")
            number = await self._keep(slug, report.toml, "add", who, outcome)
        located = await locate(self.store, slug)
        act.detail = ", ".join(f"{n} {kind}" for kind, n in report.counts.items())
        return Added(slug, located.title if located else slug, with_version_line(report.toml),
                     dict(report.counts), list(report.quotes), list(report.unsure),
                     list(report.dropped), outcome, number)

    async def _free(self, slug: str) -> None:
        if (self.seeds / slug).exists() or await locate(self.store, slug) is not None:
            raise DeskError(_taken(slug))

    # --- /sheet get ------------------------------------------------------------------------
    async def get(self, slug: str) -> tuple[Located, str, str]:
        """The sheet with its version line, and the article text."""
        located = await self._editable(slug)
        text = (located.folder / TEXT_FILE).read_text(encoding="utf-8", errors="replace")
        return located, with_version_line(self._current(located)), text

    # --- /sheet put, /sheet revert: propose, then apply ---------------------------------------
    async def propose_put(self, who: Editor, upload: Upload, *, slug: str | None = None,
                          overwrite: bool = False) -> Proposal:
        async with self._audited(who, "put", slug.strip() if slug else None) as act:
            uploaded = await upload.text()
            base, content = split_version_line(uploaded)
            try:
                named = _sheet_slug(parse_toml(uploaded))
            except tomllib.TOMLDecodeError as exc:
                if slug is None:
                    raise SheetRefused((toml_problem(exc, FACTS_FILE),)) from None
                named = None
            wanted = slug or named
            if wanted is None:
                raise DeskError("This sheet has no [article] slug; say which article it is "
                                "for with article:. Nothing changed.")
            act.slug = wanted
            located = await self._editable(wanted, act)
            slug = located.slug
            if named is not None and named != slug:
                raise DeskError(f"This sheet is for {_shown(named)} (its [article] slug), not "
                                f"{slug!r}; a sheet cannot move to another article. "
                                "Nothing changed.")
            current = self._current(located)
            content = same_line_endings(content, current)
            if base is None and not overwrite:
                raise DeskError(
                    "This file does not say which version of the sheet it was edited from (its "
                    "first line, “# newsbot sheet version: …”, is missing). Edit the file "
                    "/sheet get gives, or add overwrite:True to replace the sheet whatever it "
                    "holds now. Nothing changed.")
            if base is not None and base != version_id(current):
                raise DeskError(await self._stale(slug, base, current))
            if content == current:
                raise DeskError(f"This is the sheet of {slug} as it stands; nothing to change.")
            proposal = await self._propose("put", located, uploaded, content, current)
            act.outcome, act.detail = "checked", "diff shown; waiting for Apply"
            return proposal

    async def propose_revert(self, who: Editor, slug: str, number: int) -> Proposal:
        async with self._audited(who, "revert", slug) as act:
            located = await self._editable(slug, act)
            slug = located.slug
            found = await versions(self.store, slug, limit=None)
            wanted = next((v for v in found if v.version == number), None)
            content = await version_content(self.store, slug, number)
            if wanted is None or content is None:
                raise DeskError(f"{slug} has no version {number}; /sheet history lists them.")
            readded = next((v.version for v in found if v.action == "add"), 0)
            if number < readded:
                raise DeskError(f"Version {number} belongs to an earlier article with the slug "
                                f"{slug}, removed before this one was added (version "
                                f"{readded}); nothing changed.")
            current = self._current(located)
            content = same_line_endings(content, current)
            if content == current:
                raise DeskError(f"Version {number} is the sheet of {slug} as it stands; "
                                "nothing to revert.")
            proposal = await self._propose("revert", located, content, content, current,
                                           restoring=number)
            act.outcome, act.detail = "checked", f"version {number}: diff shown; waiting for Apply"
            return proposal

    async def _propose(self, action: ProposalAction, located: Located, shown: str, content: str,
                       current: str, restoring: int | None = None) -> Proposal:
        """Check ``shown`` (the file as the editor has it: its lines are the ones problems
        name) against the article's text, and diff it against the stored facts."""
        text = (located.folder / TEXT_FILE).read_text(encoding="utf-8")
        with staged(text, shown) as folder:
            try:
                report = await self.store.load(folder, dry_run=True)
            except SheetError as exc:
                raise SheetRefused(exc.problems) from None
        if located.slug not in report.loaded:
            raise DeskError(f"This sheet no longer has the slug {located.slug!r}; an "
                            "article's slug never changes. Nothing changed.")
        return Proposal(action, located.slug, located.title, content, version_id(current),
                        report, restoring)

    async def apply(self, who: Editor, proposal: Proposal) -> Applied:
        return await self._to_the_end(self._apply(who, proposal))

    async def _apply(self, who: Editor, proposal: Proposal) -> Applied:
        async with self._audited(who, proposal.action, proposal.slug) as act, self.lock:
            located = await self._editable(proposal.slug)
            current = self._current(located)
            if version_id(current) != proposal.base:
                raise DeskError(await self._stale(proposal.slug, proposal.base, current,
                                                  applying=True))
            outcome, number = await self._replace(who, located, current, proposal.content,
                                                  proposal.action)
            act.detail = _applied_detail(outcome, number, proposal.restoring)
            return Applied(proposal.action, proposal.slug, outcome, number, proposal.restoring)

    async def _replace(self, who: Editor, located: Located, current: str, content: str,
                       action: VersionAction) -> tuple[ReloadOutcome, int | None]:
        """Under the desk's lock: keep the sheet being replaced, then write the new one and
        load it as one step (storage.reload.change_and_load); a refused load puts the
        previous file back."""
        slug = located.slug
        await record_version(self.store, slug, current, "found", None)
        path = located.folder / FACTS_FILE

        def write() -> None:
            if read_sheet_text(located.folder) != current:  # changed on disk just now
                raise DeskError(f"The sheet of {slug} changed on the server while this was "
                                "being applied; get it again. Nothing changed.")
            write_atomically(path, content)

        outcome = await change_and_load(self.store, located.folder, who.requester, slug=slug,
                                        change=write,
                                        undo=lambda: write_atomically(path, current))
        if not outcome.ok:
            raise _not_loaded(outcome, "the previous sheet is back in place")
        return outcome, await self._keep(slug, content, action, who, outcome)

    async def _keep(self, slug: str, content: str, action: VersionAction, who: Editor,
                    outcome: ReloadOutcome) -> int | None:
        diff = None
        if outcome.report is not None:
            diff = {k: [len(d.added), len(d.changed), len(d.removed)]
                    for k, d in outcome.report.diff.items() if not d.empty}
        try:
            return await record_version(self.store, slug, content, action, who.user_id, diff)
        except StoreError as exc:
            log.error("%s of %s by %s applied, but its version was not kept: %s", action, slug,
                      who.user_id, exc)
            return None

    async def _stale(self, slug: str, base: str, current: str, applying: bool = False) -> str:
        latest = next(iter(await versions(self.store, slug, limit=1)), None)
        by = ""
        if latest is not None and latest.sha256.startswith(version_id(current)):
            who = (f"Discord user {latest.user_id}" if latest.user_id
                   else "an edit outside the desk")
            by = f" (version {latest.version}, {latest.action} by {who} at {latest.saved_at})"
        when = "after this diff was made" if applying else "since this copy was taken"
        return (f"The sheet of {slug} changed {when}{by}: your file was edited from version "
                f"{base}, the sheet is now {version_id(current)}. Get it again with /sheet get, "
                "redo your edit on that copy, and put it. Nothing changed.")

    # --- /article publish -------------------------------------------------------------------
    async def publish(self, who: Editor, slug: str) -> Applied:
        return await self._to_the_end(self._publish(who, slug))

    async def _publish(self, who: Editor, slug: str) -> Applied:
        async with self._audited(who, "publish", slug) as act, self.lock:
            located = await self._editable(slug, act)
            current = self._current(located)
            day = self.store.clock().date().isoformat()
            content = mark_reviewed(current, who.signature, day)
            if content is None:
                raise DeskError(f"{located.slug} is not a draft (its [article] table has no "
                                "review = \"draft\" line): nothing to publish.")
            outcome, number = await self._replace(who, located, current, content, "publish")
            act.detail = _applied_detail(outcome, number, None)
            return Applied("publish", located.slug, outcome, number)

    # --- /sheet history ---------------------------------------------------------------------
    async def history(self, query: str) -> History:
        located = await self._resolve(query)
        slug = located.slug if located else query.strip()
        current = None
        if located is not None and (located.folder / FACTS_FILE).is_file():
            async with self.lock:  # never while an apply has its new file on disk
                try:
                    # The sheet as it is now counts as a version, edited on disk or not.
                    current = await record_version(self.store, slug, self._current(located),
                                                   "found", None)
                except (DeskError, StoreError):
                    current = None
        found = await versions(self.store, slug, limit=None)
        if located is None and not found:
            raise DeskError(f"No article has the slug {_shown(slug)}; /articles lists them.")
        return History(slug, located.title if located else None, found[:HISTORY_SHOWN],
                       current, len(found))

    # --- /article remove ---------------------------------------------------------------------
    async def propose_remove(self, who: Editor, slug: str) -> Removal:
        async with self._audited(who, "remove", slug) as act:
            located = await self._editable(slug, act)
            report = await self.store.remove([located.slug], dry_run=True)
            act.outcome, act.detail = "checked", "waiting for Remove"
            return Removal(located.slug, located.title, report)

    async def remove(self, who: Editor, removal: Removal) -> Removed:
        return await self._to_the_end(self._remove(who, removal))

    async def _remove(self, who: Editor, removal: Removal) -> Removed:
        async with self._audited(who, "remove", removal.slug) as act, self.lock:
            located = await self._editable(removal.slug)
            await record_version(self.store, located.slug, self._current(located),
                                 "found", None)
            stamp = self.store.clock().strftime("%Y%m%dT%H%M%SZ")
            moved: list[Path] = []

            def move_back() -> None:
                for path in moved:
                    os.rename(path, located.folder)

            outcome = await change_and_load(
                self.store, located.folder, who.requester, slug=located.slug, remove=True,
                change=lambda: moved.append(archive_folder(self.seeds, located.folder, stamp)),
                undo=move_back)
            if not outcome.ok or outcome.report is None:
                raise _not_loaded(outcome, "its files are back in place")
            where = str(moved[0].relative_to(self.seeds))
            act.detail = f"files moved to {where}"
            return Removed(located.slug, located.title, where, outcome.report)


def _draft(draft_folder: Drafter, text: str, fields: dict[str, object],
           known: Callable[[str], str | None]) -> Any:
    """In a worker thread: the draft of ``text`` (a DraftReport), in a throwaway folder."""
    with staged(text, "") as folder:
        return draft_folder(folder, force=True, known_actor=known, article=fields)


def _article_fields(slug: str | None, url: str | None, outlet: str | None,
                    published: str | None) -> dict[str, object]:
    fields: dict[str, object] = {}
    if slug is not None:
        if not (SLUG_RE.match(slug) and len(slug) <= MAX_SLUG):
            raise DeskError(f"slug: {_shown(slug)} is not a slug (lowercase letters, digits and "
                            f"single hyphens, at most {MAX_SLUG} characters, e.g. "
                            "kremlin-peacekeepers). Nothing changed.")
        fields["slug"] = slug
    if url is not None:
        if not re.match(r"^https?://\S+$", url) or len(url) > 2000:
            raise DeskError("url: give the article's http(s) address. Nothing changed.")
        fields["url"] = url
    if outlet is not None:
        if not outlet.strip() or len(outlet) > 200 or not outlet.isprintable():
            raise DeskError("outlet: give the publication's name (at most 200 characters). "
                            "Nothing changed.")
        fields["outlet"] = " ".join(outlet.split())
    if published is not None:
        try:
            fields["published"] = date.fromisoformat(published.strip())
        except ValueError:
            raise DeskError(f"published: {published[:40]!r} is not a date like 2025-03-04. "
                            "Nothing changed.") from None
    return fields


def _sheet_slug(data: dict[str, Any]) -> str | None:
    article = data.get("article")
    slug = article.get("slug") if isinstance(article, dict) else None
    return slug if isinstance(slug, str) else None


def _shown(value: str) -> str:
    """A slug as an editor typed it, bounded, to repeat back."""
    return repr(value if len(value) <= 80 else value[:79] + "…")


def _taken(slug: str) -> str:
    return (f"An article with the slug {_shown(slug)} already exists; give another with slug:. "
            "Nothing changed.")


def _not_loaded(outcome: ReloadOutcome, undone: str) -> DeskError:
    if outcome.result == "refused":
        return SheetRefused(outcome.problems, f"The load refused the sheet: {len(outcome.problems)} "
                            f"problem(s); {undone}.")
    return DeskError(f"The load did not run: {outcome.error or outcome.result}; {undone}. "
                     "Try again in a moment.")


def _applied_detail(outcome: ReloadOutcome, number: int | None,
                    restoring: int | None) -> str:
    changes = 0
    if outcome.report is not None:
        changes = sum(len(d.added) + len(d.changed) + len(d.removed)
                      for d in outcome.report.diff.values())
    detail = f"{outcome.result}, {changes} fact change(s)"
    if restoring is not None:
        detail = f"version {restoring} restored: {detail}"
    return detail + (f"; now version {number}" if number is not None else "")


__all__ = ["Added", "Applied", "Desk", "DeskError", "Editor", "History", "Proposal",
           "Removal", "Removed", "SheetRefused", "Upload"]
