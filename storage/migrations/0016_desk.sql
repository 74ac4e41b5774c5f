-- The editors' desk (/article, /sheet): every version of a sheet it has seen or written, and
-- the audit trail of what editors did there.
CREATE TABLE sheet_versions (
    article   TEXT NOT NULL,      -- the slug; kept when the article is removed
    version   INTEGER NOT NULL,   -- 1, 2, ... per article
    sha256    TEXT NOT NULL,      -- of content
    content   TEXT NOT NULL,      -- facts.toml as it was
    saved_at  TEXT NOT NULL,      -- ISO 8601, UTC
    user_id   INTEGER,            -- who wrote it on Discord; NULL: found on disk (git, an editor)
    action    TEXT NOT NULL CHECK (action IN ('found', 'add', 'put', 'publish', 'revert')),
    counts    TEXT NOT NULL,      -- JSON: kind -> entries in this version
    diff      TEXT,               -- JSON: kind -> [added, changed, removed] against the facts before
    PRIMARY KEY (article, version)
);

CREATE TABLE desk_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER,
    guild_id  INTEGER,
    action    TEXT NOT NULL,      -- add, put, publish, revert, remove, get, history
    article   TEXT,
    outcome   TEXT NOT NULL CHECK (outcome IN ('done', 'checked', 'refused', 'failed', 'cancelled',
                                         'expired')),  -- checked: a diff shown, waiting for Apply
    detail    TEXT                -- what was done, or why not
);
CREATE INDEX desk_log_by_time ON desk_log(at);
