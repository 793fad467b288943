//! Limits that several instances share (PostgreSQL): counters in fixed windows, and one
//! attempt at a time per user ID through a transaction-scoped advisory lock.

use super::Db;
use sqlx::{Any, Transaction};

/// Held while one attempt on a user ID is checked; the lock goes with the transaction, so a
/// request that is dropped half-way releases it too.
pub struct AttemptLock(#[allow(dead_code)] Transaction<'static, Any>);

impl Db {
    /// Events counted for the key in its current window (0 when it has none that is running).
    pub async fn window_count(&self, key: &str, window_secs: i64, now: i64) -> sqlx::Result<i64> {
        let count: Option<i64> =
            sqlx::query_scalar("SELECT count FROM rate_limits WHERE key = $1 AND window_start > $2")
                .bind(key)
                .bind(now - window_secs)
                .fetch_optional(&self.pool)
                .await?;
        Ok(count.unwrap_or(0))
    }

    /// Counts one event for `key` (a new window when the old one has run out) and returns the
    /// window's count after it, in one statement.
    pub async fn count_in_window(&self, key: &str, window_secs: i64, now: i64) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
               window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END \
             RETURNING count",
        )
        .bind(key)
        .bind(now)
        .bind(now - window_secs)
        .fetch_one(&self.pool)
        .await
    }

    /// Takes the advisory lock for `key` if no other instance (or request) holds it.
    pub async fn try_attempt_lock(&self, key: i64) -> sqlx::Result<Option<AttemptLock>> {
        let mut tx = self.pool.begin().await?;
        let taken: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)").bind(key).fetch_one(&mut *tx).await?;
        if taken {
            Ok(Some(AttemptLock(tx)))
        } else {
            tx.rollback().await?;
            Ok(None)
        }
    }
}
