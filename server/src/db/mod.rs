//! Storage through sqlx's `Any` driver: a SQLite file by default, PostgreSQL when the URL
//! says `postgres://`. Both share one query set (numbered `$n` parameters, Unix-second times).

//!
//! Rows are typed where they are read: statuses, apps and kinds become enums, flags `bool`.
//! This floor knows nothing of the flows above it.

mod admin;
mod audit;
mod devices;
mod limits;
mod outbox;
mod provider;
mod retention;
mod sessions;
mod sso;
mod tenant_choices;
mod tenants;
mod terms;
mod test_users;
mod tokens;
mod two_step;
mod users;

pub use admin::{AuditEntry, AuditFilter, ChangeError, UserChange, UserFilter, UserRow};
pub use audit::{AuditRecord, AuditRow};
pub use devices::Device;
pub use limits::AttemptLock;
pub use outbox::{MailKind, OutboxRow};
pub use provider::{
    AppSession, BackchannelRow, ClientKind, ClientRow, CodeRow, CodeUse, ConsentRow, Delivery, KeyRow, NewAppSession,
    NewClient, RefreshUse,
};
pub use retention::Swept;
pub use sessions::{App, NewSession, Rights, SessionRecord, SessionSummary, MAX_SESSIONS_PER_USER};
pub use sso::{
    AddProviderError, IdentityLink, NewProvider, PendingLink, Preset, ProviderRow, SignInPolicy, SsoActivation,
    SsoAttempt, SsoStrategy,
};
pub use tenant_choices::{ChoiceRow, CodeCheck};
pub use tenants::{CreateTenantError, Role, Tenant, TwoStepPolicy, ADMIN_ROLE, USER_ROLE};
pub use terms::TermsVersion;
pub use tokens::TokenKind;
pub use two_step::{Factors, PasskeyRow, SecondStepRow, TotpRow, MAX_SECOND_STEP_FAILURES};
pub use users::{CreateUserError, NewUser, PasswordChange, UserListing, UserRecord, UserStatus};

use anyhow::Context;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::AnyPool;
use sqlx::Executor;
use std::borrow::Cow;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: DbKind,
}

impl Db {
    /// A transaction that writes users: on SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`). The search index's triggers read its tables inside the write, and a
    /// transaction that reads before it writes may find another writer's commit in between,
    /// which SQLite answers with SQLITE_BUSY_SNAPSHOT instead of a wait.
    pub(crate) async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            DbKind::Postgres => self.pool.begin().await,
        }
    }
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        Db::connect_with(url, None).await
    }

    /// [`Db::connect`] with at most `pool` connections. Default: 8 for SQLite (one writer at a
    /// time, readers beside it); for PostgreSQL 4 per core of this machine: more only queue
    /// inside the database server (at 32, `/crm`'s p99 doubled on 2 cores; BENCHMARKS.md).
    pub async fn connect_with(url: &str, pool: Option<u32>) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DbKind::Postgres
        } else if url.starts_with("sqlite:") {
            DbKind::Sqlite
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://");
        };
        if kind == DbKind::Sqlite {
            ensure_sqlite_folder(url)?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(pool.filter(|n| *n > 0).unwrap_or_else(|| default_pool(kind)))
            .acquire_timeout(Duration::from_secs(10));
        let options = if kind == DbKind::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                        .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(url).await.with_context(|| format!("cannot open the database ({})", redact(url)))?;
        if kind == DbKind::Sqlite {
            // Persistent for the file: readers no longer block the writer.
            pool.execute("PRAGMA journal_mode = WAL;").await.context("cannot switch SQLite to WAL")?;
        }
        Ok(Db { pool, kind })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let files: &[(i64, &str, &str)] = match self.kind {
            DbKind::Sqlite => &[
                (1, "foundation", include_str!("../../migrations/sqlite/0001_foundation.sql")),
                (2, "mail", include_str!("../../migrations/sqlite/0002_mail.sql")),
                (3, "layers", include_str!("../../migrations/sqlite/0003_layers.sql")),
                (4, "tenant choice", include_str!("../../migrations/sqlite/0004_tenant_choice.sql")),
                (5, "settings", include_str!("../../migrations/sqlite/0005_settings.sql")),
                (6, "sso", include_str!("../../migrations/sqlite/0006_sso.sql")),
                (7, "sign-in core", include_str!("../../migrations/sqlite/0007_sign_in_core.sql")),
                (8, "provider", include_str!("../../migrations/sqlite/0008_provider.sql")),
                (9, "two-step", include_str!("../../migrations/sqlite/0009_two_step.sql")),
                (11, "test users", include_str!("../../migrations/sqlite/0011_test_users.sql")),
                (12, "users search", include_str!("../../migrations/sqlite/0012_users_search.sql")),
                (13, "second step replaces", include_str!("../../migrations/sqlite/0013_second_step_replaces.sql")),
            ],
            DbKind::Postgres => &[
                (1, "foundation", include_str!("../../migrations/postgres/0001_foundation.sql")),
                (2, "mail", include_str!("../../migrations/postgres/0002_mail.sql")),
                (3, "layers", include_str!("../../migrations/postgres/0003_layers.sql")),
                (4, "tenant choice", include_str!("../../migrations/postgres/0004_tenant_choice.sql")),
                (5, "settings", include_str!("../../migrations/postgres/0005_settings.sql")),
                (6, "sso", include_str!("../../migrations/postgres/0006_sso.sql")),
                (7, "sign-in core", include_str!("../../migrations/postgres/0007_sign_in_core.sql")),
                (8, "provider", include_str!("../../migrations/postgres/0008_provider.sql")),
                (9, "two-step", include_str!("../../migrations/postgres/0009_two_step.sql")),
                (10, "users search", include_str!("../../migrations/postgres/0010_users_search.sql")),
                (11, "test users", include_str!("../../migrations/postgres/0011_test_users.sql")),
                (12, "users search", include_str!("../../migrations/postgres/0012_users_search.sql")),
                (13, "second step replaces", include_str!("../../migrations/postgres/0013_second_step_replaces.sql")),
            ],
        };
        let migrations = files
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(*version, Cow::Borrowed(*name), MigrationType::Simple, Cow::Borrowed(*sql), false)
            })
            .collect::<Vec<_>>();
        let migrator =
            Migrator { migrations: Cow::Owned(migrations), ignore_missing: false, locking: true, no_tx: false };
        migrator.run(&self.pool).await.context("database migration failed")?;
        Ok(())
    }
}

fn ensure_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    Ok(())
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Whether an error is a violated unique constraint (a duplicate slug, login name, …).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A text column decoded into its enum (a status, an app, a kind).
pub(crate) fn column<T: std::str::FromStr<Err = String>>(row: &sqlx::any::AnyRow, name: &str) -> sqlx::Result<T> {
    use sqlx::Row;
    let raw: String = row.try_get(name)?;
    raw.parse().map_err(|e: String| sqlx::Error::ColumnDecode { index: name.to_string(), source: e.into() })
}

/// A 0/1 column as a `bool`.
pub(crate) fn flag(row: &sqlx::any::AnyRow, name: &str) -> sqlx::Result<bool> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(name)? != 0)
}

fn default_pool(kind: DbKind) -> u32 {
    match kind {
        DbKind::Sqlite => 8,
        DbKind::Postgres => 4 * std::thread::available_parallelism().map_or(2, |n| n.get() as u32),
    }
}
