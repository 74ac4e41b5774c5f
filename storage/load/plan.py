"""A load's plan: which sheets it writes and which articles it removes, once every sheet is
read and checked (slugs unique, against the unchanged articles too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from storage.load.scan import Articles, Scan, Stored
from storage.load.workers import read_sheets, sheets_rows
from storage.load.writes import flat_rows
from storage.rows import SheetRows
from storage.sheets import FACTS_FILE, Problem, SheetError, duplicate_slugs


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
    unchanged = scan.unchanged
    if slugs is not None:
        wanted = set(slugs)
        known = {s.article.slug for s in sheets} | set(unchanged)
        for slug in sorted(wanted - known):
            problems.append(Problem(str(scan.root), None, "", f"no article with slug {slug!r}"))
        sheets = [s for s in sheets if s.article.slug in wanted]
        unchanged = [s for s in unchanged if s in wanted]
    # A slug must stay unique against unchanged articles too.
    unchanged_set = set(unchanged)
    kept = {slug: folder for folder, (slug, *_) in stored.items()
            if folder in scan.found and slug in unchanged_set}
    problems.extend(duplicate_slugs(sheets))
    problems.extend(p for p in (slug_clash(s.article.slug, s.folder, kept) for s in sheets) if p)
    if problems:
        raise SheetError(problems)
    removed = removed_articles(scan, articles, {s.article.slug for s in sheets}, unchanged_set,
                       {s.folder for s in sheets}, limited=slugs is not None)
    rows = sheets_rows(sheets, stamps, loaded_at)
    return Plan(rows=rows, unchanged=tuple(unchanged), removed=tuple(removed), flat=flat_rows(rows))


def slug_clash(slug: str, folder: str, kept: dict[str, str]) -> Problem | None:
    """A sheet whose slug an unchanged article in another folder already has."""
    other = kept.get(slug)
    if other is None or other == folder:
        return None
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
