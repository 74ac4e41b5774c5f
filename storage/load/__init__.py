"""The load pipeline: scan (which folders changed), workers (read and check sheets), plan (what a
load writes and removes), diff (what it changes), writes (the rows), pipeline (all of it in one
transaction)."""

from storage.load.diff import DIGEST_KINDS, KindDiff, LoadReport
from storage.load.pipeline import Loader

__all__ = ["DIGEST_KINDS", "KindDiff", "LoadReport", "Loader"]
