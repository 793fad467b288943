use super::Db;
use sqlx::FromRow;

/// One line of the append-only audit trail, as stored (the `audit` flow names the events).
#[derive(Clone, Debug, Default)]
pub struct AuditRecord<'a> {
    pub tenant_id: Option<i64>,
    pub user_id: Option<i64>,
    /// What the actor typed or was known as (a login name), when there is no user id.
    pub subject: Option<&'a str>,
    pub event: &'a str,
    pub outcome: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub detail: Option<&'a str>,
    /// The administrator who did it, when it was not the user themself.
    pub actor_id: Option<i64>,
}

#[derive(Clone, Debug, FromRow)]
pub struct AuditRow {
    pub at: i64,
    pub user_id: Option<i64>,
    pub subject: Option<String>,
    pub event: String,
    pub outcome: String,
    pub ip: Option<String>,
}

impl Db {
    pub async fn audit(&self, event: &AuditRecord<'_>, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO audit_events (at, tenant_id, user_id, subject, event, outcome, ip, user_agent, detail, actor_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(now)
        .bind(event.tenant_id)
        .bind(event.user_id)
        .bind(event.subject)
        .bind(event.event)
        .bind(event.outcome)
        .bind(event.ip)
        .bind(event.user_agent.map(|ua| ua.chars().take(400).collect::<String>()))
        .bind(event.detail)
        .bind(event.actor_id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The most recent events, newest first.
    pub async fn recent_audit(&self, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as("SELECT at, user_id, subject, event, outcome, ip FROM audit_events ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
    }

    /// How many events carry this detail (test support).
    pub async fn recent_audit_details(&self, detail: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE detail = $1")
            .bind(detail)
            .fetch_one(&self.pool)
            .await
    }
}
