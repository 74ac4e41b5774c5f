"""The daily digest's data: per-guild settings, what was posted, and what changed since."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.connections import snapshot
from storage.db import chunks
from storage.model import REVIEWED
from storage.store import Store

REMAINING_LIMIT = 30  # open questions / disputed claims listed in full; the rest are counted


@dataclass(frozen=True)
class DigestConfig:
    guild_id: int
    channel_id: int
    time: str          # HH:MM, local
    timezone: str      # IANA
    skip_empty: bool = False
    enabled: bool = True
    baseline_change: int = 0
    # When this schedule took effect (setup, re-enabling, a new time or zone): no day whose
    # digest time came before it is due. None for the environment's default, which has none.
    active_since: datetime | None = None


@dataclass(frozen=True)
class Change:
    kind: str
    fact_id: str
    article: str
    change: str              # added, changed, removed
    text: str                # the fact (new state, or old when removed)
    before: str | None = None  # old stance / status, when it changed
    after: str | None = None


@dataclass(frozen=True)
class Remaining:
    fact_id: str
    article: str
    text: str
    drafted: bool = False  # its article is a machine draft nobody has reviewed


@dataclass(frozen=True)
class DigestContent:
    articles_added: tuple[tuple[str, str], ...]    # (slug, title)
    articles_updated: tuple[tuple[str, str], ...]
    articles_removed: tuple[str, ...]
    positions: tuple[Change, ...]
    quotes: tuple[Change, ...]
    questions: tuple[Change, ...]   # opened or answered
    claims: tuple[Change, ...]      # new, or status changed
    open_questions: tuple[Remaining, ...]
    open_questions_total: int
    disputed_claims: tuple[Remaining, ...]
    disputed_claims_total: int
    last_change: int
    # Of the articles this digest names (added, updated, or whose facts changed), those whose
    # facts are a machine draft nobody has reviewed; and the drafts an editor has reviewed since.
    drafts: tuple[str, ...] = ()
    reviewed: tuple[str, ...] = ()
    # Of the articles named, those without a headline: their title is their first line.
    headless: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.articles_added or self.articles_updated or self.articles_removed
                    or self.positions or self.quotes or self.questions or self.claims)


def _config(row: Any) -> DigestConfig:
    since = row["active_since"]
    return DigestConfig(row["guild_id"], row["channel_id"], row["time"], row["timezone"],
                        bool(row["skip_empty"]), bool(row["enabled"]), row["baseline_change"],
                        datetime.fromisoformat(since) if since else None)


async def save_config(store: Store, config: DigestConfig, user_id: int | None) -> DigestConfig:
    """Create or update a guild's digest; a new digest starts from the changes made after now.
    The schedule takes effect now unless it is the one already running (enabled, same time and
    zone): changing only the channel keeps a missed digest's catch-up."""
    at = store.clock()
    # active_since to the microsecond: set up at 08:00:00.4, an 08:00 digest starts tomorrow.
    now, since = at.isoformat(timespec="seconds"), at.isoformat(timespec="microseconds")
    async with store.writing() as writer:
        async with writer.execute("SELECT coalesce(max(id), 0) FROM changes") as cur:
            row = await cur.fetchone()
        baseline = int(row[0]) if row else 0
        await writer.execute(
        "INSERT INTO digest_settings (guild_id, channel_id, time, timezone, skip_empty, enabled, "
        "baseline_change, updated_by, updated_at, active_since) VALUES (?,?,?,?,?,1,?,?,?,?) "
        "ON CONFLICT(guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
        "time = excluded.time, timezone = excluded.timezone, skip_empty = excluded.skip_empty, "
        "enabled = 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at, "
        "active_since = CASE WHEN enabled = 1 AND time = excluded.time "
        "AND timezone = excluded.timezone THEN active_since ELSE excluded.active_since END",
        (config.guild_id, config.channel_id, config.time, config.timezone,
         int(config.skip_empty), baseline, user_id, now, since))
    saved = await get_config(store, config.guild_id)
    assert saved is not None
    return saved


async def disable(store: Store, guild_id: int, user_id: int | None,
                  default: DigestConfig | None = None) -> bool:
    """Turn the guild's digest off (also overriding an environment default). False if it had none."""
    current = await get_config(store, guild_id)
    if current is None and default is None:
        return False
    base = current or default
    assert base is not None
    async with store.writing() as writer:
        await writer.execute(
        "INSERT INTO digest_settings (guild_id, channel_id, time, timezone, skip_empty, enabled, "
        "baseline_change, updated_by, updated_at) VALUES (?,?,?,?,?,0,?,?,?) "
        "ON CONFLICT(guild_id) DO UPDATE SET enabled = 0, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at",
        (guild_id, base.channel_id, base.time, base.timezone, int(base.skip_empty),
         base.baseline_change, user_id, store.clock().isoformat(timespec="seconds")))
    return current is None or current.enabled


async def get_config(store: Store, guild_id: int) -> DigestConfig | None:
    async with store.db.execute("SELECT * FROM digest_settings WHERE guild_id = ?",
                                    (guild_id,)) as cur:
        row = await cur.fetchone()
    return _config(row) if row else None


async def all_configs(store: Store) -> list[DigestConfig]:
    async with store.db.execute("SELECT * FROM digest_settings ORDER BY guild_id") as cur:
        return [_config(r) for r in await cur.fetchall()]


async def posted_days(store: Store, guild_id: int, since: str) -> set[str]:
    """The local dates from ``since`` on whose digest the guild has had."""
    async with store.db.execute(
            "SELECT local_date FROM digest_log WHERE guild_id = ? AND local_date >= ?",
            (guild_id, since)) as cur:
        return {row[0] for row in await cur.fetchall()}


async def covered_until(store: Store, config: DigestConfig) -> int:
    """The newest change the guild's previous digest covered (or its setup baseline)."""
    async with store.db.execute(
            "SELECT max(last_change) FROM digest_log WHERE guild_id = ?", (config.guild_id,)) as cur:
        row = await cur.fetchone()
    last = row[0] if row else None
    return max(config.baseline_change, int(last) if last is not None else 0)


async def record_post(store: Store, guild_id: int, local_date: str, message_id: int | None,
                      last_change: int) -> None:
    """Today's digest is posted. ``/digest now`` replaces the day's row: it counts as today's."""
    async with store.writing() as writer:
        await writer.execute(
        "INSERT OR REPLACE INTO digest_log (guild_id, local_date, message_id, posted_at, "
        "last_change) VALUES (?,?,?,?,?)",
        (guild_id, local_date, message_id, store.clock().isoformat(timespec="seconds"),
         last_change))


def _label(payload: str | None, key: str) -> str | None:
    return json.loads(payload).get(key) if payload else None


def _text(payload: str, key: str) -> str:
    return str(json.loads(payload).get(key, ""))


_TEXT_KEY = {"position": "summary", "quote": "text", "question": "question", "claim": "claim"}
_LABEL_KEY = {"position": "stance", "question": "status", "claim": "status"}


@snapshot
async def digest_content(store: Store, since: int) -> DigestContent:
    db = store.db
    async with db.execute("SELECT * FROM changes WHERE id > ? ORDER BY id", (since,)) as cur:
        rows = await cur.fetchall()
    last = max((r["id"] for r in rows), default=since)
    # A fact changed several times between digests shows its first old and last new state.
    first: dict[tuple[str, str], Any] = {}
    latest: dict[tuple[str, str], Any] = {}
    for r in rows:
        key = (r["kind"], r["fact_id"])
        first.setdefault(key, r)
        latest[key] = r
    added_articles: dict[str, str] = {}
    removed_articles: list[str] = []
    reviewed: list[str] = []
    touched: dict[str, None] = {}
    by_kind: dict[str, list[Change]] = {k: [] for k in _TEXT_KEY}
    for key, end in latest.items():
        start = first[key]
        kind, ident = key
        before, after = start["old"], end["new"]
        if kind == "article":
            if before is None and after is not None:
                added_articles[ident] = _text(after, "title")
            elif after is None and before is not None:
                removed_articles.append(ident)
            elif before != after:
                touched[ident] = None
                if _label(before, "review") == "draft" and _label(after, "review") is None:
                    reviewed.append(ident)
            continue
        if before == after:
            continue  # changed and changed back
        touched[end["article"]] = None
        change = "added" if before is None else "removed" if after is None else "changed"
        text = _text(after or before, _TEXT_KEY[kind])
        label_key = _LABEL_KEY.get(kind)
        old_label = _label(before, label_key) if label_key else None
        new_label = _label(after, label_key) if label_key else None
        if kind == "question" and change == "changed" and old_label == new_label:
            continue  # rewording only: the digest reports questions opened or answered
        if kind == "claim" and change == "changed" and old_label == new_label:
            continue  # the digest reports claims whose status changed
        by_kind[kind].append(Change(kind, ident, end["article"], change, text, old_label,
                                    new_label))
    updated = [s for s in touched if s not in added_articles and s not in removed_articles]
    titles: dict[str, str] = {}
    if updated:
        marks = ",".join("?" for _ in updated)
        async with db.execute(f"SELECT slug, title FROM articles WHERE slug IN ({marks})",
                              updated) as cur:
            titles = {r["slug"]: r["title"] for r in await cur.fetchall()}
    named = sorted({*added_articles, *touched} - set(removed_articles))
    drafts: list[str] = []
    headless: list[str] = []
    for chunk in chunks(named):
        async with db.execute("SELECT slug, review, title_source FROM articles WHERE slug IN "
                              f"({','.join('?' for _ in chunk)}) ORDER BY slug", chunk) as cur:
            for r in await cur.fetchall():
                if r["review"] == "draft":
                    drafts.append(r["slug"])
                if r["title_source"] == "first-line":
                    headless.append(r["slug"])
    open_q, open_total = await _remaining(store, "question", "open")
    disputed, disputed_total = await _remaining(store, "claim", "disputed")
    return DigestContent(
        articles_added=tuple(added_articles.items()),
        articles_updated=tuple((s, titles.get(s, s)) for s in updated),
        articles_removed=tuple(removed_articles),
        positions=tuple(by_kind["position"]), quotes=tuple(by_kind["quote"]),
        questions=tuple(by_kind["question"]), claims=tuple(by_kind["claim"]),
        open_questions=open_q, open_questions_total=open_total,
        disputed_claims=disputed, disputed_claims_total=disputed_total, last_change=last,
        drafts=tuple(drafts), reviewed=tuple(reviewed), headless=tuple(headless))


async def _remaining(store: Store, kind: str, label: str) -> tuple[tuple[Remaining, ...], int]:
    db = store.db
    async with db.execute("SELECT count(*) FROM facts WHERE kind = ? AND label = ?",
                          (kind, label)) as cur:
        row = await cur.fetchone()
    total = int(row[0]) if row else 0
    async with db.execute(
            "SELECT f.id, f.article, f.text, ar.review FROM facts f "
            "JOIN articles ar ON ar.slug = f.article "
            "WHERE f.kind = ? AND f.label = ? "
            "ORDER BY ar.published IS NULL, ar.published DESC, ar.loaded_at DESC, f.seq LIMIT ?",
            (kind, label, REMAINING_LIMIT)) as cur:
        items = tuple(Remaining(r["id"], r["article"], r["text"], r["review"] != REVIEWED)
                      for r in await cur.fetchall())
    return items, total
