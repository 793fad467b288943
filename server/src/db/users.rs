use super::{is_unique_violation, Db};
use sqlx::FromRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Invited,
    Active,
    Deactivated,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "invited" => Some(UserStatus::Invited),
            "active" => Some(UserStatus::Active),
            "deactivated" => Some(UserStatus::Deactivated),
            _ => None,
        }
    }
}

/// A user as stored. Deliberately not `Debug`: it carries the password hash.
#[derive(Clone, FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub tenant_id: i64,
    pub role_id: i64,
    pub login_name: String,
    pub email: Option<String>,
    pub display_name: String,
    pub status: String,
    pub password_hash: Option<String>,
    pub failure_streak: i64,
    pub locked_until: i64,
    pub failure_window_start: i64,
    pub failure_window_count: i64,
}

impl UserRecord {
    pub fn status(&self) -> Option<UserStatus> {
        UserStatus::parse(&self.status)
    }
}

/// One row of `frontdoor user list`.
#[derive(Clone, Debug, FromRow)]
pub struct UserListing {
    pub login_name: String,
    pub display_name: String,
    pub status: String,
    pub role: String,
}

pub struct NewUser<'a> {
    pub tenant_id: i64,
    pub role_id: i64,
    pub login_name: &'a str,
    pub email: Option<&'a str>,
    pub display_name: &'a str,
    pub status: UserStatus,
    pub password_hash: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("the tenant already has a user {0:?}")]
    Duplicate(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

const USER_COLUMNS: &str = "id, tenant_id, role_id, login_name, email, display_name, status, password_hash, \
     failure_streak, locked_until, failure_window_start, failure_window_count";

impl Db {
    pub async fn create_user(&self, user: &NewUser<'_>, now: i64) -> Result<i64, CreateUserError> {
        sqlx::query_scalar(
            "INSERT INTO users (tenant_id, role_id, login_name, email, display_name, status, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(user.tenant_id)
        .bind(user.role_id)
        .bind(user.login_name)
        .bind(user.email)
        .bind(user.display_name)
        .bind(user.status.as_str())
        .bind(user.password_hash.as_deref())
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                CreateUserError::Duplicate(user.login_name.to_string())
            } else {
                e.into()
            }
        })
    }

    /// The users with this login name: in one tenant, or (at most a handful) across tenants.
    pub async fn users_by_login(&self, login_name: &str, tenant_id: Option<i64>) -> sqlx::Result<Vec<UserRecord>> {
        match tenant_id {
            Some(tenant_id) => {
                sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND login_name = $2"))
                    .bind(tenant_id)
                    .bind(login_name)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE login_name = $1 ORDER BY id LIMIT 5"))
                    .bind(login_name)
                    .fetch_all(&self.pool)
                    .await
            }
        }
    }

    pub async fn user_listing(&self, tenant_id: i64) -> sqlx::Result<Vec<UserListing>> {
        sqlx::query_as(
            "SELECT u.login_name, u.display_name, u.status, r.name AS role FROM users u \
             JOIN roles r ON r.id = u.role_id WHERE u.tenant_id = $1 ORDER BY u.login_name",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Changes a user's status; deactivation ends all their sessions in the same transaction.
    /// Returns false when there is no such user.
    pub async fn set_user_status(
        &self,
        tenant_id: i64,
        login_name: &str,
        status: UserStatus,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND login_name = $4 RETURNING id",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(tenant_id)
        .bind(login_name)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else { return Ok(false) };
        if status != UserStatus::Active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn save_login_failures(&self, user_id: i64, lockout: &crate::login::Lockout) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE users SET failure_streak = $1, locked_until = $2, failure_window_start = $3, failure_window_count = $4 \
             WHERE id = $5",
        )
        .bind(lockout.streak)
        .bind(lockout.locked_until)
        .bind(lockout.window_start)
        .bind(lockout.window_count)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }
}
