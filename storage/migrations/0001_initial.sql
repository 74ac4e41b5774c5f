-- The facts of every loaded article. An article's rows are replaced as a whole on reload.
-- Keys (actor, topic) are the sheet's ids: the same key in two sheets is the same actor.

CREATE TABLE articles (
    slug         TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    outlet       TEXT NOT NULL,
    url          TEXT,
    published    TEXT,               -- ISO date; NULL when the sheet says "undated"
    language     TEXT NOT NULL,
    body         TEXT NOT NULL,      -- the article text, to show evidence in its sentence
    folder       TEXT NOT NULL,
    content_hash TEXT NOT NULL,      -- of facts.toml + article.txt: unchanged seeds are not reloaded
    payload      TEXT NOT NULL,      -- canonical JSON of the [article] section, for diffs
    loaded_at    TEXT NOT NULL
);

CREATE TABLE actors (
    article     TEXT NOT NULL REFERENCES articles(slug) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    role        TEXT,
    affiliation TEXT,
    payload     TEXT NOT NULL,
    PRIMARY KEY (article, key)
);
CREATE INDEX actors_by_key ON actors(key);
CREATE INDEX actors_by_affiliation ON actors(affiliation);

CREATE TABLE topics (
    article TEXT NOT NULL REFERENCES articles(slug) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    name    TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (article, key)
);
CREATE INDEX topics_by_key ON topics(key);

-- Every name and alias of an actor or topic, folded (case, accents, punctuation), for lookups.
CREATE TABLE names (
    article TEXT NOT NULL REFERENCES articles(slug) ON DELETE CASCADE,
    entity  TEXT NOT NULL CHECK (entity IN ('actor', 'topic')),
    key     TEXT NOT NULL,
    name    TEXT NOT NULL,
    folded  TEXT NOT NULL
);
CREATE INDEX names_by_folded ON names(entity, folded);
CREATE INDEX names_by_article ON names(article);

CREATE TABLE facts (
    id      TEXT NOT NULL UNIQUE,    -- 'slug/q1'; a claim's responses are 'slug/c1/r1'
    article TEXT NOT NULL REFERENCES articles(slug) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('position', 'quote', 'claim', 'response', 'question', 'event')),
    seq     INTEGER NOT NULL,        -- order within the sheet
    actor   TEXT,                    -- holder, speaker, claimant or responder
    topic   TEXT,
    label   TEXT,                    -- stance, claim status, response, question status, ISO date
    text    TEXT NOT NULL,           -- summary, quote, claim, question or event
    folded  TEXT NOT NULL,           -- text folded, for "contains" filters
    parent  TEXT,                    -- a response's claim id
    search  TEXT NOT NULL,           -- what full-text search indexes
    payload TEXT NOT NULL            -- canonical JSON of the whole fact, evidence included
);
CREATE INDEX facts_by_article ON facts(article, kind, seq);
CREATE INDEX facts_by_actor ON facts(kind, actor);
CREATE INDEX facts_by_topic ON facts(kind, topic);
CREATE INDEX facts_by_label ON facts(kind, label);
CREATE INDEX facts_by_parent ON facts(parent);

-- Further actors a fact involves (question and timeline actors).
CREATE TABLE fact_actors (
    fact  TEXT NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    PRIMARY KEY (fact, actor)
) WITHOUT ROWID;
CREATE INDEX fact_actors_by_actor ON fact_actors(actor);

-- Full-text index over facts.search, kept in step by triggers (external content table).
CREATE VIRTUAL TABLE facts_fts USING fts5(
    search, content='facts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts(rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
END;
CREATE TRIGGER facts_fts_update AFTER UPDATE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO facts_fts(rowid, search) VALUES (new.rowid, new.search);
END;
