//! Retention: a sweeper in every instance deletes what has served its purpose — expired
//! sessions, used or expired one-time tokens and tickets, messages sent (or given up) more
//! than 30 days ago, unused device cookies, spent limit windows, and audit rows older than
//! `--audit-days`. Without it every table would grow for ever.

use crate::clock::Clock;
use crate::db::{Db, Swept};
use std::time::Duration;

pub struct Sweeper {
    pub db: Db,
    pub clock: Clock,
    pub audit_keep_secs: i64,
    pub every: Duration,
}

impl Sweeper {
    /// One sweep; what it deleted.
    pub async fn sweep(&self) -> sqlx::Result<Swept> {
        self.db.sweep(self.clock.now(), self.audit_keep_secs).await
    }

    /// Sweeps every `every` until the process ends (several instances sweeping at once only
    /// find less to delete).
    pub async fn run(self) {
        loop {
            tokio::time::sleep(self.every).await;
            match self.sweep().await {
                Ok(swept) if swept.total() > 0 => tracing::info!(?swept, "retention sweep"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "the retention sweep failed; it will try again"),
            }
        }
    }
}
