-- Frontdoor as the suite's OpenID provider: the apps (clients) that sign in through it, its
-- signing keys, authorization requests in flight and codes, app sessions (rows of `sessions`
-- that name their client), refresh tokens, consents, and back-channel logouts waiting to be
-- delivered (queued by a trigger in the very transaction that ends a session).
ALTER TABLE users ADD COLUMN subject TEXT;
UPDATE users SET subject = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX users_by_subject ON users (subject);

CREATE TABLE oidc_clients (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('web', 'native')),
    -- SHA-256 of a 256-bit secret (web clients only).
    secret_hash TEXT,
    first_party BIGINT NOT NULL DEFAULT 0,
    backchannel_logout_uri TEXT,
    id_token_alg TEXT NOT NULL DEFAULT 'RS256',
    created_at BIGINT NOT NULL
);

CREATE TABLE oidc_redirect_uris (
    client_id TEXT NOT NULL REFERENCES oidc_clients(client_id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('login', 'logout')),
    uri TEXT NOT NULL,
    PRIMARY KEY (client_id, purpose, uri)
);

CREATE TABLE oidc_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    -- The private key sealed with the installation's secret key.
    private_sealed TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE UNIQUE INDEX oidc_keys_current ON oidc_keys (alg) WHERE retired_at IS NULL;

-- An authorization request while the person logs in, chooses a tenant or consents.
CREATE TABLE oidc_requests (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oidc_clients(client_id) ON DELETE CASCADE,
    params TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_requests_by_expiry ON oidc_requests (expires_at);

CREATE TABLE oidc_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oidc_clients(client_id) ON DELETE CASCADE,
    -- The Frontdoor session the code came from.
    session_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT NOT NULL,
    -- The browser the person signed in with: a web app's session shows it.
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    -- The app session the code gave: ended if the code is used again.
    app_session_hash TEXT
);
CREATE INDEX oidc_codes_by_expiry ON oidc_codes (expires_at);

-- App sessions are rows of `sessions` with their client and the Frontdoor session's public id.
ALTER TABLE sessions ADD COLUMN client_id TEXT REFERENCES oidc_clients(client_id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN scope TEXT;
ALTER TABLE sessions ADD COLUMN sid TEXT;

CREATE TABLE oidc_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_hash TEXT NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Set when it was exchanged for the next one: a second use is a theft.
    used_at BIGINT
);
CREATE INDEX oidc_refresh_by_session ON oidc_refresh_tokens (session_hash);
CREATE INDEX oidc_refresh_by_expiry ON oidc_refresh_tokens (expires_at);

CREATE TABLE oidc_consents (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES oidc_clients(client_id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE TABLE backchannel_logouts (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    sid TEXT,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    failed_at BIGINT,
    last_error TEXT
);
CREATE INDEX backchannel_logouts_due ON backchannel_logouts (sent_at, failed_at, next_attempt_at);

-- Whatever ends an app session (log out, expiry, "Log out everywhere else", deactivation, a new
-- password, "End sessions", the end of the Frontdoor session it came from) queues its client's
-- logout token in the same transaction: never lost, whichever path deleted the row.
CREATE TRIGGER sessions_backchannel_logout AFTER DELETE ON sessions
WHEN OLD.client_id IS NOT NULL
BEGIN
    INSERT INTO backchannel_logouts (client_id, subject, sid, created_at)
    SELECT c.client_id, u.subject, OLD.sid, CAST(strftime('%s', 'now') AS INTEGER)
    FROM oidc_clients c JOIN users u ON u.id = OLD.user_id
    WHERE c.client_id = OLD.client_id AND c.backchannel_logout_uri IS NOT NULL;
END;

ALTER TABLE sso_attempts ADD COLUMN return_to TEXT;
