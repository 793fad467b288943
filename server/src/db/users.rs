use super::outbox::{enqueue, MailKind};
use super::tokens::TokenKind;
use super::{column, flag, is_unique_violation, Db};
use crate::softlock::Lockout;
use app::domain::LinkKind;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Invited,
    Active,
    Deactivated,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "invited" => Some(UserStatus::Invited),
            "active" => Some(UserStatus::Active),
            "deactivated" => Some(UserStatus::Deactivated),
            _ => None,
        }
    }
}

impl std::str::FromStr for UserStatus {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        UserStatus::parse(raw).ok_or_else(|| format!("unknown user status {raw:?}"))
    }
}

/// A user as stored. Deliberately not `Debug`: it carries the password hash.
#[derive(Clone)]
pub struct UserRecord {
    pub id: i64,
    pub tenant_id: i64,
    pub role_id: i64,
    pub login_name: String,
    pub email: Option<String>,
    pub display_name: String,
    pub status: UserStatus,
    pub password_hash: Option<String>,
    pub language: Option<String>,
    pub password_changed_at: i64,
    /// Set by an administrator's "Set password": the password must be changed at next login.
    pub must_change_password: bool,
    /// The soft lock for attempts from unknown devices.
    pub lockout: Lockout,
}

impl FromRow<'_, AnyRow> for UserRecord {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(UserRecord {
            id: row.try_get("id")?,
            tenant_id: row.try_get("tenant_id")?,
            role_id: row.try_get("role_id")?,
            login_name: row.try_get("login_name")?,
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
            status: column(row, "status")?,
            password_hash: row.try_get("password_hash")?,
            language: row.try_get("language")?,
            password_changed_at: row.try_get("password_changed_at")?,
            must_change_password: flag(row, "must_change_password")?,
            lockout: Lockout {
                streak: row.try_get("failure_streak")?,
                locked_until: row.try_get("locked_until")?,
                window_start: row.try_get("failure_window_start")?,
                window_count: row.try_get("failure_window_count")?,
            },
        })
    }
}

/// One row of `frontdoor user list`.
#[derive(Clone, Debug)]
pub struct UserListing {
    pub login_name: String,
    pub display_name: String,
    pub status: UserStatus,
    pub role: String,
}

impl FromRow<'_, AnyRow> for UserListing {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(UserListing {
            login_name: row.try_get("login_name")?,
            display_name: row.try_get("display_name")?,
            status: column(row, "status")?,
            role: row.try_get("role")?,
        })
    }
}

pub struct NewUser<'a> {
    pub tenant_id: i64,
    pub role_id: i64,
    pub login_name: &'a str,
    pub email: Option<&'a str>,
    pub display_name: &'a str,
    pub status: UserStatus,
    pub password_hash: Option<String>,
    pub language: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("the tenant already has a user {0:?}")]
    Duplicate(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

const USER_COLUMNS: &str = "id, tenant_id, role_id, login_name, email, display_name, status, password_hash, \
     language, password_changed_at, must_change_password, failure_streak, locked_until, failure_window_start, failure_window_count";

impl Db {
    pub async fn create_user(&self, user: &NewUser<'_>, now: i64) -> Result<i64, CreateUserError> {
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, user, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a user (status `invited`, no password) and queues their activation email, in
    /// one transaction.
    pub async fn invite_user(&self, user: &NewUser<'_>, now: i64) -> Result<i64, CreateUserError> {
        let recipient = user.email.unwrap_or(user.login_name);
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, user, now).await?;
        enqueue(&mut tx, MailKind::Link(LinkKind::Activation), id, recipient, user.language, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn user_by_id(&self, id: i64) -> sqlx::Result<Option<UserRecord>> {
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// The accounts that use an email address, in any tenant (at most a handful).
    pub async fn users_by_email(&self, email: &str) -> sqlx::Result<Vec<UserRecord>> {
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 ORDER BY id LIMIT 10"))
            .bind(email)
            .fetch_all(&self.pool)
            .await
    }

    /// The user of a tenant with this email address (the email column, as activation matches).
    pub async fn user_by_email_in(&self, tenant_id: i64, email: &str) -> sqlx::Result<Option<UserRecord>> {
        sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND email = $2 ORDER BY id LIMIT 1"
        ))
        .bind(tenant_id)
        .bind(email)
        .fetch_optional(&self.pool)
        .await
    }

    /// Queues a message about a user (a reset link, say) on its own.
    pub async fn queue_mail(&self, kind: MailKind, user: &UserRecord, now: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        let recipient = user.email.as_deref().unwrap_or(&user.login_name);
        enqueue(&mut tx, kind, user.id, recipient, user.language.as_deref(), now).await?;
        tx.commit().await
    }

    /// Sets a user's password and everything that goes with a new one, in one transaction:
    /// the lockout is cleared, outstanding links stop working, every session ends (the caller
    /// gives this browser a new one where that is right), and the "your password was changed"
    /// email is queued where the change calls for it. Returns the user as they were before, or
    /// None when nothing changed (a used link, a user no longer in the state the change is for).
    pub async fn set_password(
        &self,
        password_hash: &str,
        change: PasswordChange<'_>,
        now: i64,
    ) -> sqlx::Result<Option<UserRecord>> {
        let mut tx = self.pool.begin().await?;
        let user_id = match change {
            PasswordChange::Link { token_hash, kind } => {
                let redeemed: Option<i64> = sqlx::query_scalar(
                    "UPDATE one_time_tokens SET used_at = $1 \
                     WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                )
                .bind(now)
                .bind(token_hash)
                .bind(TokenKind::Link(kind).as_str())
                .fetch_optional(&mut *tx)
                .await?;
                redeemed
            }
            PasswordChange::Own { user_id } | PasswordChange::Admin { user_id, .. } => Some(user_id),
        };
        let Some(user_id) = user_id else { return Ok(None) };
        let before: Option<UserRecord> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = before else { return Ok(None) };
        if !change.applies_to(before.status) {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE users SET password_hash = $1, status = 'active', password_changed_at = $2, updated_at = $2, \
             failure_streak = 0, locked_until = 0, failure_window_start = 0, failure_window_count = 0, \
             must_change_password = $3 WHERE id = $4",
        )
        .bind(password_hash)
        .bind(now)
        .bind(i64::from(change.is_temporary()))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE devices SET failure_streak = 0, locked_until = 0 WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        retire_links(&mut tx, user_id, "superseded by a password change", now).await?;
        // Every session ends, and so does every sign-in waiting for its second step.
        for table in ["sessions", "second_steps"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user_id).execute(&mut *tx).await?;
        }
        if change.notifies() {
            let recipient = before.email.as_deref().unwrap_or(&before.login_name);
            enqueue(&mut tx, MailKind::PasswordChanged, user_id, recipient, before.language.as_deref(), now).await?;
        }
        tx.commit().await?;
        Ok(Some(before))
    }
}

/// Who sets a password, and on what authority: see [`Db::set_password`].
#[derive(Clone, Copy, Debug)]
pub enum PasswordChange<'a> {
    /// From an emailed link (its token hash), used up in the same step: activation for an
    /// invited user, a reset for an active one (who is told).
    Link { token_hash: &'a str, kind: LinkKind },
    /// The person themself, under Personal settings (an active user, who is told).
    Own { user_id: i64 },
    /// An administrator, for an invited or active user; `notify` tells them. A `temporary`
    /// password must be changed at the next login, before anything else.
    Admin { user_id: i64, notify: bool, temporary: bool },
}

impl PasswordChange<'_> {
    fn applies_to(&self, status: UserStatus) -> bool {
        match self {
            PasswordChange::Link { kind: LinkKind::Activation, .. } => status == UserStatus::Invited,
            PasswordChange::Link { kind: LinkKind::PasswordReset, .. } | PasswordChange::Own { .. } => {
                status == UserStatus::Active
            }
            PasswordChange::Admin { .. } => status != UserStatus::Deactivated,
        }
    }

    fn is_temporary(&self) -> bool {
        matches!(self, PasswordChange::Admin { temporary: true, .. })
    }

    fn notifies(&self) -> bool {
        match self {
            PasswordChange::Link { kind, .. } => *kind == LinkKind::PasswordReset,
            PasswordChange::Own { .. } => true,
            PasswordChange::Admin { notify, .. } => *notify,
        }
    }
}

/// Every outstanding link of the user stops working, and queued messages that would mint one
/// are voided with `reason` (notices and tenant codes still go out).
pub(super) async fn retire_links(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE outbox SET failed_at = $1, last_error = $2 \
         WHERE user_id = $3 AND sent_at IS NULL AND failed_at IS NULL AND kind IN ($4, $5)",
    )
    .bind(now)
    .bind(reason)
    .bind(user_id)
    .bind(LinkKind::Activation.as_str())
    .bind(LinkKind::PasswordReset.as_str())
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub(super) async fn insert_user(
    tx: &mut Transaction<'_, Any>,
    user: &NewUser<'_>,
    now: i64,
) -> Result<i64, CreateUserError> {
    sqlx::query_scalar(
            "INSERT INTO users (tenant_id, role_id, login_name, email, display_name, status, password_hash, language, created_at, updated_at, subject) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        )
        .bind(user.tenant_id)
        .bind(user.role_id)
        .bind(user.login_name)
        .bind(user.email)
        .bind(user.display_name)
        .bind(user.status.as_str())
        .bind(user.password_hash.as_deref())
        .bind(user.language)
        .bind(now)
        // What apps know the person by (the `sub` of their tokens): random, never reused.
        .bind(crate::tokens::Token::generate().expose()[..32].to_string())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                CreateUserError::Duplicate(user.login_name.to_string())
            } else {
                e.into()
            }
        })
}

impl Db {
    /// The users with this login name: in one tenant, or (at most a handful) across tenants.
    pub async fn users_by_login(&self, login_name: &str, tenant_id: Option<i64>) -> sqlx::Result<Vec<UserRecord>> {
        match tenant_id {
            Some(tenant_id) => {
                sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND login_name = $2"))
                    .bind(tenant_id)
                    .bind(login_name)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE login_name = $1 ORDER BY id LIMIT 5"))
                    .bind(login_name)
                    .fetch_all(&self.pool)
                    .await
            }
        }
    }

    /// How many active accounts, in any tenant, have this login name.
    pub async fn count_active_accounts(&self, login_name: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE login_name = $1 AND status = $2")
            .bind(login_name)
            .bind(UserStatus::Active.as_str())
            .fetch_one(&self.pool)
            .await
    }

    /// Every account with this email address, in every tenant (for support).
    pub async fn listing_by_email(&self, email: &str) -> sqlx::Result<Vec<(String, UserListing)>> {
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT t.slug, u.login_name, u.display_name, u.status, r.name AS role FROM users u \
             JOIN roles r ON r.id = u.role_id JOIN tenants t ON t.id = u.tenant_id WHERE u.email = $1 ORDER BY t.slug",
        )
        .bind(email)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("slug")?, UserListing::from_row(row)?))).collect()
    }

    pub async fn user_listing(&self, tenant_id: i64) -> sqlx::Result<Vec<UserListing>> {
        sqlx::query_as(
            "SELECT u.login_name, u.display_name, u.status, r.name AS role FROM users u \
             JOIN roles r ON r.id = u.role_id WHERE u.tenant_id = $1 ORDER BY u.login_name",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Changes a user's status; deactivation ends all their sessions in the same transaction.
    /// Returns false when there is no such user.
    pub async fn set_user_status(
        &self,
        tenant_id: i64,
        login_name: &str,
        status: UserStatus,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND login_name = $4 RETURNING id",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(tenant_id)
        .bind(login_name)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else { return Ok(false) };
        if status != UserStatus::Active {
            for table in ["sessions", "second_steps"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(id).execute(&mut *tx).await?;
            }
            // Links sent before must not work again if the account is reactivated later.
            retire_links(&mut tx, id, "the user was deactivated", now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A successful login: the Users screen shows when.
    pub async fn record_login(&self, user_id: i64, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn save_login_failures(&self, user_id: i64, lockout: &Lockout) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE users SET failure_streak = $1, locked_until = $2, failure_window_start = $3, failure_window_count = $4 \
             WHERE id = $5",
        )
        .bind(lockout.streak)
        .bind(lockout.locked_until)
        .bind(lockout.window_start)
        .bind(lockout.window_count)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }
}
