//! Browsers that have logged in as a user before ("device cookies"): their attempts are
//! counted and soft-locked apart from unknown devices.

use super::Db;
use crate::softlock::Lockout;

/// A user's known devices are at most this many: every cookieless login adds one.
pub const MAX_DEVICES_PER_USER: i64 = 32;

/// A known device of one user, with its own soft lock.
#[derive(Clone, Debug)]
pub struct Device {
    pub token_hash: String,
    pub user_id: i64,
    pub lockout: Lockout,
}

impl Db {
    /// The device among `token_hashes` (what this browser carries) that belongs to a user with
    /// this login name, if any.
    pub async fn device_of(&self, login_name: &str, token_hashes: &[String]) -> sqlx::Result<Option<Device>> {
        for hash in token_hashes {
            let row: Option<(i64, i64, i64)> = sqlx::query_as(
                "SELECT d.user_id, d.failure_streak, d.locked_until FROM devices d JOIN users u ON u.id = d.user_id \
                 WHERE d.token_hash = $1 AND u.login_name = $2",
            )
            .bind(hash)
            .bind(login_name)
            .fetch_optional(&self.pool)
            .await?;
            if let Some((user_id, streak, locked_until)) = row {
                let lockout = Lockout { streak, locked_until, ..Lockout::default() };
                return Ok(Some(Device { token_hash: hash.clone(), user_id, lockout }));
            }
        }
        Ok(None)
    }

    /// Remembers a new device of the user; past [`MAX_DEVICES_PER_USER`] the least recently
    /// used ones are forgotten (their browsers count as unknown devices again).
    pub async fn insert_device(&self, token_hash: &str, user_id: i64, now: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO devices (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM devices WHERE token_hash IN (SELECT token_hash FROM devices WHERE user_id = $1 \
             ORDER BY last_used_at DESC, created_at DESC, token_hash LIMIT 1000000 OFFSET $2)",
        )
        .bind(user_id)
        .bind(MAX_DEVICES_PER_USER)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Records a device's attempt: its soft lock after it, and when it was last used.
    /// The soft lock's new counters: a known device's own, else the account's.
    pub async fn save_lockout(
        &self,
        user_id: i64,
        device: Option<&Device>,
        next: &Lockout,
        now: i64,
    ) -> sqlx::Result<()> {
        match device {
            Some(device) => self.save_device(&device.token_hash, next, now).await,
            None => self.save_login_failures(user_id, next).await,
        }
    }

    pub async fn save_device(&self, token_hash: &str, lockout: &Lockout, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE devices SET failure_streak = $1, locked_until = $2, last_used_at = $3 WHERE token_hash = $4",
        )
        .bind(lockout.streak)
        .bind(lockout.locked_until)
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }
}
