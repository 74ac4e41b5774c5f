-- Roll-ups (storage/queries.py, _rollup: every actor whose affiliation chain leads to a name)
-- follow the distinct affiliation links, kept here by each load (storage.names.
-- update_directory) with how many articles give each one. Followed through `actors`, a
-- country's links were its members' rows in every article that names them: thousands of
-- index entries for some 120 members, 1.3 ms at 10,000 articles, on every answer about it.
CREATE TABLE affiliations (
    affiliation TEXT NOT NULL,
    key         TEXT NOT NULL,
    articles    INTEGER NOT NULL,  -- how many articles give the link
    PRIMARY KEY (affiliation, key)
) WITHOUT ROWID;

INSERT INTO affiliations (affiliation, key, articles)
SELECT affiliation, key, count(*) FROM actors WHERE affiliation IS NOT NULL
GROUP BY affiliation, key;

-- Nothing else followed affiliations through this index.
DROP INDEX actors_by_affiliation_key;
