-- Audit trail of every reload attempt, whatever its outcome. Written outside the load's own
-- transaction, so a refused or failed reload is recorded too.
CREATE TABLE reload_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,     -- ISO 8601, UTC
    source        TEXT NOT NULL,     -- 'discord' or 'cli'
    user_id       INTEGER,           -- who asked, on Discord
    guild_id      INTEGER,
    dry_run       INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    scope         TEXT NOT NULL,     -- 'all' or an article slug
    result        TEXT NOT NULL CHECK (result IN ('applied', 'unchanged', 'checked', 'refused', 'failed', 'busy')),
    seconds       REAL,
    diff_summary  TEXT,              -- JSON: kind -> [added, changed, removed]
    error_summary TEXT               -- first problems, or the database's complaint
);
CREATE INDEX reload_log_by_time ON reload_log(at);
