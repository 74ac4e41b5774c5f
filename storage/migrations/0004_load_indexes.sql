-- Indexes for newsroom-sized archives (see benchmarks/RESULTS.md). Each one lets a bulk read be
-- answered from an index alone, without visiting the table rows: an article row carries its
-- body on overflow pages, and reading any column after it walks those pages.

-- Start-up: every article's folder and content hash, to skip unchanged seeds.
CREATE INDEX articles_by_folder ON articles(folder, slug, content_hash);

-- The name index (storage/names.py): every article's dates, and every name in folded order.
-- The second replaces names_by_folded, of which it is an extension.
CREATE INDEX articles_by_date ON articles(slug, published, loaded_at);
CREATE INDEX names_by_folded_key ON names(entity, folded, article, key);
DROP INDEX names_by_folded;
