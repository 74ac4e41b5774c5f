"""The evaluation's reading of PolNeAR-style gold: whose words a quoted passage is when
attributions nest, a speaker the Content itself names, and sources that are descriptions,
not names. Texts are written for these tests (never the corpus's)."""

from __future__ import annotations

from spacy.language import Language

from benchmarks.draft_eval import reported_speakers, source_name
from benchmarks.draft_scoring import Gold, Item, score
from benchmarks.polnear import Article, Attribution, gold_quotes, quoted_spans


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


TEXT = "The Gazette reported that “we will win,” as Ines Marlowe put it at the rally.\n"


def test_nested_attributions_give_the_passage_to_the_innermost_source() -> None:
    outer = Attribution((_span(TEXT, "The Gazette"),), (_span(TEXT, "reported"),),
                        (_span(TEXT, "that “we will win,” as Ines Marlowe put it at the rally"),))
    inner = Attribution((_span(TEXT, "Ines Marlowe"),), (_span(TEXT, "put it"),),
                        (_span(TEXT, "“we will win,”"),))
    for order in ([outer, inner], [inner, outer]):
        (gold,) = gold_quotes(Article("a", TEXT, order))
        assert gold.span == _span(TEXT, "we will win,")
        assert gold.source == (_span(TEXT, "Ines Marlowe"),)
        assert gold.also == ()


def test_attributions_of_the_same_size_are_all_accepted() -> None:
    quote = (_span(TEXT, "“we will win,”"),)
    gazette = Attribution((_span(TEXT, "The Gazette"),), (), quote)
    marlowe = Attribution((_span(TEXT, "Ines Marlowe"),), (), quote)
    (gold,) = gold_quotes(Article("a", TEXT, [gazette, marlowe]))
    assert gold.source == (_span(TEXT, "The Gazette"),)
    assert gold.also == ((_span(TEXT, "Ines Marlowe"),),)


def test_a_speaker_named_inside_the_content_counts(nlp: Language) -> None:
    text = "“We will win,” Ines Marlowe said, according to the Gazette.\n"
    content = (_span(text, "“We will win,” Ines Marlowe said"),)
    doc = nlp(text)
    passage = _span(text, "We will win,")
    assert reported_speakers(doc, content, quoted_spans(text), passage) == ("Ines Marlowe",)
    # The quote's own words never name its speaker.
    quoted = "The Gazette said “Ines Marlowe said nothing.”\n"
    doc = nlp(quoted)
    inside = (_span(quoted, "“Ines Marlowe said nothing.”"),)
    passage = _span(quoted, "Ines Marlowe said nothing.")
    assert reported_speakers(doc, inside, quoted_spans(quoted), passage) == ()


def test_only_the_speaker_nearest_the_passage_counts(nlp: Language) -> None:
    text = "“We will win,” Ines Marlowe said. “You will lose,” Tomas Ferreira replied.\n"
    content = ((0, len(text) - 1),)
    doc = nlp(text)
    spans = quoted_spans(text)
    assert reported_speakers(doc, content, spans, _span(text, "We will win,")) == (
        "Ines Marlowe",)
    assert reported_speakers(doc, content, spans, _span(text, "You will lose,")) == (
        "Tomas Ferreira",)


def test_gold_with_alternatives_scores_either_name() -> None:
    gold = [Gold((0, 10), "the Gazette", ("Ines Marlowe",))]
    assert score([Item((2, 5), ("Ines Marlowe", "Marlowe"))], gold).speaker_right == 1
    assert score([Item((2, 5), ("Gazette",))], gold).speaker_right == 1
    assert score([Item((2, 5), ("Tomas Ferreira",))], gold).speaker_right == 0


def test_a_description_is_not_a_named_source(nlp: Language) -> None:
    for text, source, name in [
        ("“We will win,” the Texan said.\n", "the Texan", None),
        ("“We will win,” one senior Democrat said.\n", "one senior Democrat", None),
        ("“We will win,” Ines Marlowe said.\n", "Ines Marlowe", "Ines Marlowe"),
        ("“We will win,” the Gazette said.\n", "the Gazette", "Gazette"),
    ]:
        assert source_name(nlp(text), (_span(text, source),)) == name, text
