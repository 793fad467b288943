-- A Service session ends with the CRM session it was handed off from; browsers that logged in
-- before (device cookies) keep a soft lock of their own; limits that several instances share
-- (PostgreSQL); indexes for the retention sweeper.
ALTER TABLE sessions ADD COLUMN parent_hash TEXT REFERENCES sessions(token_hash) ON DELETE CASCADE;
CREATE INDEX sessions_by_parent ON sessions (parent_hash);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE devices (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    failure_streak BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_by_user ON devices (user_id);
CREATE INDEX devices_by_use ON devices (last_used_at);

CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_window ON rate_limits (window_start);

CREATE INDEX one_time_tokens_by_expiry ON one_time_tokens (expires_at);
CREATE INDEX outbox_by_sent ON outbox (sent_at);
CREATE INDEX audit_events_by_time ON audit_events (at);
