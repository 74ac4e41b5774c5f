-- Paging at the source (storage/queries.py reads one page of an answer at a time): a page's
-- facts are chosen from indexes alone, then only those ten facts are read whole.

-- Articles in answer order: /articles pages through it, and answers over a dense share of
-- the archive walk it, taking each article's facts in sheet order (facts_by_article), and
-- stop as soon as the page is full, with nothing to sort.
CREATE INDEX articles_by_order ON articles(published IS NULL, published DESC, slug);

-- The facts of a name (or a status) with what the page order needs (article, seq), so that
-- choosing a page never reads a fact's row. Each extends the index it replaces, which any
-- query using the old one can use in its place; the number of indexes a load keeps up to
-- date stays the same.
CREATE INDEX facts_by_actor_page ON facts(kind, actor, article, seq);
DROP INDEX IF EXISTS facts_by_actor;
CREATE INDEX facts_by_topic_page ON facts(kind, topic, label, article, seq);
DROP INDEX IF EXISTS facts_by_topic;
CREATE INDEX facts_by_label_page ON facts(kind, label, article, seq);
DROP INDEX IF EXISTS facts_by_label;
