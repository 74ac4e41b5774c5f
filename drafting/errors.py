"""What the drafter refuses, as types a command line or a bot maps to one short message."""

from __future__ import annotations


class DraftError(Exception):
    """The drafter cannot draft this input; the message says why and what to do."""


class EmptyArticleError(DraftError):
    """The article has no text (empty, or only whitespace)."""


class BinaryArticleError(DraftError):
    """The article is not UTF-8 text (a PDF, an image, a word-processor file...)."""


class SheetExistsError(DraftError):
    """facts.toml already exists and overwriting it was not asked for."""


class PipelineMissingError(DraftError):
    """spaCy or its English pipeline is not installed (the `draft` extra)."""
