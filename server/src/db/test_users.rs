//! Test mode's marks on the tenants and users it made (see `test_mode`).

use super::users::insert_user;
use super::{CreateUserError, Db, NewUser};

impl Db {
    pub async fn is_test_tenant(&self, tenant_id: i64) -> sqlx::Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT test_tenant FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some_and(|(flag,)| flag != 0))
    }

    /// Whether a user belongs to a test tenant (their mail is readable in test mode).
    pub async fn in_test_tenant(&self, user_id: i64) -> sqlx::Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT t.test_tenant FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some_and(|(flag,)| flag != 0))
    }

    /// A test user, made and marked in one transaction.
    pub async fn create_test_user(&self, user: &NewUser<'_>, now: i64) -> Result<i64, CreateUserError> {
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, user, now).await?;
        sqlx::query("UPDATE users SET test_user = 1 WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn is_test_user(&self, user_id: i64) -> sqlx::Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT test_user FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some_and(|(flag,)| flag != 0))
    }

    /// Whether every account with this login name is a test user (and there is one).
    pub async fn is_test_login(&self, login_name: &str) -> sqlx::Result<bool> {
        let (all, test): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN test_user <> 0 THEN 1 END) FROM users WHERE login_name = $1",
        )
        .bind(login_name)
        .fetch_one(&self.pool)
        .await?;
        Ok(all > 0 && all == test)
    }

    /// A test user made again: active, this role, name and password, no lock, no temporary
    /// password and no second factor. Its sessions live on: other workers may be using them.
    pub async fn reset_test_user(
        &self,
        user_id: i64,
        role_id: i64,
        display_name: &str,
        password_hash: &str,
        now: i64,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET role_id = $1, display_name = $2, password_hash = $3, status = 'active', \
             must_change_password = 0, failure_streak = 0, locked_until = 0, failure_window_start = 0, \
             failure_window_count = 0, updated_at = $4 WHERE id = $5 AND test_user = 1",
        )
        .bind(role_id)
        .bind(display_name)
        .bind(password_hash)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        for table in ["user_totp", "user_recovery_codes", "user_passkeys", "second_steps"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user_id).execute(&mut *tx).await?;
        }
        tx.commit().await
    }
}
