//! What the retention sweeper deletes: rows whose purpose has passed.

use super::Db;

/// How many rows one sweep deleted, per table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub tokens: u64,
    pub mail: u64,
    pub audit: u64,
    pub devices: u64,
    pub limits: u64,
    pub choices: u64,
    /// Single sign-on logins that never came back from the provider, and links never proven.
    pub sso_attempts: u64,
    /// The provider's requests in flight, codes and refresh tokens past their time, and
    /// back-channel logouts delivered (or given up) long ago.
    pub provider: u64,
    /// Sign-ins that never gave their second step, and WebAuthn ceremonies never finished.
    pub second_steps: u64,
}

impl Swept {
    pub fn total(&self) -> u64 {
        self.sessions
            + self.tokens
            + self.mail
            + self.audit
            + self.devices
            + self.limits
            + self.choices
            + self.sso_attempts
            + self.provider
            + self.second_steps
    }
}

/// Delivered (or given up) messages are kept this long, for support.
pub const MAIL_KEEP_SECS: i64 = 30 * 24 * 3600;
/// A device cookie lives this long unused.
pub const DEVICE_KEEP_SECS: i64 = 400 * 24 * 3600;
/// No limit window is longer than this.
pub const LIMIT_KEEP_SECS: i64 = 3600;

impl Db {
    /// Deletes expired sessions, used or expired one-time tokens, messages sent or given up more
    /// than 30 days ago, audit rows older than `audit_keep_secs`, unused devices, spent limit
    /// windows, expired "Reset login" choices and single sign-on logins that never came back.
    /// Each table is swept on its own: one that fails (logged) does not keep the others.
    pub async fn sweep(&self, now: i64, audit_keep_secs: i64) -> sqlx::Result<Swept> {
        let run = |sql: &'static str, cutoff: i64| async move {
            match sqlx::query(sql).bind(cutoff).execute(&self.pool).await {
                Ok(done) => Ok::<u64, sqlx::Error>(done.rows_affected()),
                Err(err) => {
                    tracing::warn!(error = %err, sql, "a retention sweep step failed; it will try again");
                    Ok(0)
                }
            }
        };
        Ok(Swept {
            sessions: run(
                "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at + idle_timeout_secs <= $1",
                now,
            )
            .await?,
            tokens: run("DELETE FROM one_time_tokens WHERE expires_at <= $1 OR used_at IS NOT NULL", now).await?,
            mail: run(
                "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at <= $1) OR (failed_at IS NOT NULL AND failed_at <= $1)",
                now - MAIL_KEEP_SECS,
            )
            .await?,
            audit: run("DELETE FROM audit_events WHERE at <= $1", now - audit_keep_secs).await?,
            devices: run("DELETE FROM devices WHERE last_used_at <= $1", now - DEVICE_KEEP_SECS).await?,
            limits: run("DELETE FROM rate_limits WHERE window_start <= $1", now - LIMIT_KEEP_SECS).await?,
            choices: run("DELETE FROM tenant_choices WHERE expires_at <= $1", now - LIMIT_KEEP_SECS).await?,
            sso_attempts: run("DELETE FROM sso_attempts WHERE expires_at <= $1", now).await?
                + run("DELETE FROM sso_pending_links WHERE expires_at <= $1", now).await?,
            provider: run("DELETE FROM oidc_requests WHERE expires_at <= $1", now).await?
                + run("DELETE FROM oidc_codes WHERE expires_at <= $1", now - LIMIT_KEEP_SECS).await?
                + run("DELETE FROM oidc_refresh_tokens WHERE expires_at <= $1", now).await?
                + run(
                    "DELETE FROM backchannel_logouts WHERE (sent_at IS NOT NULL AND sent_at <= $1) \
                     OR (failed_at IS NOT NULL AND failed_at <= $1)",
                    now - MAIL_KEEP_SECS,
                )
                .await?,
            second_steps: run("DELETE FROM second_steps WHERE expires_at <= $1", now).await?
                + run("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1", now).await?,
        })
    }
}
