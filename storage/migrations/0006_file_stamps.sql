-- File stamps: start-up and reloads find what changed without reading every article folder.
-- file_stamp is the size, mtime and ctime (ns) of the folder's facts.toml and article.txt when
-- they were last read or hashed (storage.sheets.file_stamp). When the files' stamp equals it,
-- the folder is unchanged; otherwise the files are hashed and content_hash decides, as before.
-- NULL (rows stored before this migration, files changed just before being read): hash to know.
ALTER TABLE articles ADD COLUMN file_stamp TEXT;

-- Start-up reads every article's folder, hash and stamp from this index alone (see 0004).
DROP INDEX articles_by_folder;
CREATE INDEX articles_by_folder ON articles(folder, slug, content_hash, file_stamp);
