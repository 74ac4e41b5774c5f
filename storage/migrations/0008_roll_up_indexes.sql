-- /claims actor: and /questions actor: choose the facts of one kind that involve an actor (or
-- the actors a roll-up gathers). With only (fact, actor) here, SQLite read every fact of the
-- actor, of every kind, to test its kind: for a country at 10,000 articles, 16,000 rows for
-- the few hundred claims wanted (over 100 ms). The fact's kind, copied here, makes it one
-- index range per actor.
ALTER TABLE fact_actors ADD COLUMN kind TEXT;
UPDATE fact_actors SET kind = (SELECT f.kind FROM facts f WHERE f.id = fact_actors.fact);
CREATE INDEX fact_actors_by_actor_kind ON fact_actors(actor, kind, fact);
DROP INDEX fact_actors_by_actor;

-- A roll-up (every actor whose affiliation chain leads to a name) follows affiliations from
-- the index alone: a country's members appear in thousands of actor rows (4.7 -> 0.7 ms).
CREATE INDEX actors_by_affiliation_key ON actors(affiliation, key);
DROP INDEX actors_by_affiliation;

-- /who's affiliation chain: an actor's affiliation in any article, when its newest article
-- gives none, is the first non-NULL entry of its key in this index (one seek; a country has
-- thousands of rows and none of them an affiliation). It extends the index it replaces.
CREATE INDEX actors_by_key_affiliation ON actors(key, affiliation);
DROP INDEX actors_by_key;
