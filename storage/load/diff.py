"""What a load changes: the diff per kind of fact, and the change rows the digest reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.load.writes import flat_rows
from storage.model import DIFF_KINDS
from storage.rows import SheetRows


@dataclass(frozen=True)
class KindDiff:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class LoadReport:
    """What a load did (or, for a dry run, would do)."""

    diff: dict[str, KindDiff]
    loaded: tuple[str, ...]       # slugs whose facts were (re)written
    unchanged: tuple[str, ...]    # slugs skipped because their files did not change
    removed: tuple[str, ...]      # slugs whose folders are gone
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def changed_anything(self) -> bool:
        return any(not d.empty for d in self.diff.values())


# Kinds the digest reports at fact level; actors and topics only matter through them.
DIGEST_KINDS = ("article", "position", "quote", "claim", "question")
DiffLists = dict[str, dict[str, list[str]]]


def diff_lists() -> DiffLists:
    return {k: {"added": [], "changed": [], "removed": []} for k in DIFF_KINDS}


def merge(into: DiffLists, part: DiffLists) -> None:
    for kind, changes in part.items():
        for change, ids in changes.items():
            into[kind][change].extend(ids)


def compare(rows: Sequence[SheetRows], removed: Sequence[str], old: dict[tuple[str, str], str],
             known: set[str], at: str) -> tuple[dict[str, KindDiff], list[tuple[object, ...]]]:
    """Runs in a worker thread: the diff per kind, and the change rows the digest reads."""
    result, changes = compare_lists(rows, removed, old, known, at)
    return kind_diffs(result), changes


def kind_diffs(lists: DiffLists) -> dict[str, KindDiff]:
    return {k: KindDiff(tuple(v["added"]), tuple(v["changed"]), tuple(v["removed"]))
            for k, v in lists.items()}


def compare_lists(rows: Sequence[SheetRows], removed: Sequence[str],
                  old: dict[tuple[str, str], str], known: set[str], at: str
                  ) -> tuple[DiffLists, list[tuple[object, ...]]]:
    fresh: dict[tuple[str, str], str] = {}
    for sheet in rows:
        fresh.update(sheet.payloads)
    result = diff_lists()
    changes: list[tuple[object, ...]] = []
    gone = set(removed)

    def article_of(kind: str, ident: str) -> str:
        return ident if kind == "article" else ident.split("/", 1)[0]

    def record(kind: str, ident: str, change: str, before: str | None, after: str | None) -> None:
        result[kind][change].append(ident)
        slug = article_of(kind, ident)
        # A new or removed article is one digest line; facts count inside known articles.
        whole = slug not in known or slug in gone
        if kind in DIGEST_KINDS and (kind == "article" or not whole):
            changes.append((at, slug, kind, ident, change, before, after))

    for key, payload in fresh.items():
        if key not in old:
            record(key[0], key[1], "added", None, payload)
        elif old[key] != payload:
            record(key[0], key[1], "changed", old[key], payload)
    for key, payload in old.items():
        if key not in fresh:
            record(key[0], key[1], "removed", payload, None)
    return result, changes


def compare_batch(rows: Sequence[SheetRows], old: dict[tuple[str, str], str], known: set[str],
                   at: str) -> tuple[DiffLists, list[tuple[object, ...]],
                                     dict[str, list[tuple[object, ...]]]]:
    """One streamed batch's diff, change rows and rows to insert."""
    result, changes = compare_lists(rows, (), old, known, at)
    return result, changes, flat_rows(rows)
