-- A name an editor reviewed is shown before any a machine drafted: an actor's display name
-- (and a topic's) comes from the newest reviewed article that names it, and from a draft only
-- when no reviewed article does, so a drafted spelling never replaces an editor's.
ALTER TABLE name_shown ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 1;
UPDATE name_shown SET reviewed = 0
    WHERE article IN (SELECT slug FROM articles WHERE review = 'draft');
