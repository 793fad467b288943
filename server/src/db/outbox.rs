//! The outbox: every email is a row first, written in the same transaction as the change that
//! causes it. The sender (`crate::mail`) delivers rows, retries with backoff, and marks them.

use super::{column, Db};
use app::domain::LinkKind;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

/// What a message is about: a link (minted when the message is delivered) or the notice that
/// a password changed. The sender renders it in the recipient's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    Link(LinkKind),
    PasswordChanged,
    /// The code of "Reset login" (its tenant choice in the row's `data`).
    TenantCode,
    /// A code that proves an account before a provider identity is linked to it (the pending
    /// link in the row's `data`).
    LinkCode,
    /// A new sign-in method was linked to the account (the provider's name in `data`).
    IdentityLinked,
    /// A recovery code was used to sign in.
    RecoveryCodeUsed,
    /// An administrator removed every second factor of the account.
    TwoStepReset,
    /// A passkey was added to the account (it logs in by itself).
    PasskeyAdded,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Link(kind) => kind.as_str(),
            MailKind::PasswordChanged => "password-changed",
            MailKind::TenantCode => "tenant-code",
            MailKind::LinkCode => "link-code",
            MailKind::IdentityLinked => "identity-linked",
            MailKind::RecoveryCodeUsed => "recovery-code-used",
            MailKind::TwoStepReset => "two-step-reset",
            MailKind::PasskeyAdded => "passkey-added",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "password-changed" => Some(MailKind::PasswordChanged),
            "tenant-code" => Some(MailKind::TenantCode),
            "link-code" => Some(MailKind::LinkCode),
            "identity-linked" => Some(MailKind::IdentityLinked),
            "recovery-code-used" => Some(MailKind::RecoveryCodeUsed),
            "two-step-reset" => Some(MailKind::TwoStepReset),
            "passkey-added" => Some(MailKind::PasskeyAdded),
            _ => LinkKind::parse(raw).map(MailKind::Link),
        }
    }
}

impl std::str::FromStr for MailKind {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        MailKind::parse(raw).ok_or_else(|| format!("unknown mail kind {raw:?}"))
    }
}

#[derive(Clone, Debug)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: MailKind,
    pub user_id: i64,
    pub recipient: String,
    pub language: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
    pub data: Option<String>,
}

impl FromRow<'_, AnyRow> for OutboxRow {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(OutboxRow {
            id: row.try_get("id")?,
            kind: column(row, "kind")?,
            user_id: row.try_get("user_id")?,
            recipient: row.try_get("recipient")?,
            language: row.try_get("language")?,
            created_at: row.try_get("created_at")?,
            attempts: row.try_get("attempts")?,
            next_attempt_at: row.try_get("next_attempt_at")?,
            sent_at: row.try_get("sent_at")?,
            failed_at: row.try_get("failed_at")?,
            last_error: row.try_get("last_error")?,
            data: row.try_get("data")?,
        })
    }
}

const COLUMNS: &str =
    "id, kind, user_id, recipient, language, created_at, attempts, next_attempt_at, sent_at, failed_at, last_error, data";

pub(super) async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    kind: MailKind,
    user_id: i64,
    recipient: &str,
    language: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    enqueue_with(tx, kind, user_id, recipient, language, None, now).await
}

pub(super) async fn enqueue_with(
    tx: &mut Transaction<'_, Any>,
    kind: MailKind,
    user_id: i64,
    recipient: &str,
    language: Option<&str>,
    data: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (kind, user_id, recipient, language, created_at, next_attempt_at, data) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(kind.as_str())
    .bind(user_id)
    .bind(recipient)
    .bind(language.unwrap_or("en"))
    .bind(now)
    .bind(data)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

impl Db {
    /// Messages waiting for delivery whose time has come, oldest first.
    pub async fn due_mail(&self, now: i64, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
             AND next_attempt_at <= $1 AND claimed_until <= $1 ORDER BY id LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Takes a message for delivery until `until`; false when another instance has it.
    pub async fn claim_mail(&self, id: i64, now: i64, until: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL AND claimed_until <= $3",
        )
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mail_sent(&self, id: i64, now: i64) -> sqlx::Result<()> {
        // A message voided while it was being sent (its link retired by a password change)
        // stays voided.
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = 0, last_error = NULL \
             WHERE id = $2 AND failed_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    pub async fn mail_retry(&self, id: i64, next_attempt_at: i64, error: &str) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = 0, last_error = $2 WHERE id = $3",
        )
        .bind(next_attempt_at)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The message cannot be delivered (the mail server refused it for good, or it no longer
    /// applies); it stays in the table with the reason.
    pub async fn mail_failed(&self, id: i64, now: i64, reason: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE outbox SET failed_at = $1, attempts = attempts + 1, claimed_until = 0, last_error = $2 WHERE id = $3")
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// A user's messages, newest first (for the command line and tests).
    pub async fn mail_of_user(&self, user_id: i64) -> sqlx::Result<Vec<OutboxRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM outbox WHERE user_id = $1 ORDER BY id DESC"))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
    }
}
