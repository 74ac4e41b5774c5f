-- When a guild's digest schedule took effect: a day whose digest time came before it is never
-- posted, so a digest set up (re-enabled, or moved) after today's time starts tomorrow, as the
-- confirmation says, instead of being taken for one missed while the bot was down. Rows set up
-- before this migration take effect from their last setup.
ALTER TABLE digest_settings ADD COLUMN active_since TEXT;
UPDATE digest_settings SET active_since = updated_at;
