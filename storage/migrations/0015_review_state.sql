-- Whether an article's facts were reviewed by an editor or are a machine draft nobody has
-- reviewed yet (the sheet's [article] review). Every article stored before drafts existed
-- was written by an editor.
ALTER TABLE articles ADD COLUMN review TEXT NOT NULL DEFAULT 'reviewed'
    CHECK (review IN ('draft', 'reviewed'));
