//! Password login: one answer and one cost for unknown users, unknown tenants, wrong passwords
//! and locked accounts; a progressive soft lock per account, and one per known device; a limit
//! on failures per client; one attempt at a time per user ID.

use crate::audit::{self, Event, LoginFailure, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, Device, Tenant, UserRecord, UserStatus};
use crate::hashing::{HashError, PasswordHasher};
use crate::limits::Limits;
use crate::sessions::{NewToken, Sessions};
use crate::tokens::{hash_token, Token};
use app::domain::{LoginName, LoginNameError, MAX_PASSWORD_CHARS};
use app::model::LoginError;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// A refused password (wrong, unknown user or tenant, locked) is answered no sooner than this,
/// so that the work behind the answer (one hash either way, a write for known accounts) cannot
/// be told apart by its timing.
pub const FAILED_ANSWER_FLOOR: Duration = Duration::from_millis(250);

pub struct Login<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a Limits,
}

pub struct Attempt<'a> {
    /// The app the session is for: the CRM, or Settings and maintenance (its own login).
    pub app: App,
    /// The tenant named in the address (`/t/acme/login`), if any.
    pub tenant_slug: Option<&'a str>,
    /// The tenant this device logged in to last, if any.
    pub remembered_tenant: Option<&'a str>,
    pub user_id: &'a str,
    pub password: SecretString,
    pub client: &'a ClientInfo,
    /// The device tokens this browser carries (from earlier logins).
    pub devices: &'a [&'a str],
    /// The session of `app` this browser holds now: a login ends it.
    pub previous_session: Option<&'a str>,
}

pub struct LoggedIn {
    pub user_id: i64,
    pub tenant: Tenant,
    pub session: NewToken,
    /// A device token for this browser's cookie, on its first login as this user.
    pub new_device: Option<Token>,
    /// No tenant was named or remembered, and this login name is an active user in other
    /// tenants too: the start page says so (only after the right password).
    pub other_tenants: bool,
    /// The password is a temporary one from an administrator: it must be changed first.
    pub must_change_password: bool,
}

/// A storage failure: logged here, once, and answered "try again".
fn storage(err: sqlx::Error) -> LoginError {
    tracing::error!(error = %err, "login: storage failed");
    LoginError::Unavailable
}

fn from_hash_error(err: HashError) -> LoginError {
    match err {
        HashError::Busy => LoginError::Busy,
        HashError::Internal(message) => {
            tracing::error!(error = %message, "login: hashing failed");
            LoginError::Unexpected
        }
    }
}

impl Login<'_> {
    pub async fn log_in(&self, attempt: Attempt<'_>) -> Result<LoggedIn, LoginError> {
        let started = tokio::time::Instant::now();
        let outcome = self.attempt(attempt).await;
        if matches!(outcome, Err(LoginError::WrongCredentials)) {
            tokio::time::sleep_until(started + FAILED_ANSWER_FLOOR).await;
        }
        outcome
    }

    async fn attempt(&self, attempt: Attempt<'_>) -> Result<LoggedIn, LoginError> {
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
        let now = self.clock.now();
        let client = attempt.client;
        if self.limits.ip_blocked(&client.key(), now).await.map_err(storage)? {
            self.audit(Event::LoginFailed(LoginFailure::IpLimit), Subject::typed(name.as_str()), client).await;
            return Err(LoginError::TooManyAttempts);
        }
        // Overload is answered at once, not after waiting a turn only to find every worker busy.
        if self.hasher.is_saturated() {
            return Err(LoginError::Busy);
        }

        // A browser that logged in as this user before has a soft lock (and a turn) of its own.
        // Unknown and known names take turns alike, so timing tells nothing of which is which.
        let device_hashes: Vec<String> = attempt.devices.iter().map(|raw| hash_token(raw)).collect();
        let presented = self.db.device_of(name.as_str(), &device_hashes).await.map_err(storage)?;
        let gate = match &presented {
            Some(device) => format!("{}\n{}", name.as_str(), device.token_hash),
            None => name.as_str().to_string(),
        };
        let Some(_turn) = self.limits.attempt_turn(&gate).await else {
            return Err(LoginError::Busy);
        };

        // An unknown tenant is answered like an unknown user: same status, message and cost.
        let named_tenant = match attempt.tenant_slug {
            Some(slug) => match self.db.tenant_by_slug(slug).await.map_err(storage)? {
                Some(tenant) => Some(tenant),
                None => {
                    return self.refuse_unknown(attempt.password, &name, LoginFailure::UnknownTenant, client, now).await
                }
            },
            None => None,
        };
        // One account per attempt, so that one request costs one hash whatever the name: the
        // tenant in the address, else the one this device logged in to last, else the oldest.
        let tenant_id = named_tenant.as_ref().map(|t| t.id);
        let mut candidates = self.db.users_by_login(name.as_str(), tenant_id).await.map_err(storage)?;
        if candidates.len() > 1 {
            if let Some(remembered) = attempt.remembered_tenant {
                if let Some(tenant) = self.db.tenant_by_slug(remembered).await.map_err(storage)? {
                    if let Some(i) = candidates.iter().position(|u| u.tenant_id == tenant.id) {
                        candidates.swap(0, i);
                    }
                }
            }
        }
        let Some(mut user) = candidates.into_iter().next() else {
            return self.refuse_unknown(attempt.password, &name, LoginFailure::UnknownUser, client, now).await;
        };
        // The device's counters, read under its turn. A device of a same-named account in
        // another tenant is no device of this one: then the account's own turn is needed too,
        // and its counters are read again under it.
        let device = match &presented {
            Some(_) => self.db.device_of(name.as_str(), &device_hashes).await.map_err(storage)?,
            None => None,
        }
        .filter(|d| d.user_id == user.id);
        let _account_turn = match (&presented, &device) {
            (Some(_), None) => {
                let Some(turn) = self.limits.attempt_turn(name.as_str()).await else {
                    return Err(LoginError::Busy);
                };
                user = self.db.user_by_id(user.id).await.map_err(storage)?.ok_or(LoginError::Unexpected)?;
                Some(turn)
            }
            _ => None,
        };
        if !self.check(&user, device.as_ref(), attempt.password, client, now).await? {
            self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
            return Err(LoginError::WrongCredentials);
        }

        let subject = Subject::user(user.tenant_id, user.id);
        if user.status != UserStatus::Active {
            self.audit(Event::LoginFailed(LoginFailure::NotActive), subject, client).await;
            return Err(LoginError::NotActive);
        }
        if !self.db.role_allows(user.role_id, attempt.app).await.map_err(storage)? {
            let (why, error) = match attempt.app {
                App::Settings => (LoginFailure::NoSettingsRight, LoginError::NoSettingsRight),
                _ => (LoginFailure::NoCrmRight, LoginError::NoCrmRight),
            };
            self.audit(Event::LoginFailed(why), subject, client).await;
            return Err(error);
        }
        // A temporary password opens the CRM's change-password page only.
        if user.must_change_password && attempt.app == App::Settings {
            self.audit(Event::LoginFailed(LoginFailure::TemporaryPassword), subject, client).await;
            return Err(LoginError::TemporaryPassword);
        }
        let tenant = match named_tenant {
            Some(tenant) => tenant,
            None => self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(LoginError::Unexpected)?,
        };
        // A tenant that signs in only through its providers takes no password at the CRM's door
        // (Settings and maintenance keeps its own password login: it has no other).
        if attempt.app == App::Crm && !tenant.password_login {
            self.audit(Event::LoginFailed(LoginFailure::PasswordLoginOff), subject, client).await;
            return Err(LoginError::PasswordLoginOff);
        }
        // A new session id at every login: the one this browser held ends.
        let sessions = Sessions { db: self.db, clock: self.clock };
        if let Some(previous) = attempt.previous_session {
            sessions.end_token(previous).await.map_err(storage)?;
        }
        let session = sessions.create(user.id, &tenant, attempt.app, client, None).await.map_err(storage)?;
        self.db.record_login(user.id, now).await.map_err(storage)?;
        let new_device = match device {
            Some(_) => None,
            None => {
                let token = Token::generate();
                self.db.insert_device(&token.hash(), user.id, now).await.map_err(storage)?;
                Some(token)
            }
        };
        let other_tenants = attempt.app == App::Crm
            && attempt.tenant_slug.is_none()
            && attempt.remembered_tenant.is_none()
            && self.db.count_active_accounts(name.as_str()).await.map_err(storage)? > 1;
        self.audit(Event::LoginSucceeded { app: attempt.app.as_str() }, subject, client).await;
        tracing::info!(user_id = user.id, tenant = %tenant.slug, app = attempt.app.as_str(), "login");
        let must_change_password = user.must_change_password;
        Ok(LoggedIn { user_id: user.id, tenant, session, new_device, other_tenants, must_change_password })
    }

    /// No such user (or tenant): the same hash, the same count against the client, the same
    /// answer as a wrong password.
    async fn refuse_unknown(
        &self,
        password: SecretString,
        name: &LoginName,
        why: LoginFailure,
        client: &ClientInfo,
        now: i64,
    ) -> Result<LoggedIn, LoginError> {
        self.hasher.verify(password, None).await.map_err(from_hash_error)?;
        self.audit(Event::LoginFailed(why), Subject::typed(name.as_str()), client).await;
        self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
        Err(LoginError::WrongCredentials)
    }

    /// Verifies one user's password, minding the soft lock (a known device's own, else the
    /// account's): a locked attempt spends the same time on the dummy hash and fails without
    /// adding to its count. A right password clears the streak. Call it under the user ID's
    /// attempt turn, with the user read under it.
    pub async fn check(
        &self,
        user: &UserRecord,
        device: Option<&Device>,
        password: SecretString,
        client: &ClientInfo,
        now: i64,
    ) -> Result<bool, LoginError> {
        let subject = Subject::user(user.tenant_id, user.id);
        let lockout = device.map_or(user.lockout, |d| d.lockout);
        if lockout.is_locked(now) {
            self.hasher.verify(password, None).await.map_err(from_hash_error)?;
            self.audit(Event::LoginFailed(LoginFailure::Locked), subject, client).await;
            return Ok(false);
        }
        let right = self.hasher.verify(password, user.password_hash.clone()).await.map_err(from_hash_error)?;
        // The hourly cap is for unknown devices only: strangers must not lock the owner out.
        let next = if right { lockout.after_success() } else { lockout.after_failure(now, device.is_none()) };
        match device {
            Some(device) => self.db.save_device(&device.token_hash, &next, now).await.map_err(storage)?,
            None if next != lockout => self.db.save_login_failures(user.id, &next).await.map_err(storage)?,
            None => {}
        }
        if !right {
            self.audit(Event::LoginFailed(LoginFailure::WrongPassword), subject, client).await;
            if next.just_locked() {
                self.audit(Event::LockedOut, subject, client).await;
            }
        }
        Ok(right)
    }

    /// A signed-in person's password, asked again before something that needs it (Change
    /// password, "Log out everywhere else"): checked like a login, under the per-client limit,
    /// the attempt turn and the soft lock, so that a borrowed session cannot guess it quickly.
    /// `login_name` is the signed-in person's (the session knows it): their attempt turn's key.
    pub async fn confirm_password(
        &self,
        user_id: i64,
        login_name: &str,
        password: &str,
        devices: &[&str],
        client: &ClientInfo,
    ) -> Result<bool, LoginError> {
        let now = self.clock.now();
        if self.limits.ip_blocked(&client.key(), now).await.map_err(storage)? {
            return Err(LoginError::TooManyAttempts);
        }
        let device_hashes: Vec<String> = devices.iter().map(|raw| hash_token(raw)).collect();
        let device = self.db.device_of(login_name, &device_hashes).await.map_err(storage)?;
        let device = device.filter(|d| d.user_id == user_id);
        let gate = match &device {
            Some(device) => format!("{login_name}\n{}", device.token_hash),
            None => login_name.to_string(),
        };
        let Some(_turn) = self.limits.attempt_turn(&gate).await else {
            return Err(LoginError::Busy);
        };
        // Read under the turn: the lockout counters must be the latest.
        let user = self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(LoginError::Unexpected)?;
        let device = match device {
            Some(_) => self.db.device_of(login_name, &device_hashes).await.map_err(storage)?,
            None => None,
        }
        .filter(|d| d.user_id == user.id);
        let right = self.check(&user, device.as_ref(), SecretString::from(password.to_string()), client, now).await?;
        if !right {
            self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
        }
        Ok(right)
    }

    async fn audit(&self, event: Event, subject: Subject<'_>, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
    }
}
