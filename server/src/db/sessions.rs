use super::Db;
use sqlx::FromRow;

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub public_id: &'a str,
    pub user_id: i64,
    pub tenant_id: i64,
    pub app: &'a str,
    pub expires_at: i64,
    pub idle_timeout_secs: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// A session with what every request needs to know about its user, tenant and role.
#[derive(Clone, Debug, FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub public_id: String,
    pub user_id: i64,
    pub tenant_id: i64,
    pub app: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub idle_timeout_secs: i64,
    pub display_name: String,
    pub login_name: String,
    pub status: String,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub can_crm: i64,
    pub can_service: i64,
    pub can_admin: i64,
}

/// One row of the sessions list.
#[derive(Clone, Debug, FromRow)]
pub struct SessionSummary {
    pub token_hash: String,
    pub public_id: String,
    pub app: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: String,
    pub user_agent: String,
}

impl Db {
    pub async fn insert_session(&self, session: &NewSession<'_>, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, public_id, user_id, tenant_id, app, created_at, last_seen_at, expires_at, \
             idle_timeout_secs, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10)",
        )
        .bind(session.token_hash)
        .bind(session.public_id)
        .bind(session.user_id)
        .bind(session.tenant_id)
        .bind(session.app)
        .bind(now)
        .bind(session.expires_at)
        .bind(session.idle_timeout_secs)
        .bind(session.ip)
        .bind(session.user_agent)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    pub async fn session_by_hash(&self, token_hash: &str) -> sqlx::Result<Option<SessionRecord>> {
        sqlx::query_as(
            "SELECT s.token_hash, s.public_id, s.user_id, s.tenant_id, s.app, s.created_at, s.last_seen_at, s.expires_at, \
                    s.idle_timeout_secs, u.display_name, u.login_name, u.status, t.slug AS tenant_slug, t.name AS tenant_name, \
                    r.can_crm, r.can_service, r.can_admin \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id JOIN roles r ON r.id = u.role_id \
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Ends one session; false when it had already ended.
    pub async fn delete_session(&self, token_hash: &str) -> sqlx::Result<bool> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    /// A user's live sessions (of every app), oldest first. Expired ones are left out.
    pub async fn sessions_of_user(&self, user_id: i64, now: i64) -> sqlx::Result<Vec<SessionSummary>> {
        sqlx::query_as(
            "SELECT token_hash, public_id, app, created_at, last_seen_at, ip, user_agent FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 AND last_seen_at + idle_timeout_secs > $2 ORDER BY created_at, public_id",
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

    /// Ends every session of a user but one (or all, with `keep` None); returns how many ended.
    pub async fn delete_user_sessions(&self, user_id: i64, keep: Option<&str>) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
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
