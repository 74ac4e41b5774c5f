"""The [article] table: title from a headline, outlet and date from a dateline, a slug; and
honest placeholders when the text has neither."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from drafting.excerpts import slugify
from drafting.model import DraftArticle

MAX_SLUG = 64
MAX_HEADLINE_WORDS = 25
SHORT_HEADLINE_WORDS = 15
UNKNOWN_OUTLET = "Unknown outlet (drafted: the text names none)"
# "MOSCOW (Reuters) —", "WASHINGTON, March 4, 2025 (AP) -": a dateline opening the body.
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z .'-]{1,40}?)\s*,?\s*(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?"
    r"\s*(?:\((?P<outlet>[^)]{2,40})\))?\s*[—–-]{1,2}\s")
_DATE_IN_TEXT = re.compile(
    r"\b((?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, (?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)\b")


def _published(text: str) -> date | None:
    m = _DATE_IN_TEXT.search(text)
    if m is None:
        return None
    for fmt in ("%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(m.group(1), fmt).date()
        except ValueError:
            continue
    return None


def draft_article(text: str) -> DraftArticle:
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    first = lines[0] if lines else ""
    notes: list[str] = []
    # A headline is short; a long first line that ends like a sentence is the story's lead.
    size = len(first.split())
    headline = (len(lines) > 1 and not _DATELINE.match(first)
                and (size <= SHORT_HEADLINE_WORDS or (size <= MAX_HEADLINE_WORDS
                                                      and first[-1:] not in ".!?\"”")))
    if headline:
        title = first
    else:
        opening = " ".join(" ".join(lines[:1]).split()[:12])
        title = f"Untitled draft: {opening} …"
        notes.append("the text has no headline; the title is a placeholder")
    body = "\n".join(lines[1:] if headline else lines)
    dateline = _DATELINE.match(body)
    outlet = (dateline.group("outlet") if dateline else None) or UNKNOWN_OUTLET
    if outlet == UNKNOWN_OUTLET:
        notes.append("no outlet in the text")
    published = None
    if dateline and dateline.group("date"):
        published = _published(dateline.group("date"))
    if published is None:
        published = _published(body[:300])
    if published is None:
        notes.append("no publication date in the text (undated)")
    slug = slugify(title if headline else opening, MAX_SLUG)
    if not slug:
        slug = "draft-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return DraftArticle(slug=slug, title=" ".join(title.split()), outlet=outlet,
                        published=published, unsure="; ".join(notes) or None)
