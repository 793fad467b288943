//! "Reset login": the challenge a browser holds, the code emailed for it, and what it proves.

use super::outbox::{enqueue_with, MailKind};
use super::tenants::qualified_tenant_columns;
use super::{Db, Tenant, UserStatus};
use sqlx::FromRow;

/// One "Reset login" as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ChoiceRow {
    pub id: i64,
    pub email: String,
    pub expires_at: i64,
    pub verified_at: Option<i64>,
    pub retired_at: Option<i64>,
}

/// What a code typed against a challenge did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    Right,
    /// Wrong; the code still works for a few more tries.
    Wrong,
    /// Used, replaced, expired, or tried too often.
    Dead,
}

const COLUMNS: &str = "id, email, expires_at, verified_at, retired_at";

impl Db {
    /// A new challenge for `email`: older ones stop working, and when the address belongs to an
    /// active account its code is queued (minted when the message goes out). Returns whether a
    /// message was queued.
    pub async fn start_tenant_choice(
        &self,
        challenge_hash: &str,
        email: &str,
        lifetime_secs: i64,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE tenant_choices SET retired_at = $1 WHERE email = $2 AND retired_at IS NULL")
            .bind(now)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tenant_choices (challenge_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(challenge_hash)
        .bind(email)
        .bind(now)
        .bind(now + lifetime_secs)
        .fetch_one(&mut *tx)
        .await?;
        // The message goes to the address, in the language of its oldest active account.
        let account: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, language FROM users WHERE email = $1 AND status = $2 ORDER BY id LIMIT 1")
                .bind(email)
                .bind(UserStatus::Active.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((user_id, language)) = &account {
            let data = id.to_string();
            enqueue_with(&mut tx, MailKind::TenantCode, *user_id, email, language.as_deref(), Some(&data), now).await?;
        }
        tx.commit().await?;
        Ok(account.is_some())
    }

    pub async fn tenant_choice(&self, challenge_hash: &str) -> sqlx::Result<Option<ChoiceRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM tenant_choices WHERE challenge_hash = $1"))
            .bind(challenge_hash)
            .fetch_optional(&self.pool)
            .await
    }

    /// The challenge hash of choice `id` (what its code's hash is bound to).
    pub async fn tenant_choice_challenge(&self, id: i64) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT challenge_hash FROM tenant_choices WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// Stores the hash of the code about to be emailed for choice `id`; false when the choice
    /// no longer waits for one (replaced, expired, used).
    pub async fn store_tenant_code(&self, id: i64, code_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE tenant_choices SET code_hash = $1 WHERE id = $2 AND code_hash IS NULL AND retired_at IS NULL \
             AND verified_at IS NULL AND expires_at > $3",
        )
        .bind(code_hash)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Checks a code in one statement: every try counts (parallel guesses cannot all pass one
    /// check of the count), the right code among the first `max_attempts` is used up, and the
    /// `max_attempts`-th wrong one kills it.
    pub async fn check_tenant_code(
        &self,
        challenge_hash: &str,
        code_hash: &str,
        max_attempts: i64,
        now: i64,
    ) -> sqlx::Result<CodeCheck> {
        let row: Option<(i64, Option<i64>)> = sqlx::query_as(
            "UPDATE tenant_choices SET attempts = attempts + 1, \
               verified_at = CASE WHEN code_hash = $4 THEN $2 ELSE verified_at END \
             WHERE challenge_hash = $1 AND retired_at IS NULL AND verified_at IS NULL AND expires_at > $2 \
               AND attempts < $3 \
             RETURNING attempts, verified_at",
        )
        .bind(challenge_hash)
        .bind(now)
        .bind(max_attempts)
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((_, Some(_))) => CodeCheck::Right,
            Some((attempts, None)) if attempts < max_attempts => CodeCheck::Wrong,
            _ => CodeCheck::Dead,
        })
    }

    /// Ends a choice (a tenant was chosen).
    pub async fn retire_tenant_choice(&self, id: i64, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE tenant_choices SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The tenants where `email` is an active user, by name.
    pub async fn active_tenants_of(&self, email: &str) -> sqlx::Result<Vec<Tenant>> {
        sqlx::query_as(&format!(
            "SELECT {} FROM users u JOIN tenants t ON t.id = u.tenant_id \
             WHERE u.email = $1 AND u.status = $2 ORDER BY t.name, t.slug",
            qualified_tenant_columns()
        ))
        .bind(email)
        .bind(UserStatus::Active.as_str())
        .fetch_all(&self.pool)
        .await
    }
}
