//! What Settings and maintenance reads and changes: one tenant's users, roles and audit trail,
//! always scoped by the tenant, in pages. Changes that could leave a tenant without anyone who
//! can administer it are checked in the transaction that makes them.

use super::users::retire_links;
use super::{column, is_unique_violation, Db, DbKind, Role, UserStatus};
use app::domain::LinkKind;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

/// A page of the Users screen.
#[derive(Clone, Debug, Default)]
pub struct UserFilter<'a> {
    /// Part of the name or user ID, any case.
    pub search: Option<&'a str>,
    pub status: Option<UserStatus>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: i64,
    pub display_name: String,
    pub login_name: String,
    pub status: UserStatus,
    pub role_id: i64,
    pub role: String,
    pub last_login_at: Option<i64>,
    /// When the newest activation link expires (an invited user whose link has been sent).
    pub invitation_expires_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for UserRow {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(UserRow {
            id: row.try_get("id")?,
            display_name: row.try_get("display_name")?,
            login_name: row.try_get("login_name")?,
            status: column(row, "status")?,
            role_id: row.try_get("role_id")?,
            role: row.try_get("role")?,
            last_login_at: row.try_get("last_login_at")?,
            invitation_expires_at: row.try_get("invitation_expires_at")?,
        })
    }
}

/// A page of the audit log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter<'a> {
    pub user_id: Option<i64>,
    pub event: Option<&'a str>,
    /// From this time on (inclusive), before that one.
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct AuditEntry {
    pub at: i64,
    pub event: String,
    pub outcome: String,
    pub user_login: Option<String>,
    pub subject: Option<String>,
    pub actor_login: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
}

/// A change an administrator makes to a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserChange {
    Deactivate,
    Activate,
    Role(i64),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such user or role in this tenant")]
    NotFound,
    #[error("the tenant would have nobody left who can use Settings and maintenance")]
    LastAdmin,
    #[error("the name is taken")]
    Duplicate,
    #[error("the role has users")]
    InUse,
    #[error("single sign-on creates users with this role")]
    DefaultRole,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

enum Bind<'a> {
    Int(i64),
    Text(&'a str),
    Owned(String),
}

/// Matches in the trigram index up to which a search fetches and sorts them (see
/// `trigram_matches`).
const FEW_MATCHES: i64 = 2000;

/// `LIKE` pattern for "contains", lower case, with its wildcards escaped.
fn contains_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind<'q>],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            Bind::Int(n) => query.bind(*n),
            Bind::Text(s) => query.bind(*s),
            Bind::Owned(s) => query.bind(s.as_str()),
        };
    }
    query
}

impl Db {
    /// One page of a tenant's users, by name.
    pub async fn tenant_users(&self, tenant_id: i64, filter: &UserFilter<'_>) -> sqlx::Result<Vec<UserRow>> {
        let search = filter.search.filter(|s| !s.is_empty());
        // On SQLite, a search with few matches: their ids, from the trigram index.
        let few_matches = match search.and_then(|search| self.trigram_phrase(search)) {
            Some(phrase) => self.trigram_matches(&phrase).await?,
            None => None,
        };
        if few_matches.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let mut binds = vec![Bind::Int(tenant_id), Bind::Text(LinkKind::Activation.as_str())];
        // Those few are fetched by id: with the tenant bound, SQLite's planner would otherwise
        // walk the tenant's name index and test every user against them.
        let users = if few_matches.is_some() { "users u NOT INDEXED" } else { "users u" };
        let mut sql = format!(
            "SELECT u.id, u.display_name, u.login_name, u.status, u.role_id, r.name AS role, u.last_login_at, \
             (SELECT MAX(t.expires_at) FROM one_time_tokens t \
              WHERE t.user_id = u.id AND t.kind = $2 AND t.used_at IS NULL) AS invitation_expires_at \
             FROM {users} JOIN roles r ON r.id = u.role_id WHERE u.tenant_id = $1",
        );
        if let Some(status) = filter.status {
            binds.push(Bind::Text(status.as_str()));
            sql.push_str(&format!(" AND u.status = ${}", binds.len()));
        }
        match (search, &few_matches) {
            (Some(_), Some(ids)) => {
                // Integers, from the index: written into the statement, not bound.
                let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                sql.push_str(&format!(" AND u.id IN ({list})"));
            }
            (Some(search), None) => {
                // Login names are stored lower-cased already. On PostgreSQL the trigram index
                // over both columns (pg_trgm) serves the first LIKE; each column is checked too.
                binds.push(Bind::Owned(contains_pattern(search)));
                let n = binds.len();
                if self.kind == DbKind::Postgres {
                    sql.push_str(&format!(
                        " AND (u.login_name || E'\\n' || lower(u.display_name)) LIKE ${n} ESCAPE '\\'"
                    ));
                }
                sql.push_str(&format!(
                    " AND (u.login_name LIKE ${n} ESCAPE '\\' OR lower(u.display_name) LIKE ${n} ESCAPE '\\')"
                ));
            }
            (None, _) => {}
        }
        binds.push(Bind::Int(filter.limit));
        binds.push(Bind::Int(filter.offset));
        // Without a search, or with a broad one, the name index gives the page in order, the
        // pattern tested on each row it walks past (a fifth of the users matching: 250 rows
        // for the first page). PostgreSQL's planner makes that choice itself, between that and
        // its trigram indexes; on SQLite a search with few matches fetches and sorts them.
        sql.push_str(&format!(
            " ORDER BY lower(u.display_name), u.id LIMIT ${} OFFSET ${}",
            binds.len() - 1,
            binds.len()
        ));
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        rows.iter().map(UserRow::from_row).collect()
    }

    /// On SQLite, the search as an FTS5 phrase for the trigram index, as typed (quotes and FTS
    /// syntax are text); None where there is no such index or the search is shorter than a
    /// trigram.
    fn trigram_phrase(&self, search: &str) -> Option<String> {
        (self.kind == DbKind::Sqlite && search.chars().count() >= 3)
            .then(|| format!("\"{}\"", search.replace('"', "\"\"")))
    }

    /// The users (of every tenant) the trigram index finds, when they are few enough that
    /// fetching and sorting them beats walking the name index (about the square root of 50 ×
    /// 100,000); None when there are more.
    async fn trigram_matches(&self, phrase: &str) -> sqlx::Result<Option<Vec<i64>>> {
        let found: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT rowid FROM users_search WHERE users_search MATCH $1 LIMIT {}",
            FEW_MATCHES + 1
        ))
        .bind(phrase)
        .fetch_all(&self.pool)
        .await?;
        Ok((found.len() as i64 <= FEW_MATCHES).then_some(found))
    }

    /// A user of this tenant; None for a user of another tenant, as for no user at all.
    pub async fn tenant_user(&self, tenant_id: i64, user_id: i64) -> sqlx::Result<Option<super::UserRecord>> {
        Ok(self.user_by_id(user_id).await?.filter(|user| user.tenant_id == tenant_id))
    }

    /// The user level of a user of the tenant (their role's).
    pub async fn user_level(&self, tenant_id: i64, user_id: i64) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT r.user_level FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = $1 AND u.tenant_id = $2",
        )
        .bind(user_id)
        .bind(tenant_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// The identity providers linked to each of these users of the tenant: (user, provider's
    /// public id, provider's name).
    pub async fn identities_of_users(
        &self,
        tenant_id: i64,
        user_ids: &[i64],
    ) -> sqlx::Result<Vec<(i64, String, String)>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = user_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        sqlx::query_as(&format!(
            "SELECT i.user_id, p.public_id, p.name FROM sso_identities i JOIN sso_providers p ON p.id = i.provider_id \
             WHERE p.tenant_id = $1 AND i.user_id IN ({list}) ORDER BY p.name"
        ))
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await
    }

    /// The tenant's roles, each with how many users have it.
    pub async fn roles_in_use(&self, tenant_id: i64) -> sqlx::Result<Vec<(Role, i64)>> {
        let rows = sqlx::query(
            "SELECT r.id, r.name, r.user_level, r.can_crm, r.can_service, r.can_admin, \
             (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id) AS users \
             FROM roles r WHERE r.tenant_id = $1 ORDER BY r.user_level, r.name",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((Role::from_row(row)?, row.try_get("users")?))).collect()
    }

    /// A role of this tenant.
    pub async fn tenant_role(&self, tenant_id: i64, role_id: i64) -> sqlx::Result<Option<Role>> {
        sqlx::query_as(
            "SELECT id, name, user_level, can_crm, can_service, can_admin FROM roles WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(role_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Deactivates, activates or moves a user to another role of the tenant. Deactivation
    /// ends every session and retires every link of the user at once. Refused when the tenant
    /// would be left without an active user with the Settings-and-maintenance right.
    pub async fn change_user(
        &self,
        tenant_id: i64,
        user_id: i64,
        change: UserChange,
        now: i64,
    ) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let had_admin = has_admin(&mut tx, tenant_id).await?;
        let done = match change {
            UserChange::Deactivate => {
                sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4")
                    .bind(UserStatus::Deactivated.as_str())
                    .bind(now)
                    .bind(user_id)
                    .bind(tenant_id)
                    .execute(&mut *tx)
                    .await?
            }
            // Back to active; a user who never chose a password is invited again.
            UserChange::Activate => {
                sqlx::query(
                    "UPDATE users SET status = CASE WHEN status <> $1 THEN status \
                     WHEN password_hash IS NULL THEN $2 ELSE $3 END, updated_at = $4 WHERE id = $5 AND tenant_id = $6",
                )
                .bind(UserStatus::Deactivated.as_str())
                .bind(UserStatus::Invited.as_str())
                .bind(UserStatus::Active.as_str())
                .bind(now)
                .bind(user_id)
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?
            }
            UserChange::Role(role_id) => {
                sqlx::query(
                    "UPDATE users SET role_id = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4 \
                     AND EXISTS (SELECT 1 FROM roles WHERE id = $1 AND tenant_id = $4)",
                )
                .bind(role_id)
                .bind(now)
                .bind(user_id)
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() == 0 {
            return Err(ChangeError::NotFound);
        }
        if change == UserChange::Deactivate {
            for table in ["sessions", "second_steps"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user_id).execute(&mut *tx).await?;
            }
            retire_links(&mut tx, user_id, "the user was deactivated", now).await?;
        }
        if had_admin && !has_admin(&mut tx, tenant_id).await? {
            return Err(ChangeError::LastAdmin);
        }
        tx.commit().await?;
        Ok(())
    }

    /// A new role of the tenant.
    pub async fn add_role(&self, tenant_id: i64, role: &Role) -> Result<i64, ChangeError> {
        self.create_role(tenant_id, role).await.map_err(|e| {
            if is_unique_violation(&e) {
                ChangeError::Duplicate
            } else {
                e.into()
            }
        })
    }

    /// Renames a role, or changes its level or rights; the users who have it see the change at
    /// their next request.
    pub async fn update_role(&self, tenant_id: i64, role: &Role) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let had_admin = has_admin(&mut tx, tenant_id).await?;
        let done = sqlx::query(
            "UPDATE roles SET name = $1, user_level = $2, can_crm = $3, can_service = $4, can_admin = $5 \
             WHERE id = $6 AND tenant_id = $7",
        )
        .bind(&role.name)
        .bind(role.user_level)
        .bind(i64::from(role.rights.crm))
        .bind(i64::from(role.rights.service))
        .bind(i64::from(role.rights.admin))
        .bind(role.id)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| if is_unique_violation(&e) { ChangeError::Duplicate } else { e.into() })?;
        if done.rows_affected() == 0 {
            return Err(ChangeError::NotFound);
        }
        if had_admin && !has_admin(&mut tx, tenant_id).await? {
            return Err(ChangeError::LastAdmin);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a role nobody has; returns its name.
    pub async fn delete_role(&self, tenant_id: i64, role_id: i64) -> Result<String, ChangeError> {
        let mut tx = self.pool.begin().await?;
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM roles WHERE id = $1 AND tenant_id = $2")
            .bind(role_id)
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(name) = name else { return Err(ChangeError::NotFound) };
        let default_for: Option<i64> = sqlx::query_scalar("SELECT id FROM tenants WHERE sso_default_role_id = $1")
            .bind(role_id)
            .fetch_optional(&mut *tx)
            .await?;
        if default_for.is_some() {
            return Err(ChangeError::DefaultRole);
        }
        let done = sqlx::query(
            "DELETE FROM roles WHERE id = $1 AND tenant_id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE role_id = $1)",
        )
        .bind(role_id)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(ChangeError::InUse);
        }
        tx.commit().await?;
        Ok(name)
    }

    /// One page of a tenant's audit trail, newest first.
    pub async fn tenant_audit(&self, tenant_id: i64, filter: &AuditFilter<'_>) -> sqlx::Result<Vec<AuditEntry>> {
        let mut binds = vec![Bind::Int(tenant_id)];
        let mut sql = String::from(
            "SELECT a.at, a.event, a.outcome, u.login_name AS user_login, a.subject, act.login_name AS actor_login, \
             a.ip, a.user_agent, a.detail FROM audit_events a \
             LEFT JOIN users u ON u.id = a.user_id LEFT JOIN users act ON act.id = a.actor_id \
             WHERE a.tenant_id = $1",
        );
        if let Some(user_id) = filter.user_id {
            binds.push(Bind::Int(user_id));
            sql.push_str(&format!(" AND a.user_id = ${}", binds.len()));
        }
        if let Some(event) = filter.event {
            binds.push(Bind::Text(event));
            sql.push_str(&format!(" AND a.event = ${}", binds.len()));
        }
        if let Some(from) = filter.from {
            binds.push(Bind::Int(from));
            sql.push_str(&format!(" AND a.at >= ${}", binds.len()));
        }
        if let Some(until) = filter.until {
            binds.push(Bind::Int(until));
            sql.push_str(&format!(" AND a.at < ${}", binds.len()));
        }
        binds.push(Bind::Int(filter.limit));
        binds.push(Bind::Int(filter.offset));
        sql.push_str(&format!(" ORDER BY a.at DESC, a.id DESC LIMIT ${} OFFSET ${}", binds.len() - 1, binds.len()));
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        rows.iter().map(AuditEntry::from_row).collect()
    }
}

/// Serialises the changes to one tenant's rights: two administrators demoting each other at
/// once cannot both pass the last-admin check.
async fn lock_tenant(tx: &mut Transaction<'_, Any>, tenant_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE tenants SET name = name WHERE id = $1").bind(tenant_id).execute(&mut **tx).await.map(|_| ())
}

/// Whether the tenant has an active user whose role has the Settings-and-maintenance right.
/// A change may not take the last one away (a tenant that never had one, made at the command
/// line, is not blocked by it).
async fn has_admin(tx: &mut Transaction<'_, Any>, tenant_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id \
         WHERE u.tenant_id = $1 AND u.status = $2 AND r.can_admin <> 0 LIMIT 1",
    )
    .bind(tenant_id)
    .bind(UserStatus::Active.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}
