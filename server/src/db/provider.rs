//! Frontdoor as an OpenID provider: its clients and their redirect URIs, its signing keys,
//! authorization requests in flight, codes, app sessions (rows of `sessions` that name their
//! client), refresh tokens, consents, and the back-channel logouts waiting for delivery.

use super::{column, flag, is_unique_violation, App, Db, Rights, UserStatus};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

/// A web app (confidential: it keeps a secret on its server) or a native app (public: PKCE
/// alone, loopback and private-use redirect URIs, RFC 8252).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKind {
    Web,
    Native,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Web => "web",
            ClientKind::Native => "native",
        }
    }
}

impl std::str::FromStr for ClientKind {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw {
            "web" => Ok(ClientKind::Web),
            "native" => Ok(ClientKind::Native),
            other => Err(format!("unknown client kind {other:?} (web or native)")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    pub kind: ClientKind,
    pub secret_hash: Option<String>,
    /// The suite's own apps ask no consent.
    pub first_party: bool,
    pub backchannel_logout_uri: Option<String>,
    pub id_token_alg: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub created_at: i64,
}

impl FromRow<'_, AnyRow> for ClientRow {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(ClientRow {
            client_id: row.try_get("client_id")?,
            name: row.try_get("name")?,
            kind: column(row, "kind")?,
            secret_hash: row.try_get("secret_hash")?,
            first_party: flag(row, "first_party")?,
            backchannel_logout_uri: row.try_get("backchannel_logout_uri")?,
            id_token_alg: row.try_get("id_token_alg")?,
            redirect_uris: Vec::new(),
            post_logout_redirect_uris: Vec::new(),
            created_at: row.try_get("created_at")?,
        })
    }
}

const CLIENT_COLUMNS: &str =
    "client_id, name, kind, secret_hash, first_party, backchannel_logout_uri, id_token_alg, created_at";

pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    pub kind: ClientKind,
    pub secret_hash: Option<&'a str>,
    pub first_party: bool,
    pub backchannel_logout_uri: Option<&'a str>,
    pub id_token_alg: &'a str,
    pub redirect_uris: &'a [String],
    pub post_logout_redirect_uris: &'a [String],
}

/// A signing key as stored: the private part sealed, the public part as a JWK.
#[derive(Clone, Debug, FromRow)]
pub struct KeyRow {
    pub kid: String,
    pub alg: String,
    pub private_sealed: String,
    pub public_jwk: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// What a code was issued for.
#[derive(Clone, Debug, FromRow)]
pub struct CodeRow {
    pub client_id: String,
    pub session_hash: String,
    pub user_id: i64,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub ip: String,
    pub user_agent: String,
    pub expires_at: i64,
    pub app_session_hash: Option<String>,
}

/// A code presented at the token endpoint.
pub enum CodeUse {
    /// Its first use (now spent).
    First(CodeRow),
    /// Used before: whatever it gave is to be revoked.
    Again(CodeRow),
    Unknown,
}

/// A refresh token presented at the token endpoint.
pub enum RefreshUse {
    /// Live, now used up: the app session it belongs to.
    First(String),
    /// Used before (a stolen copy, or the app's own after a theft): the family ends.
    Again(String),
    Unknown,
}

/// An app session with what its tokens say about the person.
#[derive(Clone, Debug)]
pub struct AppSession {
    pub token_hash: String,
    pub public_id: String,
    pub client_id: String,
    pub user_id: i64,
    pub subject: String,
    pub tenant_id: i64,
    pub scope: String,
    pub sid: Option<String>,
    pub method: String,
    pub auth_time: i64,
    pub expires_at: i64,
    pub last_seen_at: i64,
    pub idle_timeout_secs: i64,
    pub parent_hash: Option<String>,
    pub display_name: String,
    pub email: Option<String>,
    pub login_name: String,
    pub status: UserStatus,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub role: String,
    pub rights: Rights,
}

impl AppSession {
    pub fn is_live(&self, now: i64) -> bool {
        self.status == UserStatus::Active && now < self.expires_at && now < self.last_seen_at + self.idle_timeout_secs
    }
}

impl FromRow<'_, AnyRow> for AppSession {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(AppSession {
            token_hash: row.try_get("token_hash")?,
            public_id: row.try_get("public_id")?,
            client_id: row.try_get("client_id")?,
            user_id: row.try_get("user_id")?,
            subject: row.try_get("subject")?,
            tenant_id: row.try_get("tenant_id")?,
            scope: row.try_get::<Option<String>, _>("scope")?.unwrap_or_default(),
            sid: row.try_get("sid")?,
            method: row.try_get("method")?,
            auth_time: row.try_get("auth_time")?,
            expires_at: row.try_get("expires_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            idle_timeout_secs: row.try_get("idle_timeout_secs")?,
            parent_hash: row.try_get("parent_hash")?,
            display_name: row.try_get("display_name")?,
            email: row.try_get("email")?,
            login_name: row.try_get("login_name")?,
            status: column(row, "status")?,
            tenant_slug: row.try_get("tenant_slug")?,
            tenant_name: row.try_get("tenant_name")?,
            role: row.try_get("role")?,
            rights: Rights::from_row(row)?,
        })
    }
}

/// A new app session: a sign-in of `client` for the person of a Frontdoor session.
pub struct NewAppSession<'a> {
    pub token_hash: &'a str,
    pub public_id: &'a str,
    pub user_id: i64,
    pub tenant_id: i64,
    pub client_id: &'a str,
    pub scope: &'a str,
    /// The Frontdoor session's public id (the `sid` of its tokens).
    pub sid: &'a str,
    /// The Frontdoor session it ends with (web apps); none for a native app's own session.
    pub parent_hash: Option<&'a str>,
    pub method: &'a str,
    pub auth_time: i64,
    pub expires_at: i64,
    pub idle_timeout_secs: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// A back-channel logout waiting for delivery.
#[derive(Clone, Debug, FromRow)]
pub struct BackchannelRow {
    pub id: i64,
    pub client_id: String,
    pub subject: String,
    pub sid: Option<String>,
    pub attempts: i64,
}

/// An app a person has let in (a partner app's consent).
#[derive(Clone, Debug, FromRow)]
pub struct ConsentRow {
    pub client_id: String,
    pub name: String,
    pub scope: String,
    pub granted_at: i64,
}

impl Db {
    pub async fn add_client(&self, client: &NewClient<'_>, now: i64) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO oidc_clients (client_id, name, kind, secret_hash, first_party, backchannel_logout_uri, \
             id_token_alg, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(client.client_id)
        .bind(client.name)
        .bind(client.kind.as_str())
        .bind(client.secret_hash)
        .bind(i64::from(client.first_party))
        .bind(client.backchannel_logout_uri)
        .bind(client.id_token_alg)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
        for (purpose, uris) in [("login", client.redirect_uris), ("logout", client.post_logout_redirect_uris)] {
            for uri in uris {
                sqlx::query("INSERT INTO oidc_redirect_uris (client_id, purpose, uri) VALUES ($1, $2, $3)")
                    .bind(client.client_id)
                    .bind(purpose)
                    .bind(uri)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn with_uris(&self, mut client: ClientRow) -> sqlx::Result<ClientRow> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT purpose, uri FROM oidc_redirect_uris WHERE client_id = $1 ORDER BY uri")
                .bind(&client.client_id)
                .fetch_all(&self.pool)
                .await?;
        for (purpose, uri) in rows {
            match purpose.as_str() {
                "login" => client.redirect_uris.push(uri),
                _ => client.post_logout_redirect_uris.push(uri),
            }
        }
        Ok(client)
    }

    pub async fn client(&self, client_id: &str) -> sqlx::Result<Option<ClientRow>> {
        let row: Option<ClientRow> =
            sqlx::query_as(&format!("SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1"))
                .bind(client_id)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some(row) => Ok(Some(self.with_uris(row).await?)),
            None => Ok(None),
        }
    }

    pub async fn clients(&self) -> sqlx::Result<Vec<ClientRow>> {
        let rows: Vec<ClientRow> =
            sqlx::query_as(&format!("SELECT {CLIENT_COLUMNS} FROM oidc_clients ORDER BY name, client_id"))
                .fetch_all(&self.pool)
                .await?;
        let mut clients = Vec::with_capacity(rows.len());
        for row in rows {
            clients.push(self.with_uris(row).await?);
        }
        Ok(clients)
    }

    /// Removes a client; its app sessions, codes and consents go with it.
    pub async fn remove_client(&self, client_id: &str) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        for table in ["oidc_codes", "oidc_consents", "oidc_requests", "oidc_redirect_uris", "sessions"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE client_id = $1")).bind(client_id).execute(&mut *tx).await?;
        }
        let done =
            sqlx::query("DELETE FROM oidc_clients WHERE client_id = $1").bind(client_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_client_secret(&self, client_id: &str, secret_hash: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE oidc_clients SET secret_hash = $1 WHERE client_id = $2 AND kind = 'web'")
            .bind(secret_hash)
            .bind(client_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The signing keys: the current one of each algorithm, and retired ones retired after
    /// `since` (their last tokens may still be checked).
    pub async fn signing_keys(&self, since: i64) -> sqlx::Result<Vec<KeyRow>> {
        sqlx::query_as(
            "SELECT kid, alg, private_sealed, public_jwk, created_at, retired_at FROM oidc_keys \
             WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, kid",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
    }

    /// Stores a new current key; false when another instance made the current key of this
    /// algorithm first.
    pub async fn insert_key(&self, key: &KeyRow) -> sqlx::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO oidc_keys (kid, alg, private_sealed, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.kid)
        .bind(&key.alg)
        .bind(&key.private_sealed)
        .bind(&key.public_jwk)
        .bind(key.created_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Retires the current keys (a rotation: new ones are made next).
    pub async fn retire_keys(&self, now: i64) -> sqlx::Result<u64> {
        let done = sqlx::query("UPDATE oidc_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn insert_authorization_request(
        &self,
        id: &str,
        client_id: &str,
        params: &str,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO oidc_requests (id, client_id, params, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(client_id)
        .bind(params)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// A request in flight: its parameters and when it was made.
    pub async fn authorization_request(&self, id: &str, now: i64) -> sqlx::Result<Option<(String, i64)>> {
        sqlx::query_as("SELECT params, created_at FROM oidc_requests WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn update_authorization_request(&self, id: &str, params: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE oidc_requests SET params = $1 WHERE id = $2")
            .bind(params)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Ends a request in flight; false when another request ended it first.
    pub async fn end_authorization_request(&self, id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM oidc_requests WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_code(&self, code_hash: &str, code: &CodeRow, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO oidc_codes (code_hash, client_id, session_hash, user_id, redirect_uri, scope, nonce, \
             code_challenge, ip, user_agent, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(code_hash)
        .bind(&code.client_id)
        .bind(&code.session_hash)
        .bind(code.user_id)
        .bind(&code.redirect_uri)
        .bind(&code.scope)
        .bind(&code.nonce)
        .bind(&code.code_challenge)
        .bind(&code.ip)
        .bind(&code.user_agent)
        .bind(now)
        .bind(code.expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Uses a code up, in one statement; a second use is told apart from an unknown code.
    pub async fn use_code(&self, code_hash: &str, now: i64) -> sqlx::Result<CodeUse> {
        let columns = "client_id, session_hash, user_id, redirect_uri, scope, nonce, code_challenge, ip, user_agent, \
                       expires_at, app_session_hash";
        let first: Option<CodeRow> = sqlx::query_as(&format!(
            "UPDATE oidc_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL RETURNING {columns}"
        ))
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(code) = first {
            return Ok(CodeUse::First(code));
        }
        let again: Option<CodeRow> = sqlx::query_as(&format!("SELECT {columns} FROM oidc_codes WHERE code_hash = $1"))
            .bind(code_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(again.map_or(CodeUse::Unknown, CodeUse::Again))
    }

    /// Records what a code gave, so that a second use of it can take it back.
    pub async fn set_code_grant(&self, code_hash: &str, app_session_hash: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE oidc_codes SET app_session_hash = $1 WHERE code_hash = $2")
            .bind(app_session_hash)
            .bind(code_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn insert_app_session(&self, session: &NewAppSession<'_>, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, public_id, user_id, tenant_id, app, created_at, last_seen_at, expires_at, \
             idle_timeout_secs, ip, user_agent, parent_hash, method, auth_time, client_id, scope, sid) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(session.token_hash)
        .bind(session.public_id)
        .bind(session.user_id)
        .bind(session.tenant_id)
        .bind(App::Client.as_str())
        .bind(now)
        .bind(session.expires_at)
        .bind(session.idle_timeout_secs)
        .bind(session.ip)
        .bind(session.user_agent)
        .bind(session.parent_hash)
        .bind(session.method)
        .bind(session.auth_time)
        .bind(session.client_id)
        .bind(session.scope)
        .bind(session.sid)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// An app session with the person, their tenant and role.
    pub async fn app_session(&self, token_hash: &str) -> sqlx::Result<Option<AppSession>> {
        sqlx::query_as(
            "SELECT s.token_hash, s.public_id, s.client_id, s.user_id, u.subject, s.tenant_id, s.scope, s.sid, s.method, \
                    s.auth_time, s.expires_at, s.last_seen_at, s.idle_timeout_secs, s.parent_hash, u.display_name, \
                    u.email, u.login_name, u.status, t.slug AS tenant_slug, t.name AS tenant_name, r.name AS role, \
                    r.can_crm, r.can_service, r.can_admin \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id \
             JOIN roles r ON r.id = u.role_id WHERE s.token_hash = $1 AND s.client_id IS NOT NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn app_session_by_public_id(&self, public_id: &str) -> sqlx::Result<Option<AppSession>> {
        let hash: Option<String> =
            sqlx::query_scalar("SELECT token_hash FROM sessions WHERE public_id = $1 AND client_id IS NOT NULL")
                .bind(public_id)
                .fetch_optional(&self.pool)
                .await?;
        match hash {
            Some(hash) => self.app_session(&hash).await,
            None => Ok(None),
        }
    }

    /// Keeps an app session alive (a refresh).
    pub async fn touch_app_session(&self, token_hash: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn insert_refresh_token(
        &self,
        token_hash: &str,
        session_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO oidc_refresh_tokens (token_hash, session_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(session_hash)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Uses a refresh token up, in one statement; a second use is told apart.
    pub async fn use_refresh_token(&self, token_hash: &str, now: i64) -> sqlx::Result<RefreshUse> {
        let first: Option<String> = sqlx::query_scalar(
            "UPDATE oidc_refresh_tokens SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING session_hash",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(session) = first {
            return Ok(RefreshUse::First(session));
        }
        let again: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT session_hash, used_at FROM oidc_refresh_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match again {
            Some((session, Some(_))) => RefreshUse::Again(session),
            _ => RefreshUse::Unknown,
        })
    }

    /// The app session a refresh token belongs to, used or not.
    pub async fn refresh_token_session(&self, token_hash: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT session_hash FROM oidc_refresh_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
    }

    /// The app session of a refresh token that may still be used.
    pub async fn live_refresh_token_session(&self, token_hash: &str, now: i64) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar(
            "SELECT session_hash FROM oidc_refresh_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// The scope a person has let a client have, if any.
    pub async fn consent(&self, user_id: i64, client_id: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT scope FROM oidc_consents WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn grant_consent(&self, user_id: i64, client_id: &str, scope: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO oidc_consents (user_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET scope = $3, granted_at = $4",
        )
        .bind(user_id)
        .bind(client_id)
        .bind(scope)
        .bind(now)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Withdraws a consent; the app's sessions for the person end with it.
    pub async fn revoke_consent(&self, user_id: i64, client_id: &str) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM oidc_consents WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn consents_of_user(&self, user_id: i64) -> sqlx::Result<Vec<ConsentRow>> {
        sqlx::query_as(
            "SELECT c.client_id, k.name, c.scope, c.granted_at FROM oidc_consents c \
             JOIN oidc_clients k ON k.client_id = c.client_id WHERE c.user_id = $1 ORDER BY k.name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Back-channel logouts whose time has come, oldest first.
    pub async fn due_backchannel_logouts(&self, now: i64, limit: i64) -> sqlx::Result<Vec<BackchannelRow>> {
        sqlx::query_as(
            "SELECT id, client_id, subject, sid, attempts FROM backchannel_logouts \
             WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 AND claimed_until <= $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn claim_backchannel_logout(&self, id: i64, now: i64, until: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE backchannel_logouts SET claimed_until = $1 \
             WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL AND claimed_until <= $3",
        )
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records one delivery attempt: sent, to be tried again at `retry_at`, or given up.
    pub async fn backchannel_attempted(&self, id: i64, outcome: Delivery<'_>, now: i64) -> sqlx::Result<()> {
        let (sent, failed, next, error) = match outcome {
            Delivery::Sent => (Some(now), None, 0, None),
            Delivery::Retry { at, error } => (None, None, at, Some(error)),
            Delivery::GiveUp(error) => (None, Some(now), 0, Some(error)),
        };
        sqlx::query(
            "UPDATE backchannel_logouts SET attempts = attempts + 1, claimed_until = 0, sent_at = $1, failed_at = $2, \
             next_attempt_at = $3, last_error = $4 WHERE id = $5",
        )
        .bind(sent)
        .bind(failed)
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }
}

/// How one back-channel delivery went.
pub enum Delivery<'a> {
    Sent,
    Retry { at: i64, error: &'a str },
    GiveUp(&'a str),
}
