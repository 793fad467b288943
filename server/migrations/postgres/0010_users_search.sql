-- Users search matches any part of the user ID or the name (LIKE '%…%'): trigram indexes
-- serve it (pg_trgm is a trusted extension: the database's owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_login_name_trgm ON users USING gin (login_name gin_trgm_ops);
CREATE INDEX users_display_name_trgm ON users USING gin (lower(display_name) gin_trgm_ops);
