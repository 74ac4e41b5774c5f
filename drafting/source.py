"""The article's bytes -> its text, refusing what is not an article."""

from __future__ import annotations

from drafting.errors import BinaryArticleError, EmptyArticleError

# Control characters other than whitespace in more than this share of the text: not an article
# that was saved as text (a document format with a UTF-8-clean header, say).
_MAX_CONTROL_SHARE = 0.01


def decode_article(data: bytes) -> str:
    """The text of ``data``, which must be non-empty UTF-8 text; raises EmptyArticleError or
    BinaryArticleError otherwise. The text is returned as it is: every excerpt in the sheet is
    checked against exactly these characters."""
    if b"\0" in data:
        raise BinaryArticleError("the article is binary data (it holds NUL bytes), not text; "
                                 "save it as plain UTF-8 text in article.txt")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BinaryArticleError(f"the article is not UTF-8 text (byte {exc.start}); save it as "
                                 "plain UTF-8 text in article.txt") from None
    check_article(text)
    return text


def check_article(text: str) -> None:
    """Raise EmptyArticleError / BinaryArticleError for text no sheet can be drafted from."""
    if "\0" in text:
        raise BinaryArticleError("the article holds NUL characters: it is not text")
    body = text.lstrip("\ufeff")
    if not body.strip():
        raise EmptyArticleError("the article is empty: there is nothing to draft from")
    control = sum(1 for ch in body if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if control > max(1, len(body) * _MAX_CONTROL_SHARE):
        raise BinaryArticleError(f"the article holds {control} control characters: it looks "
                                 "like binary data, not text")
    if not any(ch.isalpha() for ch in body):
        raise EmptyArticleError("the article has no words: there is nothing to draft from")
