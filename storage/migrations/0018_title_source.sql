-- What an article's title is (the sheet's [article] title_source): its headline as published,
-- or its first line when the article has none. Every article stored before the field existed
-- reads as a headline, as its sheet then said nothing else.
ALTER TABLE articles ADD COLUMN title_source TEXT NOT NULL DEFAULT 'headline'
    CHECK (title_source IN ('headline', 'first-line'));
