-- Two-step verification: authenticator apps (RFC 6238), recovery codes, passkeys (WebAuthn),
-- each tenant's policy, and the sign-ins waiting for their second step.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- The shared secret, sealed with the installation's secret key.
    secret_sealed TEXT NOT NULL,
    -- NULL while it is being set up (until the first right code).
    confirmed_at BIGINT,
    -- The last time step accepted: every code works once.
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE user_recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE user_passkeys (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The credential as webauthn-rs keeps it (public key, counter, backup flags).
    passkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX user_passkeys_by_user ON user_passkeys (user_id);

-- A WebAuthn ceremony in flight, kept here (not in a cookie), found by the hash of the id the
-- browser was given with its options.
CREATE TABLE webauthn_ceremonies (
    ceremony_hash TEXT PRIMARY KEY,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('register', 'login', 'step')),
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_by_expiry ON webauthn_ceremonies (expires_at);

-- A sign-in whose first step was right and whose second is due: it opens nothing.
CREATE TABLE second_steps (
    challenge_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    app TEXT NOT NULL,
    method TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    return_to TEXT,
    -- The tenant requires a second factor the person has not set up: enrolment comes first.
    enrol BIGINT NOT NULL DEFAULT 0,
    -- Wrong answers so far: the fifth ends the sign-in (the soft lock counts them too).
    failures BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX second_steps_by_expiry ON second_steps (expires_at);

ALTER TABLE tenants ADD COLUMN two_step TEXT NOT NULL DEFAULT 'optional'
    CHECK (two_step IN ('off', 'optional', 'settings', 'required'));
-- Logins a person may still make without a second factor once it is required.
ALTER TABLE tenants ADD COLUMN two_step_grace BIGINT NOT NULL DEFAULT 3;
-- Ask people who sign in through the tenant's identity provider too.
ALTER TABLE tenants ADD COLUMN two_step_for_sso BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN two_step_grace_used BIGINT NOT NULL DEFAULT 0;
-- When the session's second factor was given (step-up reads it).
ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT;
