-- What each load changed, for the daily digest: a digest covers the changes after the last
-- one it covered. A new or removed article is one row; inside an article that already existed,
-- each added, changed or removed fact is a row with its old and new payloads.
CREATE TABLE changes (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    article TEXT NOT NULL,
    kind    TEXT NOT NULL,
    fact_id TEXT NOT NULL,
    change  TEXT NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
    old     TEXT,
    new     TEXT
);

-- One row per newsroom (guild) that wants a digest.
CREATE TABLE digest_settings (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,
    time            TEXT NOT NULL,        -- HH:MM, local
    timezone        TEXT NOT NULL,        -- IANA name
    skip_empty      INTEGER NOT NULL DEFAULT 0 CHECK (skip_empty IN (0, 1)),
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    baseline_change INTEGER NOT NULL DEFAULT 0,  -- changes up to this id predate the setup
    updated_by      INTEGER,
    updated_at      TEXT NOT NULL
);

-- One row per guild per local day posted: never two digests for one day, across restarts.
CREATE TABLE digest_log (
    guild_id    INTEGER NOT NULL,
    local_date  TEXT NOT NULL,
    message_id  INTEGER,
    posted_at   TEXT NOT NULL,
    last_change INTEGER NOT NULL,   -- the newest change this digest covered
    PRIMARY KEY (guild_id, local_date)
);
