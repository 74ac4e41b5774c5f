"""``newsbot draft``: a first fact sheet for a new article, drafted by machine for an editor to
review (the drafting package, an optional extra), with the archive's actor ids."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from storage.store import Store
from storage.text import fold_name

DRAFT_EXTRA = ("newsbot draft needs the drafting extra and its English pipeline "
               "(README, 'Drafting': pip install 'newsbot[draft]', then requirements-draft.txt)")


async def archive_actors(store: Store) -> dict[str, str]:
    """Folded name -> key, for every name the archive gives exactly one actor: a drafted actor
    named so keeps the archive's id, so sheets share actors across articles. A name two actors
    share names neither (it is not the drafter's to decide which)."""
    index = await store.names.index("actor")
    return {folded: keys[0] for folded, keys in index.keys_by_folded.items() if len(keys) == 1}


async def draft(store: Store, path: Path, *, force: bool, to_stdout: bool,
                out: TextIO | None = None, err: TextIO | None = None) -> bool:
    """Draft ``path``'s sheet and print the report (the sheet itself with ``to_stdout``).
    False, with one line on ``err``, when it cannot. ``out`` and ``err``: sys.stdout and
    sys.stderr as they are when it runs."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        import drafting
    except ImportError:
        print(f"newsbot: {DRAFT_EXTRA}", file=err)
        return False
    known = await archive_actors(store)
    try:
        report = await asyncio.to_thread(
            drafting.draft_folder, path, force=force, to_stdout=to_stdout,
            known_actor=lambda name: known.get(fold_name(name)))
    except (drafting.DraftError, OSError) as exc:
        print(f"newsbot: {exc}", file=err)
        return False
    if to_stdout:
        print(report.toml, file=out, end="" if report.toml.endswith("\n") else "\n")
    print(drafting.render_report(report), file=err if to_stdout else out)
    return True
