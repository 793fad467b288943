-- "Reset login": an emailed code proves an email address; then the person picks one of the
-- tenants where it is an active user. The browser holds a challenge (its hash is here); the
-- code is minted when its message is delivered, and only its hash is kept.
CREATE TABLE tenant_choices (
    id INTEGER PRIMARY KEY,
    challenge_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    code_hash TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT,
    retired_at BIGINT
);
CREATE INDEX tenant_choices_by_email ON tenant_choices (email);
CREATE INDEX tenant_choices_by_expiry ON tenant_choices (expires_at);

-- What a message refers to beyond its user (the tenant choice a code is for).
ALTER TABLE outbox ADD COLUMN data TEXT;
