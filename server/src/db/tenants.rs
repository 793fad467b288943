use super::{is_unique_violation, App, Db, Rights};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

#[derive(Clone, Debug)]
pub struct Tenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub idle_timeout_secs: i64,
    pub absolute_timeout_secs: i64,
    pub service_idle_timeout_secs: i64,
    pub service_absolute_timeout_secs: i64,
    /// Whether the CRM login takes passwords (else only the tenant's single sign-on).
    pub password_login: bool,
    /// Who must give a second factor.
    pub two_step: TwoStepPolicy,
    /// Under [`TwoStepPolicy::Required`], the logins a person may make before setting one up.
    pub two_step_grace: i64,
    /// Whether people who sign in through the tenant's identity provider are asked too.
    pub two_step_for_sso: bool,
}

/// A tenant's two-step verification policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TwoStepPolicy {
    /// Never asked, and not offered.
    Off,
    /// Asked of those who set it up.
    #[default]
    Optional,
    /// Required for Settings and maintenance.
    Settings,
    /// Required for everyone (after a grace of a few logins).
    Required,
}

impl TwoStepPolicy {
    pub const ALL: [TwoStepPolicy; 4] =
        [TwoStepPolicy::Off, TwoStepPolicy::Optional, TwoStepPolicy::Settings, TwoStepPolicy::Required];

    pub fn as_str(self) -> &'static str {
        match self {
            TwoStepPolicy::Off => "off",
            TwoStepPolicy::Optional => "optional",
            TwoStepPolicy::Settings => "settings",
            TwoStepPolicy::Required => "required",
        }
    }

    pub fn parse(raw: &str) -> Option<TwoStepPolicy> {
        TwoStepPolicy::ALL.into_iter().find(|p| p.as_str() == raw)
    }

    /// Whether a sign-in to `app` must have a second factor.
    pub fn requires(self, app: App) -> bool {
        match self {
            TwoStepPolicy::Off | TwoStepPolicy::Optional => false,
            TwoStepPolicy::Settings => app == App::Settings,
            TwoStepPolicy::Required => true,
        }
    }
}

impl std::str::FromStr for TwoStepPolicy {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        TwoStepPolicy::parse(raw)
            .ok_or_else(|| format!("unknown two-step policy {raw:?} (off, optional, settings, required)"))
    }
}

impl FromRow<'_, AnyRow> for Tenant {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(Tenant {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            idle_timeout_secs: row.try_get("idle_timeout_secs")?,
            absolute_timeout_secs: row.try_get("absolute_timeout_secs")?,
            service_idle_timeout_secs: row.try_get("service_idle_timeout_secs")?,
            service_absolute_timeout_secs: row.try_get("service_absolute_timeout_secs")?,
            password_login: row.try_get::<i64, _>("password_login")? != 0,
            two_step: super::column(row, "two_step")?,
            two_step_grace: row.try_get("two_step_grace")?,
            two_step_for_sso: row.try_get::<i64, _>("two_step_for_sso")? != 0,
        })
    }
}

impl Tenant {
    /// (idle, absolute) session limits in seconds for one app.
    pub fn session_limits(&self, app: App) -> (i64, i64) {
        match app {
            App::Crm | App::Settings | App::Client => (self.idle_timeout_secs, self.absolute_timeout_secs),
            App::Service => (self.service_idle_timeout_secs, self.service_absolute_timeout_secs),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Role {
    pub id: i64,
    pub name: String,
    pub user_level: i64,
    pub rights: Rights,
}

impl FromRow<'_, AnyRow> for Role {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(Role {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            user_level: row.try_get("user_level")?,
            rights: Rights::from_row(row)?,
        })
    }
}

pub const ADMIN_ROLE: &str = "User level 0";
pub const USER_ROLE: &str = "User";

const TENANT_COLUMNS: &str = "id, slug, name, idle_timeout_secs, absolute_timeout_secs, \
     service_idle_timeout_secs, service_absolute_timeout_secs, password_login, two_step, two_step_grace, two_step_for_sso";

/// The tenant's columns as `t.…`, for queries that join other tables.
pub(super) fn qualified_tenant_columns() -> String {
    TENANT_COLUMNS.split(", ").map(|c| format!("t.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, thiserror::Error)]
pub enum CreateTenantError {
    #[error("a tenant with slug {0:?} already exists")]
    Duplicate(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Db {
    /// Creates a tenant with the built-in roles "User level 0" (every right) and "User".
    pub async fn create_tenant(&self, slug: &str, name: &str, now: i64) -> Result<Tenant, CreateTenantError> {
        self.create_tenant_marked(slug, name, now, false).await
    }

    /// [`Db::create_tenant`], marked as test mode's own (`test`) in the same transaction.
    pub async fn create_tenant_marked(
        &self,
        slug: &str,
        name: &str,
        now: i64,
        test: bool,
    ) -> Result<Tenant, CreateTenantError> {
        let mut tx = self.pool.begin().await?;
        let tenant: Tenant = sqlx::query_as(&format!(
            "INSERT INTO tenants (slug, name, created_at, test_tenant) VALUES ($1, $2, $3, $4) RETURNING {TENANT_COLUMNS}"
        ))
        .bind(slug)
        .bind(name)
        .bind(now)
        .bind(i64::from(test))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                CreateTenantError::Duplicate(slug.to_string())
            } else {
                e.into()
            }
        })?;
        for (role, level, service, admin) in [(ADMIN_ROLE, 0_i64, 1_i64, 1_i64), (USER_ROLE, 1, 1, 0)] {
            sqlx::query(
                "INSERT INTO roles (tenant_id, name, user_level, can_crm, can_service, can_admin) VALUES ($1, $2, $3, 1, $4, $5)",
            )
            .bind(tenant.id)
            .bind(role)
            .bind(level)
            .bind(service)
            .bind(admin)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(tenant)
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> sqlx::Result<Option<Tenant>> {
        sqlx::query_as(&format!("SELECT {TENANT_COLUMNS} FROM tenants WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn tenant_by_id(&self, id: i64) -> sqlx::Result<Option<Tenant>> {
        sqlx::query_as(&format!("SELECT {TENANT_COLUMNS} FROM tenants WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn tenants(&self) -> sqlx::Result<Vec<Tenant>> {
        sqlx::query_as(&format!("SELECT {TENANT_COLUMNS} FROM tenants ORDER BY slug")).fetch_all(&self.pool).await
    }

    pub async fn count_tenants(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(&self.pool).await
    }

    pub async fn roles(&self, tenant_id: i64) -> sqlx::Result<Vec<Role>> {
        sqlx::query_as(
            "SELECT id, name, user_level, can_crm, can_service, can_admin FROM roles WHERE tenant_id = $1 ORDER BY user_level, name",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await
    }

    /// A role of one's own, beside the built-in ones.
    pub async fn create_role(&self, tenant_id: i64, role: &Role) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO roles (tenant_id, name, user_level, can_crm, can_service, can_admin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(tenant_id)
        .bind(&role.name)
        .bind(role.user_level)
        .bind(i64::from(role.rights.crm))
        .bind(i64::from(role.rights.service))
        .bind(i64::from(role.rights.admin))
        .fetch_one(&self.pool)
        .await
    }

    /// Whether a role gives the right to use an app.
    pub async fn role_allows(&self, role_id: i64, app: App) -> sqlx::Result<bool> {
        let column = match app {
            App::Crm | App::Client => "can_crm",
            App::Service => "can_service",
            App::Settings => "can_admin",
        };
        let allowed: Option<i64> = sqlx::query_scalar(&format!("SELECT {column} FROM roles WHERE id = $1"))
            .bind(role_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(allowed.unwrap_or(0) != 0)
    }

    pub async fn role_by_name(&self, tenant_id: i64, name: &str) -> sqlx::Result<Option<Role>> {
        sqlx::query_as(
            "SELECT id, name, user_level, can_crm, can_service, can_admin FROM roles WHERE tenant_id = $1 AND name = $2",
        )
        .bind(tenant_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await
    }

    /// Sets a tenant's idle and absolute session limits for one app.
    pub async fn set_session_timeouts(
        &self,
        tenant_id: i64,
        app: App,
        idle_secs: i64,
        absolute_secs: i64,
    ) -> sqlx::Result<()> {
        let sql = match app {
            App::Service => {
                "UPDATE tenants SET service_idle_timeout_secs = $1, service_absolute_timeout_secs = $2 WHERE id = $3"
            }
            App::Crm | App::Settings | App::Client => {
                "UPDATE tenants SET idle_timeout_secs = $1, absolute_timeout_secs = $2 WHERE id = $3"
            }
        };
        sqlx::query(sql).bind(idle_secs).bind(absolute_secs).bind(tenant_id).execute(&self.pool).await.map(|_| ())
    }
}
