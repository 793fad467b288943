//! Single sign-on's storage: a tenant's providers and their email domains, the provider
//! identities linked to users, the logins in flight, and the tenant's sign-in policy.

use super::outbox::{enqueue_with, MailKind};
use super::tenant_choices::CodeCheck;
use super::users::{insert_user, retire_links};
use super::{column, is_unique_violation, CreateUserError, Db, NewUser, TokenKind, UserRecord};
use app::model::LinkKind;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

/// What a tenant does with a provider login that matches no user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsoStrategy {
    /// Existing active users only (the default): anyone else is refused.
    Existing,
    /// Create the user on their first login, with the tenant's default role.
    Create,
}

impl SsoStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            SsoStrategy::Existing => "existing",
            SsoStrategy::Create => "create",
        }
    }
}

impl std::str::FromStr for SsoStrategy {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw {
            "existing" => Ok(SsoStrategy::Existing),
            "create" => Ok(SsoStrategy::Create),
            other => Err(format!("unknown single sign-on strategy {other:?}")),
        }
    }
}

/// A tenant's sign-in policy.
#[derive(Clone, Debug)]
pub struct SignInPolicy {
    pub strategy: SsoStrategy,
    /// The role of users created on their first login; `None` means "User".
    pub default_role_id: Option<i64>,
    pub password_login: bool,
}

impl FromRow<'_, AnyRow> for SignInPolicy {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(SignInPolicy {
            strategy: column(row, "sso_strategy")?,
            default_role_id: row.try_get("sso_default_role_id")?,
            password_login: row.try_get::<i64, _>("password_login")? != 0,
        })
    }
}

/// The presets fill in a provider's issuer and scopes; `oidc` is any issuer with discovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Microsoft,
    Google,
    Oidc,
}

impl Preset {
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Microsoft => "microsoft",
            Preset::Google => "google",
            Preset::Oidc => "oidc",
        }
    }
}

impl std::str::FromStr for Preset {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw {
            "microsoft" => Ok(Preset::Microsoft),
            "google" => Ok(Preset::Google),
            "oidc" => Ok(Preset::Oidc),
            other => Err(format!("unknown preset {other:?}")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProviderRow {
    pub id: i64,
    /// What forms and addresses call the provider (its redirect URI ends with it): random, so
    /// that nobody can list every tenant's providers.
    pub public_id: String,
    pub tenant_id: i64,
    pub name: String,
    pub preset: Preset,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: String,
    /// Space-separated, `openid` included.
    pub scopes: String,
}

impl FromRow<'_, AnyRow> for ProviderRow {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(ProviderRow {
            id: row.try_get("id")?,
            public_id: row.try_get("public_id")?,
            tenant_id: row.try_get("tenant_id")?,
            name: row.try_get("name")?,
            preset: column(row, "preset")?,
            issuer: row.try_get("issuer")?,
            client_id: row.try_get("client_id")?,
            client_secret_sealed: row.try_get("client_secret_sealed")?,
            scopes: row.try_get("scopes")?,
        })
    }
}

const PROVIDER_COLUMNS: &str =
    "id, public_id, tenant_id, name, preset, issuer, client_id, client_secret_sealed, scopes";

/// The provider's columns as `p.…`, for queries that join other tables.
fn qualified_provider_columns() -> String {
    PROVIDER_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ")
}

pub struct NewProvider<'a> {
    pub public_id: &'a str,
    pub tenant_id: i64,
    pub name: &'a str,
    pub preset: Preset,
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret_sealed: &'a str,
    pub scopes: &'a str,
    pub domains: &'a [String],
}

#[derive(Debug, thiserror::Error)]
pub enum AddProviderError {
    #[error(
        "the tenant already has a provider of that name, or one of the domains belongs to another of its providers"
    )]
    Duplicate,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A login sent to a provider: what the callback checks the answer against.
#[derive(Clone, Debug, FromRow)]
pub struct SsoAttempt {
    pub provider_id: i64,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub activation_token_hash: Option<String>,
    pub expires_at: i64,
    /// Where to go once signed in (an app's sign-in in flight), if not the start page.
    pub return_to: Option<String>,
}

/// Why an activation through a provider did not go through.
#[derive(Debug, PartialEq, Eq)]
pub enum SsoActivation {
    Activated,
    /// The link was used, expired or replaced meanwhile, or the user is no longer invited.
    LinkInvalid,
    /// The provider identity is linked to another user of the tenant already.
    IdentityTaken,
}

impl Db {
    pub async fn add_provider(&self, provider: &NewProvider<'_>, now: i64) -> Result<i64, AddProviderError> {
        let duplicate = |e: sqlx::Error| if is_unique_violation(&e) { AddProviderError::Duplicate } else { e.into() };
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sso_providers (public_id, tenant_id, name, preset, issuer, client_id, client_secret_sealed, scopes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(provider.public_id)
        .bind(provider.tenant_id)
        .bind(provider.name)
        .bind(provider.preset.as_str())
        .bind(provider.issuer)
        .bind(provider.client_id)
        .bind(provider.client_secret_sealed)
        .bind(provider.scopes)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate)?;
        for domain in provider.domains {
            sqlx::query("INSERT INTO sso_tenant_domains (domain, provider_id, tenant_id) VALUES ($1, $2, $3)")
                .bind(domain)
                .bind(id)
                .bind(provider.tenant_id)
                .execute(&mut *tx)
                .await
                .map_err(duplicate)?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// A tenant's providers, in the order they were added.
    pub async fn providers_of_tenant(&self, tenant_id: i64) -> sqlx::Result<Vec<ProviderRow>> {
        sqlx::query_as(&format!("SELECT {PROVIDER_COLUMNS} FROM sso_providers WHERE tenant_id = $1 ORDER BY id"))
            .bind(tenant_id)
            .fetch_all(&self.pool)
            .await
    }

    /// The providers of the tenant with this slug (the login page's buttons), in one query.
    pub async fn providers_of_tenant_slug(&self, slug: &str) -> sqlx::Result<Vec<ProviderRow>> {
        sqlx::query_as(&format!(
            "SELECT {} FROM sso_providers p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = $1 ORDER BY p.id",
            qualified_provider_columns()
        ))
        .bind(slug)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn provider_by_id(&self, id: i64) -> sqlx::Result<Option<ProviderRow>> {
        sqlx::query_as(&format!("SELECT {PROVIDER_COLUMNS} FROM sso_providers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn provider_by_public_id(&self, public_id: &str) -> sqlx::Result<Option<ProviderRow>> {
        sqlx::query_as(&format!("SELECT {PROVIDER_COLUMNS} FROM sso_providers WHERE public_id = $1"))
            .bind(public_id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn provider_domains(&self, provider_id: i64) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar("SELECT domain FROM sso_tenant_domains WHERE provider_id = $1 ORDER BY domain")
            .bind(provider_id)
            .fetch_all(&self.pool)
            .await
    }

    /// The providers that claim an email domain in tenants with password login off, with
    /// their tenant's slug (a handful at most).
    pub async fn home_realm_claims(&self, domain: &str) -> sqlx::Result<Vec<(String, ProviderRow)>> {
        let rows: Vec<AnyRow> = sqlx::query(&format!(
            "SELECT t.slug AS tenant_slug, {} FROM sso_providers p JOIN sso_tenant_domains d ON d.provider_id = p.id \
             JOIN tenants t ON t.id = p.tenant_id WHERE d.domain = $1 AND t.password_login = 0 ORDER BY t.slug LIMIT 10",
            qualified_provider_columns()
        ))
        .bind(domain)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("tenant_slug")?, ProviderRow::from_row(row)?))).collect()
    }

    /// Removes a provider with its domains, linked identities and logins in flight.
    pub async fn remove_provider(&self, tenant_id: i64, name: &str) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM sso_providers WHERE tenant_id = $1 AND name = $2")
            .bind(tenant_id)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { return Ok(false) };
        for table in ["sso_tenant_domains", "sso_identities", "sso_attempts", "sso_pending_links"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE provider_id = $1")).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM sso_providers WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn sign_in_policy(&self, tenant_id: i64) -> sqlx::Result<Option<SignInPolicy>> {
        sqlx::query_as("SELECT sso_strategy, sso_default_role_id, password_login FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn set_sign_in_policy(&self, tenant_id: i64, policy: &SignInPolicy) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE tenants SET sso_strategy = $1, sso_default_role_id = $2, password_login = $3 WHERE id = $4",
        )
        .bind(policy.strategy.as_str())
        .bind(policy.default_role_id)
        .bind(i64::from(policy.password_login))
        .bind(tenant_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn insert_sso_attempt(&self, token_hash: &str, attempt: &SsoAttempt, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sso_attempts (token_hash, provider_id, state, nonce, pkce_verifier, activation_token_hash, \
             created_at, expires_at, return_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token_hash)
        .bind(attempt.provider_id)
        .bind(&attempt.state)
        .bind(&attempt.nonce)
        .bind(&attempt.pkce_verifier)
        .bind(&attempt.activation_token_hash)
        .bind(now)
        .bind(attempt.expires_at)
        .bind(&attempt.return_to)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The login in flight behind a browser's cookie, while it lasts (not used up: a callback
    /// whose provider or `state` is not this login's must not cancel it).
    pub async fn sso_attempt(&self, token_hash: &str, now: i64) -> sqlx::Result<Option<SsoAttempt>> {
        sqlx::query_as(
            "SELECT provider_id, state, nonce, pkce_verifier, activation_token_hash, expires_at, return_to FROM sso_attempts \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// Uses the login in flight up; false when another request took it first.
    pub async fn use_sso_attempt(&self, token_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM sso_attempts WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The user a provider identity is linked to.
    pub async fn identity_user(&self, provider_id: i64, subject: &str) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar("SELECT user_id FROM sso_identities WHERE provider_id = $1 AND subject = $2")
            .bind(provider_id)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn has_sso_identity(&self, user_id: i64) -> sqlx::Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT user_id FROM sso_identities WHERE user_id = $1 LIMIT 1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// Links a provider identity to a user and queues the "new sign-in method" notice, in one
    /// transaction. `false` when the user is linked to another identity of that provider
    /// already, or the identity to another user.
    pub async fn link_identity(&self, link: &IdentityLink<'_>, now: i64) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO sso_identities (provider_id, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(link.provider_id)
        .bind(link.subject)
        .bind(link.user.id)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
        sqlx::query("DELETE FROM sso_pending_links WHERE user_id = $1 AND provider_id = $2")
            .bind(link.user.id)
            .bind(link.provider_id)
            .execute(&mut *tx)
            .await?;
        let recipient = link.user.email.as_deref().unwrap_or(&link.user.login_name);
        if recipient.contains('@') {
            let kind = MailKind::IdentityLinked;
            let language = link.user.language.as_deref();
            enqueue_with(&mut tx, kind, link.user.id, recipient, language, Some(link.provider_name), now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A user created by their first login through a provider, with the identity linked, in one
    /// transaction.
    pub async fn create_sso_user(
        &self,
        user: &NewUser<'_>,
        provider_id: i64,
        subject: &str,
        now: i64,
    ) -> Result<i64, CreateUserError> {
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, user, now).await?;
        sqlx::query("INSERT INTO sso_identities (provider_id, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)")
            .bind(provider_id)
            .bind(subject)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An invited user activated through a provider: the link used up (and the user's other
    /// links retired), the account active, the identity linked, all or nothing.
    pub async fn activate_with_sso(
        &self,
        activation_token_hash: &str,
        user_id: i64,
        provider_id: i64,
        subject: &str,
        now: i64,
    ) -> sqlx::Result<SsoActivation> {
        let mut tx = self.pool.begin().await?;
        let redeemed: Option<i64> = sqlx::query_scalar(
            "UPDATE one_time_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1 AND user_id = $4 \
             RETURNING user_id",
        )
        .bind(now)
        .bind(activation_token_hash)
        .bind(TokenKind::Link(LinkKind::Activation).as_str())
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if redeemed.is_none() {
            return Ok(SsoActivation::LinkInvalid);
        }
        let activated =
            sqlx::query("UPDATE users SET status = 'active', updated_at = $1 WHERE id = $2 AND status = 'invited'")
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if activated.rows_affected() == 0 {
            return Ok(SsoActivation::LinkInvalid);
        }
        retire_links(&mut tx, user_id, "superseded by an activation through single sign-on", now).await?;
        let linked = sqlx::query(
            "INSERT INTO sso_identities (provider_id, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(provider_id)
        .bind(subject)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match linked {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(SsoActivation::IdentityTaken),
            Err(e) => return Err(e),
        }
        tx.commit().await?;
        Ok(SsoActivation::Activated)
    }
}

/// A provider identity about to be linked to a user.
pub struct IdentityLink<'a> {
    pub provider_id: i64,
    pub provider_name: &'a str,
    pub subject: &'a str,
    pub user: &'a UserRecord,
}

/// A provider identity waiting for the person to prove the account it would be linked to.
#[derive(Clone, Debug, FromRow)]
pub struct PendingLink {
    pub id: i64,
    pub provider_id: i64,
    pub subject: String,
    pub user_id: i64,
    pub expires_at: i64,
}

impl Db {
    /// A pending link for this browser's challenge; an older one of the same user and provider
    /// goes.
    pub async fn insert_pending_link(
        &self,
        challenge_hash: &str,
        provider_id: i64,
        subject: &str,
        user_id: i64,
        expires_at: i64,
        now: i64,
    ) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sso_pending_links WHERE user_id = $1 AND provider_id = $2")
            .bind(user_id)
            .bind(provider_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sso_pending_links (challenge_hash, provider_id, subject, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(challenge_hash)
        .bind(provider_id)
        .bind(subject)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn pending_link(&self, challenge_hash: &str, now: i64) -> sqlx::Result<Option<PendingLink>> {
        sqlx::query_as(
            "SELECT id, provider_id, subject, user_id, expires_at FROM sso_pending_links \
             WHERE challenge_hash = $1 AND expires_at > $2",
        )
        .bind(challenge_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// Queues the email with a code for pending link `id` (minted when it is delivered); a code
    /// asked for earlier stops working.
    pub async fn queue_link_code(&self, id: i64, user: &UserRecord, now: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE sso_pending_links SET code_hash = NULL, attempts = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let recipient = user.email.as_deref().unwrap_or(&user.login_name);
        let data = id.to_string();
        enqueue_with(&mut tx, MailKind::LinkCode, user.id, recipient, user.language.as_deref(), Some(&data), now)
            .await?;
        tx.commit().await
    }

    /// The challenge hash of pending link `id` (what its code's hash is bound to).
    pub async fn pending_link_challenge(&self, id: i64, now: i64) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT challenge_hash FROM sso_pending_links WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
    }

    /// Stores the hash of the code about to be emailed for pending link `id`.
    pub async fn store_link_code(&self, id: i64, code_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done =
            sqlx::query("UPDATE sso_pending_links SET code_hash = $1, attempts = 0 WHERE id = $2 AND expires_at > $3")
                .bind(code_hash)
                .bind(id)
                .bind(now)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Checks a code for a pending link in one statement: every try counts, and the right code
    /// among the first `max_attempts` proves the account.
    pub async fn check_link_code(
        &self,
        challenge_hash: &str,
        code_hash: &str,
        max_attempts: i64,
        now: i64,
    ) -> sqlx::Result<CodeCheck> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE sso_pending_links SET attempts = attempts + 1 \
             WHERE challenge_hash = $1 AND code_hash IS NOT NULL AND expires_at > $2 AND attempts < $3 \
             RETURNING attempts, CAST(CASE WHEN code_hash = $4 THEN 1 ELSE 0 END AS BIGINT) AS right_code",
        )
        .bind(challenge_hash)
        .bind(now)
        .bind(max_attempts)
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((_, 1)) => CodeCheck::Right,
            Some((attempts, _)) if attempts < max_attempts => CodeCheck::Wrong,
            _ => CodeCheck::Dead,
        })
    }

    /// Unlinks a user of the tenant from a provider; returns the provider's name, or None when
    /// there was no such link.
    pub async fn unlink_identity(
        &self,
        tenant_id: i64,
        user_id: i64,
        provider_public_id: &str,
    ) -> sqlx::Result<Option<String>> {
        let mut tx = self.pool.begin().await?;
        let provider: Option<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM sso_providers WHERE public_id = $1 AND tenant_id = $2")
                .bind(provider_public_id)
                .bind(tenant_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((provider_id, name)) = provider else { return Ok(None) };
        let done = sqlx::query("DELETE FROM sso_identities WHERE provider_id = $1 AND user_id = $2")
            .bind(provider_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((done.rows_affected() == 1).then_some(name))
    }
}
