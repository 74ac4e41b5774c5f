"""The English pipeline, loaded once for the whole session (about half a second; every
drafting test shares it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from drafting.nlp import load_pipeline

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_pipeline()
