-- Users search matches any part of the user ID or the name: an FTS5 index of trigrams over
-- both, kept in step with the users table by triggers (only when those two columns change).
-- Transactions that write users begin IMMEDIATE (Db::begin_write); see there why.
DROP TRIGGER IF EXISTS users_search_insert;
DROP TRIGGER IF EXISTS users_search_delete;
DROP TRIGGER IF EXISTS users_search_update;
DROP TABLE IF EXISTS users_search;

CREATE VIRTUAL TABLE users_search USING fts5(
    login_name, display_name, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, login_name, display_name) VALUES (new.id, new.login_name, new.display_name);
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, login_name, display_name)
        VALUES ('delete', old.id, old.login_name, old.display_name);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF login_name, display_name ON users BEGIN
    INSERT INTO users_search (users_search, rowid, login_name, display_name)
        VALUES ('delete', old.id, old.login_name, old.display_name);
    INSERT INTO users_search (rowid, login_name, display_name) VALUES (new.id, new.login_name, new.display_name);
END;
