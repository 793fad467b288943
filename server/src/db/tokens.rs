use super::{Db, UserStatus};
use app::domain::LinkKind;
use sqlx::{Any, Executor};

/// The kinds of one-time token: an emailed link's, or a Service hand-off ticket. A token only
/// ever redeems as its own kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Link(LinkKind),
    ServiceHandoff,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Link(kind) => kind.as_str(),
            TokenKind::ServiceHandoff => "service-handoff",
        }
    }
}

impl Db {
    pub async fn insert_one_time_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
        user_id: i64,
        expires_at: i64,
        data: Option<&str>,
        now: i64,
    ) -> sqlx::Result<()> {
        insert_token(&self.pool, token_hash, kind, user_id, expires_at, data, now).await
    }

    /// Retires a user's unused tokens of one kind (all, or all but `keep`): a newer one
    /// replaces them.
    pub async fn retire_one_time_tokens(
        &self,
        user_id: i64,
        kind: TokenKind,
        keep: Option<&str>,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND kind = $3 AND used_at IS NULL AND token_hash <> $4",
        )
        .bind(now)
        .bind(user_id)
        .bind(kind.as_str())
        .bind(keep.unwrap_or(""))
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Stores a link about to be emailed for outbox message `outbox_id`, in one transaction
    /// with a last look at the message and its user: false (nothing stored) when the message
    /// was sent or voided meanwhile, or the account is no longer in the state the link is for
    /// (a password change since the request, say). Older links stay valid until this one has
    /// been delivered ([`Db::retire_one_time_tokens`] with `keep`).
    #[allow(clippy::too_many_arguments)]
    pub async fn store_link_for_mail(
        &self,
        outbox_id: i64,
        token_hash: &str,
        kind: TokenKind,
        user_id: i64,
        expires_at: i64,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        // Locks the message's row: a password change voiding it waits for this, or wins.
        let requested_at: Option<i64> = sqlx::query_scalar(
            "UPDATE outbox SET claimed_until = claimed_until WHERE id = $1 AND sent_at IS NULL AND failed_at IS NULL \
             RETURNING created_at",
        )
        .bind(outbox_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(requested_at) = requested_at else { return Ok(false) };
        let user: Option<(String, i64, i64)> =
            sqlx::query_as("SELECT status, password_changed_at, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let applies = match user.map(|(status, changed, has)| (UserStatus::parse(&status), changed, has == 1)) {
            Some((status, _, _)) if kind == TokenKind::Link(LinkKind::Activation) => {
                status == Some(UserStatus::Invited)
            }
            Some((status, changed_at, has_password)) => {
                status == Some(UserStatus::Active) && has_password && changed_at <= requested_at
            }
            None => false,
        };
        if !applies {
            return Ok(false);
        }
        insert_token(&mut *tx, token_hash, kind, user_id, expires_at, None, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A link that was never delivered stops working.
    pub async fn retire_token(&self, token_hash: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// The user a link belongs to, when it is still usable; does not use it up.
    pub async fn peek_one_time_token(&self, token_hash: &str, kind: TokenKind, now: i64) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT user_id FROM one_time_tokens WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(kind.as_str())
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// Uses a token up: succeeds once, only for its kind and only before it expires.
    /// Returns the user it was issued to and its data.
    pub async fn redeem_one_time_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
        now: i64,
    ) -> sqlx::Result<Option<(i64, Option<String>)>> {
        sqlx::query_as(
            "UPDATE one_time_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id, data",
        )
        .bind(now)
        .bind(token_hash)
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await
    }
}

async fn insert_token<'e>(
    executor: impl Executor<'e, Database = Any>,
    token_hash: &str,
    kind: TokenKind,
    user_id: i64,
    expires_at: i64,
    data: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, kind, user_id, created_at, expires_at, data) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(kind.as_str())
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(data)
    .execute(executor)
    .await
    .map(|_| ())
}
