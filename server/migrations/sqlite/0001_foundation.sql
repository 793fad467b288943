-- Tenants, roles, users, sessions, one-time tokens and the audit trail.
-- Times are Unix seconds (BIGINT), so SQLite and PostgreSQL share one query set.
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    idle_timeout_secs BIGINT NOT NULL DEFAULT 1800,
    absolute_timeout_secs BIGINT NOT NULL DEFAULT 36000,
    service_idle_timeout_secs BIGINT NOT NULL DEFAULT 1800,
    service_absolute_timeout_secs BIGINT NOT NULL DEFAULT 36000,
    tos_version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    user_level BIGINT NOT NULL,
    can_crm BIGINT NOT NULL DEFAULT 1,
    can_service BIGINT NOT NULL DEFAULT 0,
    can_admin BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES roles(id),
    login_name TEXT NOT NULL,
    email TEXT,
    display_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
    password_hash TEXT,
    language TEXT,
    failure_streak BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    failure_window_start BIGINT NOT NULL DEFAULT 0,
    failure_window_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, login_name)
);
CREATE INDEX users_by_login_name ON users (login_name);
CREATE INDEX users_by_email ON users (email);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    -- What the sessions page and the command line call a session; not a credential.
    public_id TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    app TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    idle_timeout_secs BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    data TEXT
);
CREATE INDEX one_time_tokens_by_user ON one_time_tokens (user_id, kind);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    tenant_id BIGINT,
    user_id BIGINT,
    subject TEXT,
    event TEXT NOT NULL,
    outcome TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    detail TEXT
);
CREATE INDEX audit_events_by_user ON audit_events (user_id, at);
