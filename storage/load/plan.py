"""A load's plan: which sheets it writes and which articles it removes, once every sheet is
read and checked (slugs unique, against the unchanged articles too)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storage.load.scan import Articles, Scan, Stored
from storage.load.workers import read_sheets, sheets_rows
from storage.load.writes import flat_rows
from storage.rows import SheetRows
from storage.sheets import FACTS_FILE, Problem, SheetError


@dataclass(frozen=True)
class Plan:
    rows: list[SheetRows]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    flat: dict[str, list[tuple[object, ...]]]  # table -> rows to insert, built off the loop

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(r.slug for r in self.rows)


def make_plan(scan: Scan, stored: Stored, articles: Articles, slugs: Sequence[str] | None,
              loaded_at: str) -> Plan:
    """Runs in a worker thread: reads and validates the sheets, off the event loop."""
    sheets, problems, stamps = read_sheets(scan.to_read, scan.display_root, scan.now_ns)
    check = SlugCheck(scan, stored, slugs)
    check.read(s.article.slug for s in sheets)
    sheets = [s for s in sheets if check.is_wanted(s.article.slug)]
    for sheet in sheets:
        check.add(sheet.article.slug, sheet.folder)
    problems = [*problems, *check.problems(scan)]
    if problems:
        raise SheetError(problems)
    removed = removed_articles(scan, articles, {s.article.slug for s in sheets},
                               set(check.unchanged), check.folders, limited=slugs is not None)
    rows = sheets_rows(sheets, stamps, loaded_at)
    return Plan(rows=rows, unchanged=tuple(check.unchanged), removed=tuple(removed),
                flat=flat_rows(rows))


class SlugCheck:
    """A load's rules on slugs, checked sheet by sheet (a streamed load sees its sheets a batch
    at a time): a load limited to ``slugs`` finds each of them; no two sheets share a slug;
    no sheet takes the slug of an unchanged article of another folder."""

    def __init__(self, scan: Scan, stored: Stored, slugs: Sequence[str] | None) -> None:
        self.wanted = set(slugs) if slugs is not None else None
        self.unchanged = [s for s in scan.unchanged if self.is_wanted(s)]
        unchanged = set(self.unchanged)
        self.kept = {slug: folder for folder, (slug, *_) in stored.items()
                     if folder in scan.found and slug in unchanged}
        self.seen: set[str] = set()        # every slug read, wanted or not
        self.first: dict[str, str] = {}    # slug -> the first folder that has it
        self.folders: set[str] = set()     # folders of the sheets loaded
        self.duplicates: list[Problem] = []
        self.clashes: list[Problem] = []

    def is_wanted(self, slug: str) -> bool:
        return self.wanted is None or slug in self.wanted

    def read(self, slugs: Iterable[str]) -> None:
        self.seen.update(slugs)

    def add(self, slug: str, folder: str) -> None:
        """A sheet to load."""
        if slug in self.first:
            self.duplicates.append(_taken(slug, folder, self.first[slug]))
        else:
            self.first[slug] = folder
        other = self.kept.get(slug)
        if other is not None and other != folder:
            self.clashes.append(_taken(slug, folder, other))
        self.folders.add(folder)

    @property
    def refused(self) -> bool:
        return bool(self.duplicates or self.clashes)

    def problems(self, scan: Scan) -> list[Problem]:
        missing = [] if self.wanted is None else [
            Problem(str(scan.root), None, "", f"no article with slug {slug!r}")
            for slug in sorted(self.wanted - (self.seen | set(self.unchanged)))]
        return [*missing, *self.duplicates, *self.clashes]


def _taken(slug: str, folder: str, other: str) -> Problem:
    return Problem(str(Path(folder) / FACTS_FILE), None, "article.slug",
                   f"slug {slug!r} is already used by {other}")


def removed_articles(scan: Scan, articles: Articles, new_slugs: set[str], unchanged: set[str],
             sheet_folders: set[str], *, limited: bool) -> list[str]:
    """The stored articles a load replaces or removes. A folder whose sheet was read and now
    carries another slug replaces its stored article (also in a load ``limited`` to some
    slugs, and in a load of one folder, which remove nothing else). A load of a whole seeds
    folder also removes the articles of its folders that are gone, and any second article
    still stored for one folder, linked folders kept elsewhere included. Other articles
    loaded from elsewhere are never removed by it."""
    if limited or not scan.root.is_dir() or scan.single:
        return sorted(slug for slug, folder in articles
                      if slug not in new_slugs and slug not in unchanged
                      and folder in sheet_folders)
    # scan.found: resolved, so a linked folder is found under its own path.
    return sorted(slug for slug, folder in articles
                  if slug not in new_slugs and slug not in unchanged
                  and (folder in scan.found or Path(folder).is_relative_to(scan.root)))
