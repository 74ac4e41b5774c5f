"""The desk's file work under the seeds folder, which stays the source of truth: new article
folders appearing whole, removed ones moved to an archive folder, the version line that tells a
put which version an editor started from, and a draft's flip to reviewed. Sheets are replaced
with storage.sheets.write_atomically."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from storage.desk import sha256_of
from storage.schema import DRAFT_HEADER
from storage.sheets import FACTS_FILE, TEXT_FILE

ARCHIVE = ".archive"  # under the seeds folder; a hidden folder is never read as an article
VERSION_PREFIX = "# newsbot sheet version: "
_VERSION_LINE = re.compile(r"\A# newsbot sheet version: ([0-9a-f]{16})\b[^\n]*\n?")
_TABLE = re.compile(r"^\s*\[", re.MULTILINE)
_REVIEW = re.compile(r"""^(\s*review\s*=\s*)(["'])draft\2""", re.MULTILINE)


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


def same_line_endings(content: str, like: str) -> str:
    """``content`` with the line endings of ``like`` (the sheet it replaces): an upload from
    another system must not rewrite every line for git when no fact changed."""
    content = content.replace("\r\n", "\n")
    return content.replace("\n", "\r\n") if "\r\n" in like else content


def read_sheet_text(folder: Path) -> str:
    with open(folder / FACTS_FILE, encoding="utf-8", newline="") as f:  # endings as they are
        return f.read()


def create_article(seeds: Path, slug: str, text: str, facts: str) -> Path:
    """A new folder ``seeds/slug`` with both files, appearing whole (built under a hidden name,
    then renamed), with the umask's permissions. Raises FileExistsError when it exists."""
    target = seeds / slug
    if target.exists():
        raise FileExistsError(str(target))
    building = seeds / f".{slug}-adding-{secrets.token_hex(4)}"
    os.mkdir(building)
    try:
        for name, content in ((TEXT_FILE, text), (FACTS_FILE, facts)):
            with open(building / name, "w", encoding="utf-8", newline="") as f:
                f.write(content)
        os.rename(building, target)  # refuses a target created meanwhile (not empty)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def archive_folder(seeds: Path, folder: Path, stamp: str) -> Path:
    """Move an article folder to ``seeds/.archive/<name>-<stamp>`` (same file system: a
    rename, so it is never half moved); nothing is deleted."""
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
    """The sheet with its [article] table's ``review = "draft"`` flipped to "reviewed", and the
    drafter's "nobody has reviewed it" header (exactly that) replaced by who published it and
    when; None when the [article] table has no such line."""
    header = re.search(r"^\s*\[\s*article\s*\]\s*(#.*)?$", content, re.MULTILINE)
    if header is None:
        return None
    following = _TABLE.search(content, header.end())
    end = following.start() if following else len(content)
    review = _REVIEW.search(content, header.end(), end)
    if review is None:
        return None
    flipped = f"{review[1]}{review[2]}reviewed{review[2]}"
    content = content[:review.start()] + flipped + content[review.end():]
    newline = "\r\n" if "\r\n" in content else "\n"
    drafted = DRAFT_HEADER.replace("\n", newline)
    note = f"# Reviewed: published by {who} on {day} with /article publish.{newline}"
    return note + (content[len(drafted):] if content.startswith(drafted) else content)
