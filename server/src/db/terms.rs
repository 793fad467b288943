use super::Db;
use sqlx::FromRow;

/// One published version of the Terms of Service.
#[derive(Clone, Debug, FromRow)]
pub struct TermsVersion {
    pub version: i64,
    pub html: String,
    pub published_at: i64,
}

impl Db {
    /// Publishes the next version; returns its number.
    pub async fn publish_terms(&self, markdown: &str, html: &str, now: i64) -> sqlx::Result<i64> {
        let mut tx = self.pool.begin().await?;
        let next: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM terms_versions").fetch_one(&mut *tx).await?;
        sqlx::query("INSERT INTO terms_versions (version, markdown, html, published_at) VALUES ($1, $2, $3, $4)")
            .bind(next)
            .bind(markdown)
            .bind(html)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Every version, oldest first.
    pub async fn terms_versions(&self) -> sqlx::Result<Vec<TermsVersion>> {
        sqlx::query_as("SELECT version, html, published_at FROM terms_versions ORDER BY version")
            .fetch_all(&self.pool)
            .await
    }

    /// The latest version, when the user has not accepted it yet.
    pub async fn pending_terms(&self, user_id: i64) -> sqlx::Result<Option<TermsVersion>> {
        sqlx::query_as(
            "SELECT v.version, v.html, v.published_at FROM terms_versions v \
             WHERE v.version = (SELECT MAX(version) FROM terms_versions) \
             AND NOT EXISTS (SELECT 1 FROM terms_acceptances a WHERE a.user_id = $1 AND a.version = v.version)",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Records the acceptance; false when this version was accepted already.
    pub async fn accept_terms(&self, user_id: i64, version: i64, ip: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO terms_acceptances (user_id, version, accepted_at, ip) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, version) DO NOTHING",
        )
        .bind(user_id)
        .bind(version)
        .bind(now)
        .bind(ip)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
