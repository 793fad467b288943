-- Email that is never lost, and what makes a link outlive a password change.
-- A message is a row first, written in the same transaction as the change that causes it.
-- Links are minted when the message is delivered, so the raw token is never stored.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- An instance that is sending the message holds it until then.
    claimed_until BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    -- Set when the mail server refused the message for good.
    failed_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);

ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;
