-- Single sign-on: each tenant's OpenID providers and the email domains they answer for, the
-- provider identities linked to users, the logins in flight (bound to one browser), and the
-- tenant's sign-in policy.
CREATE TABLE sso_providers (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    preset TEXT NOT NULL CHECK (preset IN ('microsoft', 'google', 'oidc')),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- The client secret sealed with the installation's secret key (XChaCha20-Poly1305).
    client_secret_sealed TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

-- An email domain belongs to one provider: home-realm discovery must not have to guess.
CREATE TABLE sso_domains (
    domain TEXT PRIMARY KEY,
    provider_id BIGINT NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE
);
CREATE INDEX sso_domains_by_provider ON sso_domains (provider_id);

CREATE TABLE sso_identities (
    provider_id BIGINT NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (provider_id, subject),
    UNIQUE (provider_id, user_id)
);
CREATE INDEX sso_identities_by_user ON sso_identities (user_id);

-- A login sent to a provider and not back yet: found by the SHA-256 of the browser's cookie,
-- used once.
CREATE TABLE sso_attempts (
    token_hash TEXT PRIMARY KEY,
    provider_id BIGINT NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    -- For "Activate with …": the activation link's hash.
    activation_token_hash TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

ALTER TABLE tenants ADD COLUMN sso_strategy TEXT NOT NULL DEFAULT 'existing' CHECK (sso_strategy IN ('existing', 'create'));
ALTER TABLE tenants ADD COLUMN sso_default_role_id BIGINT REFERENCES roles(id);
ALTER TABLE tenants ADD COLUMN password_login BIGINT NOT NULL DEFAULT 1;
