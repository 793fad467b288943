use super::Db;

/// The kinds of one-time token. A token only ever redeems as its own kind.
pub const SERVICE_HANDOFF: &str = "service-handoff";

impl Db {
    pub async fn insert_one_time_token(
        &self,
        token_hash: &str,
        kind: &str,
        user_id: i64,
        expires_at: i64,
        data: Option<&str>,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO one_time_tokens (token_hash, kind, user_id, created_at, expires_at, data) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(kind)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .bind(data)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Retires a user's unused tokens of one kind: a newer one replaces them.
    pub async fn retire_one_time_tokens(&self, user_id: i64, kind: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND kind = $3 AND used_at IS NULL")
            .bind(now)
            .bind(user_id)
            .bind(kind)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Uses a token up: succeeds once, only for its kind and only before it expires.
    /// Returns the user it was issued to and its data.
    pub async fn redeem_one_time_token(
        &self,
        token_hash: &str,
        kind: &str,
        now: i64,
    ) -> sqlx::Result<Option<(i64, Option<String>)>> {
        sqlx::query_as(
            "UPDATE one_time_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id, data",
        )
        .bind(now)
        .bind(token_hash)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await
    }
}
