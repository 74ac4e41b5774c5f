-- The name directory: what storage/names.py builds its in-memory name indexes from, kept up to
-- date inside each load's transaction (storage.names.update_directory) for the keys the load
-- touches. Reading it is some 25,000 small rows at 10,000 articles, against 550,000 rows of
-- `names` (and a sort of them by article date) to build the same indexes from scratch.

-- Every distinct folded name of an actor, topic or article, and the keys it points to.
CREATE TABLE name_keys (
    entity TEXT NOT NULL CHECK (entity IN ('actor', 'topic', 'article')),
    folded TEXT NOT NULL,
    key    TEXT NOT NULL,
    PRIMARY KEY (entity, folded, key)
) WITHOUT ROWID;

-- The name each key is shown by: the name in its newest dated article (undated ones count as
-- oldest); among equally dated articles, the one with the greatest (folded name, slug), which
-- is the order storage/names.py has always used. The ranking columns are kept so that a load
-- compares a new article with the current one without reading every article of the key.
CREATE TABLE name_shown (
    entity    TEXT NOT NULL CHECK (entity IN ('actor', 'topic', 'article')),
    key       TEXT NOT NULL,
    name      TEXT NOT NULL,
    article   TEXT NOT NULL,
    dated     INTEGER NOT NULL,  -- 1 when the article has a date
    published TEXT NOT NULL,     -- '' when undated
    loaded_at TEXT NOT NULL,
    top       TEXT NOT NULL,     -- the greatest folded name of the key in that article
    PRIMARY KEY (entity, key)
) WITHOUT ROWID;

-- Entities whose directory still has to be filled by the next load (the writer does it, in
-- Python: an article's folded slug and title need storage.text.fold_name, which SQL lacks).
-- Until then the readers build that index the old way.
CREATE TABLE name_directory_pending (
    entity TEXT PRIMARY KEY
) WITHOUT ROWID;

INSERT INTO name_keys (entity, folded, key)
SELECT DISTINCT n.entity, n.folded, n.key FROM names n
WHERE EXISTS (SELECT 1 FROM actors a WHERE a.article = n.article AND a.key = n.key
              AND n.entity = 'actor')
   OR EXISTS (SELECT 1 FROM topics t WHERE t.article = n.article AND t.key = n.key
              AND n.entity = 'topic');

INSERT INTO name_shown (entity, key, name, article, dated, published, loaded_at, top)
SELECT w.entity, w.key,
       CASE w.entity
           WHEN 'actor' THEN (SELECT a.name FROM actors a
                              WHERE a.article = w.article AND a.key = w.key)
           ELSE (SELECT t.name FROM topics t WHERE t.article = w.article AND t.key = w.key)
       END,
       w.article, w.dated, w.published, w.loaded_at, w.top
FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.entity, c.key
                                   ORDER BY c.dated DESC, c.published DESC, c.loaded_at DESC,
                                            c.top DESC, c.article DESC) AS place
    FROM (
        SELECT n.entity, n.key, n.article, max(n.folded) AS top,
               ar.published IS NOT NULL AS dated, coalesce(ar.published, '') AS published,
               ar.loaded_at
        FROM names n JOIN articles ar INDEXED BY articles_by_date ON ar.slug = n.article
        GROUP BY n.entity, n.key, n.article
    ) c
    WHERE EXISTS (SELECT 1 FROM actors a WHERE a.article = c.article AND a.key = c.key
                  AND c.entity = 'actor')
       OR EXISTS (SELECT 1 FROM topics t WHERE t.article = c.article AND t.key = c.key
                  AND c.entity = 'topic')
) w
WHERE w.place = 1;

INSERT INTO name_directory_pending (entity) SELECT 'article' WHERE EXISTS (SELECT 1 FROM articles);

-- Fact-id autocomplete (storage.queries.fact_ids): ids by their part after the article's slug
-- ('q1', 'c1/r2'), so "ids ending in what was typed" is an index search, not a scan of every id.
CREATE INDEX facts_by_local ON facts(substr(id, length(article) + 2), id);
