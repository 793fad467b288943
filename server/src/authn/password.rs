//! The password handler: one answer and one cost for unknown users, unknown tenants, wrong
//! passwords and locked accounts; a progressive soft lock per account, and one per known
//! device; a limit on failures per client; one attempt at a time per user ID.

use super::{Method, Verified};
use crate::audit::{self, Event, LoginFailure, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{Db, Device, Tenant, UserRecord};
use crate::hashing::{HashError, PasswordHasher};
use crate::limits::Limits;
use crate::timings::FAILED_ANSWER_FLOOR;
use crate::tokens::hash_token;
use app::domain::{LoginName, LoginNameError, MAX_PASSWORD_CHARS};
use secrecy::{ExposeSecret, SecretString};

/// Why a password did not prove anyone. Unknown users, unknown tenants, wrong passwords and
/// locked accounts are one answer: [`PasswordRefusal::WrongCredentials`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("no user ID")]
    EnterUserId,
    #[error("user ID too long")]
    UserIdTooLong,
    #[error("no password")]
    EnterPassword,
    #[error("password too long")]
    PasswordTooLong,
    #[error("wrong user ID or password")]
    WrongCredentials,
    #[error("too many failures from this client")]
    TooManyAttempts,
    #[error("busy")]
    Busy,
    #[error("storage unavailable")]
    Unavailable,
    #[error("hashing failed")]
    Unexpected,
}

/// A storage failure: logged here, once, and answered "try again".
fn storage(err: sqlx::Error) -> PasswordRefusal {
    tracing::error!(error = %err, "password check: storage failed");
    PasswordRefusal::Unavailable
}

fn from_hash_error(err: HashError) -> PasswordRefusal {
    match err {
        HashError::Busy => PasswordRefusal::Busy,
        HashError::Internal(message) => {
            tracing::error!(error = %message, "password check: hashing failed");
            PasswordRefusal::Unexpected
        }
    }
}

/// A user ID and password as typed, and where they come from.
pub struct Attempt<'a> {
    /// The tenant named in the address (`/t/acme/login`), if any.
    pub tenant_slug: Option<&'a str>,
    /// The tenant this device logged in to last, if any.
    pub remembered_tenant: Option<&'a str>,
    pub user_id: &'a str,
    pub password: SecretString,
    pub client: &'a ClientInfo,
    /// The device tokens this browser carries (from earlier sign-ins).
    pub devices: &'a [String],
}

/// Whose turn an attempt waits for: a known device's own (strangers' attempts do not hold up
/// the owner's), else the user ID's.
pub fn attempt_gate(login_name: &str, device: Option<&Device>) -> String {
    match device {
        Some(device) => format!("{login_name}\n{}", device.token_hash),
        None => login_name.to_string(),
    }
}

/// A right password: who, and whether this browser is one of their known devices.
pub struct Proven {
    pub verified: Verified,
    pub known_device: bool,
}

pub struct PasswordCheck<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a Limits,
}

impl PasswordCheck<'_> {
    /// Checks a user ID and password. A refused one is answered no sooner than
    /// [`FAILED_ANSWER_FLOOR`] after the request came in.
    pub async fn verify(&self, attempt: Attempt<'_>) -> Result<Proven, PasswordRefusal> {
        let started = tokio::time::Instant::now();
        let outcome = self.attempt(attempt).await;
        if matches!(outcome, Err(PasswordRefusal::WrongCredentials)) {
            tokio::time::sleep_until(started + FAILED_ANSWER_FLOOR).await;
        }
        outcome
    }

    async fn attempt(&self, attempt: Attempt<'_>) -> Result<Proven, PasswordRefusal> {
        let name = LoginName::parse(attempt.user_id).map_err(|e| match e {
            LoginNameError::Empty => PasswordRefusal::EnterUserId,
            LoginNameError::TooLong => PasswordRefusal::UserIdTooLong,
            LoginNameError::Invalid => PasswordRefusal::WrongCredentials,
        })?;
        let password_len = attempt.password.expose_secret().chars().count();
        if password_len == 0 {
            return Err(PasswordRefusal::EnterPassword);
        }
        if password_len > MAX_PASSWORD_CHARS {
            return Err(PasswordRefusal::PasswordTooLong);
        }
        let now = self.clock.now();
        let client = attempt.client;
        // Test mode's test users (only they, and only then) are not limited per client, not
        // soft-locked, and wait for their turn however many workers log in as them at once.
        let exempt = self.limits.test_mode() && self.db.is_test_login(name.as_str()).await.map_err(storage)?;
        if !exempt && self.limits.ip_blocked(&client.key(), now).await.map_err(storage)? {
            self.audit_limited(name.as_str(), client, now).await;
            return Err(PasswordRefusal::TooManyAttempts);
        }
        // Overload is answered at once, not after waiting a turn only to find every worker busy.
        if !exempt && self.hasher.is_saturated() {
            return Err(PasswordRefusal::Busy);
        }

        // A browser that logged in as this user before has a soft lock (and a turn) of its own.
        // Unknown and known names take turns alike, so timing tells nothing of which is which.
        let device_hashes: Vec<String> = attempt.devices.iter().map(|raw| hash_token(raw)).collect();
        let presented = self.db.device_of(name.as_str(), &device_hashes).await.map_err(storage)?;
        let gate = attempt_gate(name.as_str(), presented.as_ref());
        let turn = match exempt {
            true => self.limits.patient_attempt_turn(&gate).await,
            false => self.limits.attempt_turn(&gate).await,
        };
        let Some(_turn) = turn else {
            return Err(PasswordRefusal::Busy);
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
                let turn = match exempt {
                    true => self.limits.patient_attempt_turn(name.as_str()).await,
                    false => self.limits.attempt_turn(name.as_str()).await,
                };
                let Some(turn) = turn else {
                    return Err(PasswordRefusal::Busy);
                };
                user = self.db.user_by_id(user.id).await.map_err(storage)?.ok_or(PasswordRefusal::Unexpected)?;
                Some(turn)
            }
            _ => None,
        };
        if !self.check(&user, device.as_ref(), attempt.password, client, now, exempt).await? {
            if !exempt {
                self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
            }
            return Err(PasswordRefusal::WrongCredentials);
        }
        let tenant = match named_tenant {
            Some(tenant) => tenant,
            None => self.tenant_of(&user).await?,
        };
        let verified =
            Verified { user, tenant, method: Method::Password, auth_time: now, provider: None, second_factor: None };
        Ok(Proven { verified, known_device: device.is_some() })
    }

    async fn tenant_of(&self, user: &UserRecord) -> Result<Tenant, PasswordRefusal> {
        self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(PasswordRefusal::Unexpected)
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
    ) -> Result<Proven, PasswordRefusal> {
        self.hasher.verify(password, None).await.map_err(from_hash_error)?;
        self.audit(Event::LoginFailed(why), Subject::typed(name.as_str()), client).await;
        self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
        Err(PasswordRefusal::WrongCredentials)
    }

    /// Verifies one user's password, minding the soft lock (a known device's own, else the
    /// account's): a locked attempt spends the same time on the dummy hash and fails without
    /// adding to its count. A right password clears the streak. Call it under the user ID's
    /// attempt turn, with the user read under it.
    async fn check(
        &self,
        user: &UserRecord,
        device: Option<&Device>,
        password: SecretString,
        client: &ClientInfo,
        now: i64,
        exempt: bool,
    ) -> Result<bool, PasswordRefusal> {
        let subject = Subject::user(user.tenant_id, user.id);
        let lockout = device.map_or(user.lockout, |d| d.lockout);
        if lockout.is_locked(now) && !exempt {
            self.hasher.verify(password, None).await.map_err(from_hash_error)?;
            self.audit(Event::LoginFailed(LoginFailure::Locked), subject, client).await;
            return Ok(false);
        }
        let right = self.hasher.verify(password, user.password_hash.clone()).await.map_err(from_hash_error)?;
        // The hourly cap is for unknown devices only: strangers must not lock the owner out.
        let next = if right { lockout.after_success() } else { lockout.after_failure(now, device.is_none()) };
        if !exempt && (device.is_some() || next != lockout) {
            self.db.save_lockout(user.id, device, &next, now).await.map_err(storage)?;
        }
        if !right {
            self.audit(Event::LoginFailed(LoginFailure::WrongPassword), subject, client).await;
            if next.just_locked() {
                self.audit(Event::LockedOut, subject, client).await;
            }
        }
        Ok(right)
    }

    /// A known person's password, asked again (Change password, "Log out everywhere else",
    /// proving an account before a provider identity is linked to it): checked like a login,
    /// under the per-client limit, the attempt turn and the soft lock, so that a borrowed
    /// session cannot guess it quickly. `login_name` is the person's: their attempt turn's key.
    pub async fn confirm(
        &self,
        user_id: i64,
        login_name: &str,
        password: &str,
        devices: &[String],
        client: &ClientInfo,
    ) -> Result<bool, PasswordRefusal> {
        let now = self.clock.now();
        if self.limits.ip_blocked(&client.key(), now).await.map_err(storage)? {
            self.audit_limited(login_name, client, now).await;
            return Err(PasswordRefusal::TooManyAttempts);
        }
        let device_hashes: Vec<String> = devices.iter().map(|raw| hash_token(raw)).collect();
        let device = self.db.device_of(login_name, &device_hashes).await.map_err(storage)?;
        let device = device.filter(|d| d.user_id == user_id);
        let gate = attempt_gate(login_name, device.as_ref());
        let Some(_turn) = self.limits.attempt_turn(&gate).await else {
            return Err(PasswordRefusal::Busy);
        };
        // Read under the turn: the lockout counters must be the latest.
        let user = self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(PasswordRefusal::Unexpected)?;
        let device = match device {
            Some(_) => self.db.device_of(login_name, &device_hashes).await.map_err(storage)?,
            None => None,
        }
        .filter(|d| d.user_id == user.id);
        let right =
            self.check(&user, device.as_ref(), SecretString::from(password.to_string()), client, now, false).await?;
        if !right {
            self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
        }
        Ok(right)
    }

    /// A request the per-client limit refused: audited once per client and window, not once
    /// per request (a flood must not become a flood of audit rows).
    async fn audit_limited(&self, typed: &str, client: &ClientInfo, now: i64) {
        match self.limits.first_refusal(&format!("login-ip {}", client.key().as_str()), now).await {
            Ok(true) => {
                self.audit(Event::LoginFailed(LoginFailure::IpLimit), Subject::typed(typed), client).await;
            }
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "could not count a refused login"),
        }
    }

    async fn audit(&self, event: Event, subject: Subject<'_>, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
    }
}
