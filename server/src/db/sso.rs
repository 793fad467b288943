//! Single sign-on's storage: a tenant's providers and their email domains, the provider
//! identities linked to users, the logins in flight, and the tenant's sign-in policy.

use super::users::{insert_user, retire_links};
use super::{column, is_unique_violation, CreateUserError, Db, NewUser, TokenKind};
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

const PROVIDER_COLUMNS: &str = "id, tenant_id, name, preset, issuer, client_id, client_secret_sealed, scopes";

/// The provider's columns as `p.…`, for queries that join other tables.
fn qualified_provider_columns() -> String {
    PROVIDER_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ")
}

pub struct NewProvider<'a> {
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
    #[error("the tenant already has a provider of that name, or one of the domains belongs to a provider already")]
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
            "INSERT INTO sso_providers (tenant_id, name, preset, issuer, client_id, client_secret_sealed, scopes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
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
            sqlx::query("INSERT INTO sso_domains (domain, provider_id) VALUES ($1, $2)")
                .bind(domain)
                .bind(id)
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

    pub async fn provider_domains(&self, provider_id: i64) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar("SELECT domain FROM sso_domains WHERE provider_id = $1 ORDER BY domain")
            .bind(provider_id)
            .fetch_all(&self.pool)
            .await
    }

    /// The provider an email domain belongs to, when its tenant has password login off.
    pub async fn home_realm(&self, domain: &str) -> sqlx::Result<Option<ProviderRow>> {
        sqlx::query_as(&format!(
            "SELECT {} FROM sso_providers p JOIN sso_domains d ON d.provider_id = p.id \
             JOIN tenants t ON t.id = p.tenant_id WHERE d.domain = $1 AND t.password_login = 0",
            qualified_provider_columns()
        ))
        .bind(domain)
        .fetch_optional(&self.pool)
        .await
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
        for table in ["sso_domains", "sso_identities", "sso_attempts"] {
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
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(token_hash)
        .bind(attempt.provider_id)
        .bind(&attempt.state)
        .bind(&attempt.nonce)
        .bind(&attempt.pkce_verifier)
        .bind(&attempt.activation_token_hash)
        .bind(now)
        .bind(attempt.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The login in flight behind a browser's cookie, used up: a second callback finds nothing.
    pub async fn take_sso_attempt(&self, token_hash: &str, now: i64) -> sqlx::Result<Option<SsoAttempt>> {
        sqlx::query_as(
            "DELETE FROM sso_attempts WHERE token_hash = $1 AND expires_at > $2 \
             RETURNING provider_id, state, nonce, pkce_verifier, activation_token_hash, expires_at",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
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

    /// Links a provider identity to a user (their first login through it). `false` when the
    /// user is linked to another identity of that provider already, or the identity to
    /// another user.
    pub async fn link_identity(&self, provider_id: i64, subject: &str, user_id: i64, now: i64) -> sqlx::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO sso_identities (provider_id, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(provider_id)
        .bind(subject)
        .bind(user_id)
        .bind(now)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
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
        let mut tx = self.pool.begin().await?;
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
