//! Password login: one answer and one cost for unknown users, wrong passwords and locked
//! accounts; a progressive soft lock per account; a per-IP limit on failures.

use crate::db::{AuditEvent, Tenant, UserRecord, UserStatus};
use crate::password::HashError;
use crate::session::{self, App};
use crate::state::AppState;
use crate::tokens::Token;
use crate::web::client::ClientInfo;
use app::api::LoginError;
use app::domain::{LoginName, LoginNameError, MAX_PASSWORD_CHARS};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashSet;

/// Failures allowed before the soft lock starts.
pub const FREE_FAILURES: i64 = 3;
/// The longest soft lock after a single failure, in seconds.
pub const MAX_DELAY_SECS: i64 = 30;
/// Failures per account per hour before it is locked for the rest of that hour.
pub const HOURLY_CAP: i64 = 100;
const HOUR: i64 = 3600;

/// An account's failure bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lockout {
    pub streak: i64,
    pub locked_until: i64,
    pub window_start: i64,
    pub window_count: i64,
}

impl Lockout {
    pub fn of(user: &UserRecord) -> Self {
        Lockout {
            streak: user.failure_streak,
            locked_until: user.locked_until,
            window_start: user.failure_window_start,
            window_count: user.failure_window_count,
        }
    }

    pub fn is_locked(&self, now: i64) -> bool {
        now < self.locked_until
    }

    /// The bookkeeping after one more failure: from the third failure in a row the account
    /// waits 1 s, then 2 s, 4 s … up to 30 s; the 100th failure within an hour locks it until
    /// that hour is over.
    pub fn after_failure(self, now: i64) -> Lockout {
        let (window_start, window_count) =
            if now >= self.window_start + HOUR { (now, 1) } else { (self.window_start, self.window_count + 1) };
        let streak = self.streak + 1;
        let mut locked_until = 0;
        if streak >= FREE_FAILURES {
            let exponent = (streak - FREE_FAILURES).min(10) as u32;
            locked_until = now + (1_i64 << exponent).min(MAX_DELAY_SECS);
        }
        if window_count >= HOURLY_CAP {
            locked_until = locked_until.max(window_start + HOUR);
        }
        Lockout { streak, locked_until, window_start, window_count }
    }

    /// After a successful login: the streak is forgiven; the hourly count stands.
    pub fn after_success(self) -> Lockout {
        Lockout { streak: 0, locked_until: 0, ..self }
    }
}

pub struct Attempt<'a> {
    /// The tenant named in the address (`/t/acme/login`), if any.
    pub tenant_slug: Option<&'a str>,
    /// The tenant this device logged in to last, if any.
    pub remembered_tenant: Option<&'a str>,
    pub user_id: &'a str,
    pub password: SecretString,
    pub client: &'a ClientInfo,
}

pub struct LoggedIn {
    pub user_id: i64,
    pub tenant: Tenant,
    pub token: Token,
    pub lifetime_secs: i64,
}

fn unexpected(err: impl std::fmt::Display) -> LoginError {
    tracing::error!(error = %err, "login failed unexpectedly");
    LoginError::Unexpected
}

fn from_hash_error(err: HashError) -> LoginError {
    match err {
        HashError::Busy => LoginError::Busy,
        HashError::Internal(message) => unexpected(message),
    }
}

pub async fn log_in(state: &AppState, attempt: Attempt<'_>) -> Result<LoggedIn, LoginError> {
    let name = LoginName::parse(attempt.user_id).map_err(|e| match e {
        LoginNameError::Empty => LoginError::EnterUserId,
        LoginNameError::TooLong => LoginError::UserIdTooLong,
        LoginNameError::Invalid => LoginError::WrongCredentials,
    })?;
    let password_len = attempt.password.expose_secret().chars().count();
    if password_len == 0 {
        return Err(LoginError::EnterPassword);
    }
    if password_len > MAX_PASSWORD_CHARS {
        return Err(LoginError::PasswordTooLong);
    }
    let now = state.clock.now();
    let client = attempt.client;
    if state.ip_limiter.is_blocked(client.ip, now) {
        audit(state, None, None, Some(name.as_str()), "failure", Some("ip limit"), client).await;
        return Err(LoginError::TooManyAttempts);
    }

    let Some(_turn) = state.login_gates.try_enter(name.as_str()) else {
        return Err(LoginError::Busy);
    };

    let named_tenant = match attempt.tenant_slug {
        Some(slug) => Some(state.db.tenant_by_slug(slug).await.map_err(unexpected)?.ok_or(LoginError::UnknownTenant)?),
        None => None,
    };
    // One account per attempt, so that one request costs one hash whatever the name: the
    // tenant in the address, else the one this device logged in to last, else the oldest.
    let mut candidates =
        state.db.users_by_login(name.as_str(), named_tenant.as_ref().map(|t| t.id)).await.map_err(unexpected)?;
    if candidates.len() > 1 {
        if let Some(remembered) = attempt.remembered_tenant {
            if let Some(tenant) = state.db.tenant_by_slug(remembered).await.map_err(unexpected)? {
                if let Some(i) = candidates.iter().position(|u| u.tenant_id == tenant.id) {
                    candidates.swap(0, i);
                }
            }
        }
    }
    let Some(user) = candidates.into_iter().next() else {
        state.hasher.verify(attempt.password, None).await.map_err(from_hash_error)?;
        audit(state, None, None, Some(name.as_str()), "failure", Some("unknown user"), client).await;
        state.ip_limiter.record_failure(client.ip, now);
        return Err(LoginError::WrongCredentials);
    };
    if !check_password(state, &user, attempt.password, client, now).await? {
        state.ip_limiter.record_failure(client.ip, now);
        return Err(LoginError::WrongCredentials);
    }

    if user.status() != Some(UserStatus::Active) {
        audit(state, Some(user.tenant_id), Some(user.id), None, "failure", Some("not active"), client).await;
        return Err(LoginError::NotActive);
    }
    if !state.db.role_allows(user.role_id, App::Crm).await.map_err(unexpected)? {
        audit(state, Some(user.tenant_id), Some(user.id), None, "failure", Some("no crm right"), client).await;
        return Err(LoginError::NoCrmRight);
    }
    let tenant = match named_tenant {
        Some(tenant) => tenant,
        None => tenant_by_id(state, user.tenant_id).await?.ok_or(LoginError::Unexpected)?,
    };
    let (token, lifetime_secs) =
        session::create(state, user.id, &tenant, session::App::Crm, client).await.map_err(unexpected)?;
    audit(state, Some(tenant.id), Some(user.id), None, "success", None, client).await;
    tracing::info!(user_id = user.id, tenant = %tenant.slug, "login");
    Ok(LoggedIn { user_id: user.id, tenant, token, lifetime_secs })
}

/// One attempt at a time per user ID (per instance). A second attempt on the same name while
/// one is being checked is answered "busy" at once: parallel guesses cannot all pass through
/// one unlocked moment, nothing piles up behind a single account, and unknown names behave
/// exactly like known ones.
#[derive(Default)]
pub struct AttemptGates(std::sync::Mutex<HashSet<String>>);

/// The right to check one user ID; released when dropped.
pub struct AttemptTurn<'a> {
    gates: &'a AttemptGates,
    key: String,
}

impl AttemptGates {
    pub fn try_enter(&self, key: &str) -> Option<AttemptTurn<'_>> {
        let mut taken = self.0.lock().ok()?;
        taken.insert(key.to_string()).then(|| AttemptTurn { gates: self, key: key.to_string() })
    }
}

impl Drop for AttemptTurn<'_> {
    fn drop(&mut self) {
        if let Ok(mut taken) = self.gates.0.lock() {
            taken.remove(&self.key);
        }
    }
}

/// Verifies one user's password, minding the soft lock: a locked account spends the same time
/// on the dummy hash and fails without adding to its count. A right password clears the streak.
pub(crate) async fn check_password(
    state: &AppState,
    user: &UserRecord,
    password: SecretString,
    client: &ClientInfo,
    now: i64,
) -> Result<bool, LoginError> {
    // Read under this user ID's attempt gate, so no other attempt has changed it since.
    let lockout = Lockout::of(user);
    if lockout.is_locked(now) {
        state.hasher.verify(password, None).await.map_err(from_hash_error)?;
        audit(state, Some(user.tenant_id), Some(user.id), None, "failure", Some("locked"), client).await;
        return Ok(false);
    }
    let ok = state.hasher.verify(password, user.password_hash.clone()).await.map_err(from_hash_error)?;
    let next = if ok { lockout.after_success() } else { lockout.after_failure(now) };
    if next != lockout {
        state.db.save_login_failures(user.id, &next).await.map_err(unexpected)?;
    }
    if !ok {
        audit(state, Some(user.tenant_id), Some(user.id), None, "failure", Some("wrong password"), client).await;
        if next.streak == FREE_FAILURES {
            audit_event(state, Some(user.tenant_id), Some(user.id), None, "lockout", "locked", None, client).await;
        }
    }
    Ok(ok)
}

async fn tenant_by_id(state: &AppState, tenant_id: i64) -> Result<Option<Tenant>, LoginError> {
    state.db.tenant_by_id(tenant_id).await.map_err(unexpected)
}

async fn audit(
    state: &AppState,
    tenant_id: Option<i64>,
    user_id: Option<i64>,
    subject: Option<&str>,
    outcome: &str,
    detail: Option<&str>,
    client: &ClientInfo,
) {
    audit_event(state, tenant_id, user_id, subject, "login", outcome, detail, client).await
}

#[allow(clippy::too_many_arguments)]
pub async fn audit_event(
    state: &AppState,
    tenant_id: Option<i64>,
    user_id: Option<i64>,
    subject: Option<&str>,
    event: &str,
    outcome: &str,
    detail: Option<&str>,
    client: &ClientInfo,
) {
    let ip = client.ip.to_string();
    let record = AuditEvent {
        tenant_id,
        user_id,
        subject,
        event,
        outcome,
        ip: Some(&ip),
        user_agent: Some(&client.user_agent),
        detail,
    };
    if let Err(err) = state.db.audit(&record, state.clock.now()).await {
        tracing::error!(error = %err, event, "could not write an audit event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Lockout {
        Lockout { streak: 0, locked_until: 0, window_start: 0, window_count: 0 }
    }

    #[test]
    fn the_soft_lock_starts_at_the_third_failure_and_grows() {
        let now = 10_000;
        let l1 = fresh().after_failure(now);
        let l2 = l1.after_failure(now);
        assert!(!l2.is_locked(now));
        let l3 = l2.after_failure(now);
        assert_eq!(l3.locked_until, now + 1);
        let l4 = l3.after_failure(now + 1);
        assert_eq!(l4.locked_until, now + 1 + 2);
        let mut l = l4;
        for _ in 0..20 {
            l = l.after_failure(now + 2);
        }
        assert_eq!(l.locked_until, now + 2 + MAX_DELAY_SECS);
        assert_eq!(l.after_success().streak, 0);
        assert!(!l.after_success().is_locked(now + 2));
    }

    #[test]
    fn a_hundred_failures_in_an_hour_lock_the_rest_of_the_hour() {
        let start = 50_000;
        let mut l = fresh();
        for i in 0..HOURLY_CAP {
            l = l.after_failure(start + i * 31);
        }
        assert_eq!(l.locked_until, start + HOUR);
        let later = l.after_success().after_failure(start + HOUR + 1);
        assert_eq!(later.window_count, 1);
    }
}
