-- The sign-in core: how each session was authenticated and when; random public ids for
-- identity providers (their own redirect URIs); email domains claimed per tenant; provider
-- identities waiting for the person to prove the account they would link to; indexes.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN auth_time BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET auth_time = created_at;

ALTER TABLE sso_providers ADD COLUMN public_id TEXT;
UPDATE sso_providers SET public_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX sso_providers_by_public_id ON sso_providers (public_id);

-- A domain may be claimed by providers of several tenants (home-realm discovery then needs the
-- tenant to be known), but by one provider per tenant.
CREATE TABLE sso_tenant_domains (
    domain TEXT NOT NULL,
    provider_id BIGINT NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, domain)
);
INSERT INTO sso_tenant_domains (domain, provider_id, tenant_id)
    SELECT d.domain, d.provider_id, p.tenant_id FROM sso_domains d JOIN sso_providers p ON p.id = d.provider_id;
DROP TABLE sso_domains;
CREATE INDEX sso_tenant_domains_by_domain ON sso_tenant_domains (domain);
CREATE INDEX sso_tenant_domains_by_provider ON sso_tenant_domains (provider_id);

CREATE INDEX sso_attempts_by_expiry ON sso_attempts (expires_at);

-- A provider identity whose verified email is an existing user's, outside the provider's own
-- domains: linked only once the person proves that account (its password, or an emailed code).
CREATE TABLE sso_pending_links (
    id INTEGER PRIMARY KEY,
    -- SHA-256 of the browser's cookie.
    challenge_hash TEXT NOT NULL UNIQUE,
    provider_id BIGINT NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sso_pending_links_by_expiry ON sso_pending_links (expires_at);
