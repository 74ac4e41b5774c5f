"""The last word on a draft is the project's own validator: the draft is checked exactly as
`newsbot check` checks a sheet, and any entry it refuses is left out (and reported), so the
sheet written always passes. A refused entry is a drafter bug to fix, never a reason to write
a sheet that fails."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from drafting.model import Draft
from drafting.writer import to_toml
from storage.model import Sheet
from storage.sheets import FACTS_FILE, TEXT_FILE, Problem, read_sheet

MAX_ROUNDS = 8
_ENTRY = re.compile(r"^(actors|topics|positions|quotes|claims|questions|timeline)\[(\d+)\]"
                    r"(?:\.responses\[(\d+)\])?")


def _remove_actor(draft: Draft, key: str) -> None:
    draft.actors = [a for a in draft.actors if a.id != key]
    for actor in draft.actors:
        if actor.affiliation == key:
            actor.affiliation = None
    draft.positions = [p for p in draft.positions if p.actor != key]
    draft.quotes = [q for q in draft.quotes if q.speaker != key]
    draft.claims = [c for c in draft.claims if c.claimant != key]
    for claim in draft.claims:
        claim.responses = [r for r in claim.responses if r.actor != key]
    for question in draft.questions:
        question.actors = [a for a in question.actors if a != key]
    for event in draft.timeline:
        event.actors = [a for a in event.actors if a != key]


def _drop(draft: Draft, problems: list[Problem]) -> bool:
    """Leave out every entry a problem names; False when a problem names none."""
    doomed: dict[tuple[str, int, int | None], str] = {}
    for problem in problems:
        m = _ENTRY.match(problem.path)
        if m is None:
            return False
        doomed.setdefault((m[1], int(m[2]), int(m[3]) if m[3] else None), problem.message)
    # Highest index first, so earlier indices stay right; actors last, since leaving one out
    # also leaves out the entries that name it.
    order = sorted(doomed.items(), key=lambda d: (d[0][0] == "actors", d[0][0], -d[0][1],
                                                  -(d[0][2] or 0)))
    for (section, index, response), why in order:
        entries: list[Any] = getattr(draft, section)
        if index > len(entries):
            return False
        entry = entries[index - 1]
        label = getattr(entry, "id", section)
        if response is not None:
            responses = draft.claims[index - 1].responses
            del responses[response - 1]
            draft.dropped.append(f"{label}/r{response}: {why}")
        elif section == "actors":
            draft.dropped.append(f"actor {label}: {why}")
            _remove_actor(draft, str(label))
        else:
            del entries[index - 1]
            draft.dropped.append(f"{label}: {why}")
    return True


def checked(draft: Draft, text: str) -> tuple[Draft, str]:
    """The draft as TOML that read_sheet accepts beside ``text``, after leaving out what it
    refuses; at worst the [article] table alone."""
    with tempfile.TemporaryDirectory(prefix="newsbot-draft-") as tmp:
        folder = Path(tmp)
        (folder / TEXT_FILE).write_bytes(text.encode("utf-8"))
        for _ in range(MAX_ROUNDS):
            toml = to_toml(draft)
            (folder / FACTS_FILE).write_bytes(toml.encode("utf-8"))
            result = read_sheet(folder)
            if isinstance(result, Sheet):
                return draft, toml
            if not _drop(draft, result):
                break
        # Unreachable unless the writer itself is wrong: keep the article, say so.
        bare = Draft(article=draft.article, dropped=[*draft.dropped, "every entry: the draft "
                                                     "did not pass the check"])
        return bare, to_toml(bare)
