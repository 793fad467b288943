-- One trigram index over the user ID and the name together, instead of one each: a search
-- then walks the posting lists of its trigrams once, not twice (the query rechecks each
-- column, so a match across the two is no match).
DROP INDEX IF EXISTS users_login_name_trgm;
DROP INDEX IF EXISTS users_display_name_trgm;
CREATE INDEX users_search_trgm ON users USING gin ((login_name || E'\n' || lower(display_name)) gin_trgm_ops);
