"""The desk's file work under the seeds folder, which stays the source of truth: sheets written
atomically, new article folders appearing whole, removed ones moved to an archive folder, and
the version line that tells a put which version an editor started from."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from storage.desk import sha256_of
from storage.sheets import FACTS_FILE, TEXT_FILE

ARCHIVE = ".archive"  # under the seeds folder; a dot folder is never read as an article
VERSION_PREFIX = "# newsbot sheet version: "
_VERSION_LINE = re.compile(r"\A# newsbot sheet version: ([0-9a-f]{16})\b[^\n]*\n?")
_DRAFT_HEADER = re.compile(r"\A(?:#[^\n]*\n)*?# Fact sheet DRAFTED BY MACHINE[^\n]*\n(?:#[^\n]*\n)*")
_REVIEW_LINE = re.compile(r'^review\s*=\s*"draft"\s*$', re.MULTILINE)


def version_id(content: str) -> str:
    """What the version line carries: the start of the sheet's SHA-256 (16 hex digits)."""
    return sha256_of(content)[:16]


def with_version_line(content: str) -> str:
    """The sheet as /sheet get hands it out: first a comment naming the version it is."""
    return (f"{VERSION_PREFIX}{version_id(content)} (keep this line: /sheet put checks that "
            "nobody changed the sheet since)\n" + content)


def split_version_line(text: str) -> tuple[str | None, str]:
    """(the version an uploaded sheet says it was edited from, the sheet without that line)."""
    m = _VERSION_LINE.match(text)
    return (m[1], text[m.end():]) if m else (None, text)


def write_atomically(path: Path, content: str) -> None:
    """Write beside, flush to disk, then rename over: a reader (a reload, git, an editor) sees
    the old file or the new one, never half of one, even if the machine stops mid-write."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_sheet_text(folder: Path) -> str:
    return (folder / FACTS_FILE).read_text(encoding="utf-8")


def create_article(seeds: Path, slug: str, text: str, facts: str) -> Path:
    """A new folder ``seeds/slug`` with both files, appearing whole (built under a hidden name,
    then renamed). Raises FileExistsError when the folder exists."""
    target = seeds / slug
    if target.exists():
        raise FileExistsError(str(target))
    building = Path(tempfile.mkdtemp(prefix=f".{slug}-adding-", dir=seeds))
    try:
        (building / TEXT_FILE).write_text(text, encoding="utf-8")
        (building / FACTS_FILE).write_text(facts, encoding="utf-8")
        os.rename(building, target)  # refuses a target created meanwhile (not empty)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def discard_article(folder: Path) -> None:
    """Undo create_article when the new article could not be loaded."""
    shutil.rmtree(folder, ignore_errors=True)


def archive_folder(seeds: Path, folder: Path, stamp: str) -> Path:
    """Move an article folder to ``seeds/.archive/<name>-<stamp>`` (same file system: a
    rename, so it is never half moved)."""
    archive = seeds / ARCHIVE
    archive.mkdir(exist_ok=True)
    target = archive / f"{folder.name}-{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = archive / f"{folder.name}-{stamp}-{n}"
    os.rename(folder, target)
    return target


@contextlib.contextmanager
def staged(text: str, facts: str) -> Iterator[Path]:
    """A throwaway article folder holding ``text`` and ``facts``, to check and diff a sheet
    before it replaces anything."""
    with tempfile.TemporaryDirectory(prefix="newsbot-desk-") as tmp:
        folder = Path(tmp) / "sheet"
        folder.mkdir()
        (folder / TEXT_FILE).write_text(text, encoding="utf-8")
        (folder / FACTS_FILE).write_text(facts, encoding="utf-8")
        yield folder


def mark_reviewed(content: str, who: str, day: str) -> str | None:
    """The sheet with ``review = "draft"`` flipped to "reviewed" and the drafter's "nobody has
    reviewed it" header replaced by who published it and when; None when it is no draft."""
    if not _REVIEW_LINE.search(content):
        return None
    content = _REVIEW_LINE.sub('review = "reviewed"', content, count=1)
    note = f"# Reviewed: published by {who} on {day} with /article publish.\n"
    header = _DRAFT_HEADER.match(content)
    return note + content[header.end():] if header else note + content
