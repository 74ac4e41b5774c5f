"""Drafting fact sheets from article text (issue 17): quotes with their speakers, actors,
claims, positions, a timeline and question candidates, every entry with an exact excerpt of the
article as evidence, written as a sheet marked review = "draft" that passes `newsbot check`.

Needs the `draft` extra (spaCy and its English pipeline: README, "Drafting"). Importing this
package does not load spaCy's pipeline; the first draft does (about half a second).
"""

from __future__ import annotations

from drafting.engine import DraftResult, draft_text
from drafting.errors import (
    BinaryArticleError,
    DraftError,
    EmptyArticleError,
    PipelineMissingError,
    SheetExistsError,
)
from drafting.folder import DraftReport, draft_folder, render_report

__all__ = [
    "BinaryArticleError",
    "DraftError",
    "DraftReport",
    "DraftResult",
    "EmptyArticleError",
    "PipelineMissingError",
    "SheetExistsError",
    "draft_folder",
    "draft_text",
    "render_report",
]
