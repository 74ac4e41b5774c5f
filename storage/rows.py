"""Turning a validated sheet into the rows the store keeps."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from storage.model import HEADLINE, NEWS, REVIEWED, Article, Question, Sheet
from storage.text import fold, fold_name

# Where an article row (SheetRows.article) holds the sheet's review state.
ARTICLE_REVIEW = 11


@dataclass
class SheetRows:
    slug: str
    article: tuple[object, ...]
    actors: list[tuple[object, ...]] = field(default_factory=list)
    topics: list[tuple[object, ...]] = field(default_factory=list)
    names: list[tuple[object, ...]] = field(default_factory=list)
    facts: list[tuple[object, ...]] = field(default_factory=list)
    fact_actors: list[tuple[object, ...]] = field(default_factory=list)
    # (kind, id) -> canonical payload, for diffs against what is stored
    payloads: dict[tuple[str, str], str] = field(default_factory=dict)


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


_ATOMS = (str, int, float, bool, type(None))


def _plain(value: object) -> object:
    if type(value) in _ATOMS:  # most values: before the slower tests below
        return value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def canonical(obj: object) -> str:
    """storage.model.canonical, several times faster: the same JSON text (dataclasses.asdict
    deep-copies every value first, which is most of its cost on a sheet's facts)."""
    return json.dumps(_plain(obj), sort_keys=True, ensure_ascii=False, default=_default)


def _article_payload(article: Article) -> str:
    """The article's canonical payload. A reviewed article's leaves its review state out: the
    payload is what every stored article had before drafts existed, so none of them reads as
    changed; a draft's has it, so publishing one is a change."""
    fields = _plain(article)
    assert isinstance(fields, dict)
    if article.review == REVIEWED:
        del fields["review"]
    if article.title_source == HEADLINE:  # the same: absent before the field existed
        del fields["title_source"]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_default)


def _question_payload(question: Question) -> str:
    """A news question's payload leaves ``about`` out, as every question's did before the
    field existed: upgrading does not make every stored question read as changed."""
    fields = _plain(question)
    assert isinstance(fields, dict)
    if question.about == NEWS:
        del fields["about"]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_default)


def sheet_rows(sheet: Sheet, folder: str, loaded_at: str) -> SheetRows:
    a = sheet.article
    slug = a.slug
    article_payload = _article_payload(a)
    rows = SheetRows(slug=slug, article=(
        slug, a.title, a.outlet, a.url, a.published.isoformat() if a.published else None,
        a.language, sheet.text, folder, sheet.content_hash, article_payload, loaded_at, a.review,
        a.title_source))
    rows.payloads[("article", slug)] = article_payload
    actor_names = {actor.key: actor.name for actor in sheet.actors}
    topic_names = {topic.key: topic.name for topic in sheet.topics}

    for actor in sheet.actors:
        payload = canonical(actor)
        rows.actors.append((slug, actor.key, actor.name, actor.kind, actor.role, actor.affiliation,
                            payload))
        rows.payloads[("actor", f"{slug}/{actor.key}")] = payload
        for name in {actor.name, actor.key, *actor.aliases}:
            rows.names.append((slug, "actor", actor.key, name, fold_name(name)))
    for topic in sheet.topics:
        payload = canonical(topic)
        rows.topics.append((slug, topic.key, topic.name, payload))
        rows.payloads[("topic", f"{slug}/{topic.key}")] = payload
        for name in {topic.name, topic.key, *topic.aliases}:
            rows.names.append((slug, "topic", topic.key, name, fold_name(name)))

    seq = 0

    def add(kind: str, fact_id: str, actor: str | None, topic: str | None, label: str | None,
            text: str, parent: str | None, extra: list[str], evidence: tuple[str, ...],
            obj: object, involved: tuple[str, ...] = ()) -> None:
        nonlocal seq
        seq += 1
        payload = _question_payload(obj) if isinstance(obj, Question) else canonical(obj)
        search = "\n".join(p for p in (
            text, actor_names.get(actor or ""), topic_names.get(topic or ""), *extra, *evidence,
            *(actor_names.get(k, k) for k in involved)) if p)
        rows.facts.append((fact_id, slug, kind, seq, actor, topic, label, text, fold(text),
                           parent, search, payload))
        rows.payloads[(kind, fact_id)] = payload
        rows.fact_actors.extend((fact_id, key, kind, label, slug, seq)
                                for key in dict.fromkeys(involved))

    # Positions are stored grouped by topic, in the order the sheet declares its topics (each
    # topic's in sheet order): every answer that lists them in stored order, page after page,
    # reads topic by topic, at no cost to the queries.
    topic_order = {topic.key: i for i, topic in enumerate(sheet.topics)}
    for p in sorted(sheet.positions, key=lambda p: topic_order.get(p.topic, len(topic_order))):
        add("position", f"{slug}/{p.id}", p.actor, p.topic, p.stance, p.summary, None,
            [p.stance], p.evidence, p, (p.actor,))
    for q in sheet.quotes:
        add("quote", f"{slug}/{q.id}", q.speaker, q.topic, q.cue, q.text, None,
            [q.context or "", q.setting or ""], q.evidence, q, (q.speaker,))
    for c in sheet.claims:
        claim_id = f"{slug}/{c.id}"
        # The claim's payload includes its responses, so a changed response changes the claim.
        add("claim", claim_id, c.claimant, c.topic, c.status, c.claim, None, [c.status],
            c.evidence, c, (c.claimant, *(r.actor for r in c.responses)))
        for r in c.responses:
            add("response", f"{claim_id}/{r.id}", r.actor, c.topic, r.response, r.summary,
                claim_id, [r.response], r.evidence, r, (r.actor,))
    # Questions about the source itself after the news questions (each in sheet order), so
    # that every list of them, page after page, keeps the two apart.
    for qn in sorted(sheet.questions, key=lambda q: q.about == "source"):
        add("question", f"{slug}/{qn.id}", None, qn.topic, qn.status, qn.question, None,
            [qn.answer or ""], (*qn.evidence, *qn.answer_evidence), qn, qn.actors)
    for e in sheet.timeline:
        add("event", f"{slug}/{e.id}", None, None, e.date.isoformat() if e.date else None,
            e.event, None, [e.when], e.evidence, e, e.actors)
    return rows
