use super::{column, flag, Db, UserStatus};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

/// The apps a session can belong to. A token of one app is never accepted by another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    Crm,
    Service,
    /// Settings and maintenance: its own login, for roles with the admin right.
    Settings,
    /// An app that signed in through Frontdoor as its OpenID provider (the session's client
    /// says which). It has no cookie here: the app holds its tokens.
    Client,
}

impl App {
    pub fn as_str(self) -> &'static str {
        match self {
            App::Crm => "crm",
            App::Service => "service",
            App::Settings => "settings",
            App::Client => "client",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [App::Crm, App::Service, App::Settings, App::Client].into_iter().find(|app| app.as_str() == raw)
    }
}

impl std::str::FromStr for App {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        App::parse(raw).ok_or_else(|| format!("unknown app {raw:?}"))
    }
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub public_id: &'a str,
    pub user_id: i64,
    pub tenant_id: i64,
    pub app: App,
    pub expires_at: i64,
    pub idle_timeout_secs: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// The session this one was handed off from; it ends with it.
    pub parent_hash: Option<&'a str>,
    /// How the person proved who they are (`pwd`, `sso`, `link`), and when.
    pub method: &'a str,
    pub auth_time: i64,
    /// When the sign-in's second factor was given, if it had one.
    pub second_factor_at: Option<i64>,
}

/// A user keeps at most this many sessions; the oldest goes when a new one would pass it.
/// Generous, so that a test suite's parallel workers logging in as one user never lose theirs.
pub const MAX_SESSIONS_PER_USER: i64 = 256;

/// What a role allows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rights {
    pub crm: bool,
    pub service: bool,
    pub admin: bool,
}

impl Rights {
    pub fn allows(&self, app: App) -> bool {
        match app {
            // The suite's apps sign in with the CRM right.
            App::Crm | App::Client => self.crm,
            App::Service => self.service,
            App::Settings => self.admin,
        }
    }

    pub(super) fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(Rights { crm: flag(row, "can_crm")?, service: flag(row, "can_service")?, admin: flag(row, "can_admin")? })
    }
}

/// A session with what every request needs to know about its user, tenant and role.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub token_hash: String,
    pub public_id: String,
    pub user_id: i64,
    pub tenant_id: i64,
    pub app: App,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub idle_timeout_secs: i64,
    pub display_name: String,
    pub login_name: String,
    pub status: UserStatus,
    /// The password is a temporary one an administrator set: it must be changed first.
    pub must_change_password: bool,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub rights: Rights,
    pub parent_hash: Option<String>,
    /// How the person proved who they are (`pwd`, `sso`, `link`), and when.
    pub method: String,
    pub auth_time: i64,
    /// When the sign-in's second factor was given, if it had one (step-up reads it).
    pub second_factor_at: Option<i64>,
    /// The tenant's two-step policy, and whether it asks its provider's users too.
    pub tenant_two_step: super::TwoStepPolicy,
    pub tenant_two_step_for_sso: bool,
    /// The role's user level (0 is the most powerful).
    pub user_level: i64,
    /// When the session it was handed off from (if any) times out: its absolute limit, and
    /// its idle limit as of its last use.
    pub parent_expires_at: Option<i64>,
    pub parent_idle_until: Option<i64>,
}

impl SessionRecord {
    /// Whether the tenant's two-step policy, as it is now, lets this session open `app`: a
    /// session of Settings and maintenance where a second factor is required must have had one
    /// (a policy made stricter applies to sessions already open). Everyone else's grace logins
    /// are a matter for the sign-in, not for each request.
    pub fn meets_two_step_policy(&self) -> bool {
        let exempt = self.method.starts_with("passkey")
            || self.second_factor_at.is_some()
            || (self.method.starts_with("sso") && !self.tenant_two_step_for_sso)
            || self.parent_hash.is_some();
        exempt || !(self.app == App::Settings && self.tenant_two_step.requires(App::Settings))
    }

    pub fn is_expired(&self, now: i64) -> bool {
        let parent_expired = self.parent_hash.is_some()
            && (self.parent_expires_at.is_none_or(|at| now >= at) || self.parent_idle_until.is_none_or(|at| now >= at));
        now >= self.expires_at || now >= self.last_seen_at + self.idle_timeout_secs || parent_expired
    }
}

impl FromRow<'_, AnyRow> for SessionRecord {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(SessionRecord {
            token_hash: row.try_get("token_hash")?,
            public_id: row.try_get("public_id")?,
            user_id: row.try_get("user_id")?,
            tenant_id: row.try_get("tenant_id")?,
            app: column(row, "app")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            expires_at: row.try_get("expires_at")?,
            idle_timeout_secs: row.try_get("idle_timeout_secs")?,
            display_name: row.try_get("display_name")?,
            login_name: row.try_get("login_name")?,
            status: column(row, "status")?,
            must_change_password: flag(row, "must_change_password")?,
            tenant_slug: row.try_get("tenant_slug")?,
            tenant_name: row.try_get("tenant_name")?,
            rights: Rights::from_row(row)?,
            parent_hash: row.try_get("parent_hash")?,
            method: row.try_get("method")?,
            auth_time: row.try_get("auth_time")?,
            second_factor_at: row.try_get("second_factor_at")?,
            tenant_two_step: column(row, "tenant_two_step")?,
            tenant_two_step_for_sso: flag(row, "tenant_two_step_for_sso")?,
            user_level: row.try_get("user_level")?,
            parent_expires_at: row.try_get("parent_expires_at")?,
            parent_idle_until: row.try_get("parent_idle_until")?,
        })
    }
}

/// One row of the sessions list.
#[derive(Clone, Debug)]
pub struct SessionSummary {
    pub token_hash: String,
    pub public_id: String,
    pub app: App,
    /// An app's session: the app's name.
    pub client_name: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: String,
    pub user_agent: String,
}

impl FromRow<'_, AnyRow> for SessionSummary {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(SessionSummary {
            token_hash: row.try_get("token_hash")?,
            public_id: row.try_get("public_id")?,
            app: column(row, "app")?,
            client_name: row.try_get("client_name")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            ip: row.try_get("ip")?,
            user_agent: row.try_get("user_agent")?,
        })
    }
}

impl Db {
    /// Stores a new session; past [`MAX_SESSIONS_PER_USER`] the user's oldest ones end.
    pub async fn insert_session(&self, session: &NewSession<'_>, now: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, public_id, user_id, tenant_id, app, created_at, last_seen_at, expires_at, \
             idle_timeout_secs, ip, user_agent, parent_hash, method, auth_time, second_factor_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(session.token_hash)
        .bind(session.public_id)
        .bind(session.user_id)
        .bind(session.tenant_id)
        .bind(session.app.as_str())
        .bind(now)
        .bind(session.expires_at)
        .bind(session.idle_timeout_secs)
        .bind(session.ip)
        .bind(session.user_agent)
        .bind(session.parent_hash)
        .bind(session.method)
        .bind(session.auth_time)
        .bind(session.second_factor_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE user_id = $1 \
             ORDER BY created_at DESC, token_hash LIMIT 1000000 OFFSET $2)",
        )
        .bind(session.user_id)
        .bind(MAX_SESSIONS_PER_USER)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The session with this token hash, with its user, tenant, role and (for a handed-off
    /// session) its parent's limits. A parent that was deleted leaves `parent_hash` dangling
    /// only for an instant: the foreign key deletes the child with it.
    pub async fn session_by_hash(&self, token_hash: &str) -> sqlx::Result<Option<SessionRecord>> {
        sqlx::query_as(
            "SELECT s.token_hash, s.public_id, s.user_id, s.tenant_id, s.app, s.created_at, s.last_seen_at, s.expires_at, \
                    s.idle_timeout_secs, s.parent_hash, s.method, s.auth_time, s.second_factor_at, u.display_name, u.login_name, u.status, u.must_change_password, \
                    t.slug AS tenant_slug, t.name AS tenant_name, t.two_step AS tenant_two_step, \
                    t.two_step_for_sso AS tenant_two_step_for_sso, r.can_crm, r.can_service, r.can_admin, r.user_level, \
                    p.expires_at AS parent_expires_at, p.last_seen_at + p.idle_timeout_secs AS parent_idle_until \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id \
             JOIN roles r ON r.id = u.role_id LEFT JOIN sessions p ON p.token_hash = s.parent_hash \
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    /// Marks a session (and the session it was handed off from: working in Service keeps the
    /// CRM session alive) as seen now.
    pub async fn touch_session(&self, token_hash: &str, parent_hash: Option<&str>, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE (token_hash = $2 OR token_hash = $3) AND last_seen_at < $1",
        )
        .bind(now)
        .bind(token_hash)
        .bind(parent_hash.unwrap_or(token_hash))
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Ends one session (and every session handed off from it); false when it had already ended.
    pub async fn delete_session(&self, token_hash: &str) -> sqlx::Result<bool> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    /// A user's live sessions (of every app), oldest first. Expired ones are left out.
    pub async fn sessions_of_user(&self, user_id: i64, now: i64) -> sqlx::Result<Vec<SessionSummary>> {
        sqlx::query_as(
            "SELECT s.token_hash, s.public_id, s.app, c.name AS client_name, s.created_at, s.last_seen_at, s.ip, s.user_agent \
             FROM sessions s LEFT JOIN oidc_clients c ON c.client_id = s.client_id \
             WHERE s.user_id = $1 AND s.expires_at > $2 AND s.last_seen_at + s.idle_timeout_secs > $2 \
             ORDER BY s.created_at, s.public_id",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
    }

    /// Ends one of a user's sessions by its public id; false when there was none.
    pub async fn delete_user_session(&self, user_id: i64, public_id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND public_id = $2")
            .bind(user_id)
            .bind(public_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of a user but one and those handed off from it (or all, with `keep`
    /// None); returns how many ended.
    pub async fn delete_user_sessions(&self, user_id: i64, keep: Option<&str>) -> sqlx::Result<u64> {
        let keep = keep.unwrap_or("");
        let done = sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 AND (parent_hash IS NULL OR parent_hash <> $2)",
        )
        .bind(user_id)
        .bind(keep)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn count_sessions(&self, user_id: i64) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1").bind(user_id).fetch_one(&self.pool).await
    }

    /// Test support: whether a hash (or a raw token, which must never match) is stored.
    pub async fn session_exists(&self, token_hash: &str) -> sqlx::Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}
