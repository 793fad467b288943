-- Settings and maintenance: the Terms of Service versions and who accepted which, the
-- columns the Users screen shows and filters on, temporary passwords, and who did an
-- administrator's action.
CREATE TABLE terms_versions (
    version INTEGER PRIMARY KEY,
    markdown TEXT NOT NULL,
    -- Rendered and sanitised once, when published.
    html TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

CREATE TABLE terms_acceptances (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version BIGINT NOT NULL REFERENCES terms_versions(version),
    accepted_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    PRIMARY KEY (user_id, version)
);

ALTER TABLE users ADD COLUMN last_login_at BIGINT;
-- Set by an administrator's "Set password": the user must choose their own at the next login.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_by_tenant_name ON users (tenant_id, lower(display_name), id);
CREATE INDEX users_by_tenant_status_name ON users (tenant_id, status, lower(display_name), id);
CREATE INDEX users_by_role ON users (role_id);

ALTER TABLE audit_events ADD COLUMN actor_id BIGINT;
CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, at);
