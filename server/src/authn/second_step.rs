//! The second step of a sign-in: an authenticator code or a recovery code after the first
//! step (password, link or provider) was right; or, where the tenant requires a second factor
//! the person has not set up, setting up an authenticator there and then. The half-signed-in
//! state is a row found by the hash of a short-lived cookie: it opens nothing, and it is used
//! once. Wrong codes count toward the account's soft lock and the per-client limit exactly
//! like wrong passwords, and every failure gets one answer.

use super::complete::SECOND_STEP_SECS;
use super::otp::{self, Authenticator};
use super::password::attempt_gate;
use super::{Completion, Devices, Door, Factor, Method, SecondFactor, SignInError, SignedIn, Verified};
use crate::audit::{self, Event, LoginFailure, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{Db, Device, Factors, SecondStepRow, Tenant, UserRecord};
use crate::limits::Limits;
use crate::sealing::{Purpose, SecretKey};
use crate::timings::FAILED_ANSWER_FLOOR;
use crate::tokens::hash_token;
use crate::wakeup::MailSignal;
use secrecy::ExposeSecret;

/// Why a second step did not sign anyone in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// No sign-in is waiting (the cookie is missing, expired, used, or had too many tries).
    #[error("no sign-in is waiting for its second step")]
    Expired,
    #[error("no code")]
    EnterCode,
    /// A wrong, reused or locked-out code: one answer for all.
    #[error("wrong code")]
    WrongCode,
    /// The authenticator's key waited too long for its first code; a new one is shown.
    #[error("the key being set up expired")]
    KeyExpired,
    #[error("too many failures from this client")]
    TooManyAttempts,
    #[error("busy")]
    Busy,
    /// The completion step refused (the account was deactivated meanwhile, …).
    #[error("refused")]
    Refused(super::Refusal),
    #[error("storage unavailable")]
    Unavailable,
}

fn storage(err: sqlx::Error) -> StepError {
    tracing::error!(error = %err, "second step: storage failed");
    StepError::Unavailable
}

/// What the person answers.
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    Code(&'a str),
    RecoveryCode(&'a str),
}

/// A sign-in waiting for its second step, as its page needs it.
pub struct Pending {
    pub row: SecondStepRow,
    pub user: UserRecord,
    pub tenant: Tenant,
    pub factors: Factors,
}

/// An authenticator being set up: the secret as text and as a QR code.
pub struct Setup {
    pub secret_grouped: String,
    pub qr_svg: String,
}

/// A sign-in completed at its second step.
pub struct Stepped {
    pub signed_in: SignedIn,
    pub app: crate::db::App,
    pub next: Option<String>,
    /// A recovery code was used: how many are left.
    pub recovery_codes_left: Option<i64>,
    /// Set up here (a required second factor): the recovery codes to show, once.
    pub new_recovery_codes: Option<Vec<String>>,
}

pub struct SecondStep<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub limits: &'a Limits,
    pub key: &'a SecretKey,
    pub mail: &'a MailSignal,
    /// The issuer name authenticator apps show (the product and the tenant).
    pub issuer: &'a str,
}

impl SecondStep<'_> {
    /// The sign-in behind a half-signed-in cookie, while it waits.
    pub async fn pending(&self, raw: &str) -> sqlx::Result<Option<Pending>> {
        let Some(row) = self.db.second_step(&hash_token(raw), self.clock.now()).await? else { return Ok(None) };
        let Some(user) = self.db.user_by_id(row.user_id).await? else { return Ok(None) };
        let Some(tenant) = self.db.tenant_by_id(user.tenant_id).await? else { return Ok(None) };
        let factors = self.db.factors(user.id).await?;
        Ok(Some(Pending { row, user, tenant, factors }))
    }

    /// The authenticator a person sets up (the same one until it is confirmed).
    pub async fn setup(&self, user: &UserRecord, tenant: &Tenant) -> Result<Option<Setup>, StepError> {
        let fresh = Authenticator::generate();
        let sealed = self.key.seal_for(Purpose::Authenticator, &fresh.base32()).map_err(|err| {
            tracing::error!(error = %err, "second step: sealing failed");
            StepError::Unavailable
        })?;
        let now = self.clock.now();
        let fresh_after = now - SETUP_KEY_SECS;
        let Some(sealed) = self.db.totp_setup(user.id, &sealed, now, fresh_after).await.map_err(storage)? else {
            return Ok(None);
        };
        let authenticator = self.open(&sealed)?;
        let issuer = format!("{} ({})", self.issuer, tenant.name);
        let uri = authenticator.uri(&issuer, &user.login_name);
        let label = app::i18n::Msg::QrCodeLabel
            .text(app::i18n::Lang::from_code(user.language.as_deref().unwrap_or("en")).unwrap_or_default());
        let qr_svg = otp::qr_svg(&uri, label).ok_or(StepError::Unavailable)?;
        Ok(Some(Setup { secret_grouped: authenticator.grouped(), qr_svg }))
    }

    fn open(&self, sealed: &str) -> Result<Authenticator, StepError> {
        let secret = self.key.open_for(Purpose::Authenticator, sealed).map_err(|err| {
            tracing::error!(error = %err, "second step: an authenticator secret cannot be opened");
            StepError::Unavailable
        })?;
        Authenticator::from_base32(secret.expose_secret()).ok_or(StepError::Unavailable)
    }

    /// Checks a code against the person's confirmed authenticator and uses its time step (each
    /// works once). Not counted anywhere: the caller does that.
    async fn authenticator_code(&self, user_id: i64, code: &str) -> Result<bool, StepError> {
        let Some(row) = self.db.totp(user_id).await.map_err(storage)? else { return Ok(false) };
        if row.confirmed_at.is_none() {
            return Ok(false);
        }
        let Some(step) = self.open(&row.secret_sealed)?.check(code, self.clock.now()) else { return Ok(false) };
        self.db.use_totp_step(user_id, step).await.map_err(storage)
    }

    /// The second step's answer: right, and the sign-in completes (the previous session of the
    /// app ends, the new one records `pwd+otp` and the time).
    pub async fn verify(&self, raw: &str, answer: Answer<'_>, door: Door<'_>) -> Result<Stepped, StepError> {
        let started = tokio::time::Instant::now();
        let outcome = self.answer(raw, answer, door).await;
        if matches!(outcome, Err(StepError::WrongCode)) {
            tokio::time::sleep_until(started + FAILED_ANSWER_FLOOR).await;
        }
        outcome
    }

    async fn answer(&self, raw: &str, answer: Answer<'_>, door: Door<'_>) -> Result<Stepped, StepError> {
        let typed = match answer {
            Answer::Code(code) | Answer::RecoveryCode(code) => code.trim(),
        };
        let challenge = hash_token(raw);
        let now = self.clock.now();
        let row = self.db.second_step(&challenge, now).await.map_err(storage)?.ok_or(StepError::Expired)?;
        // Setting up comes first: no code of anything else is right here.
        if row.enrol {
            return Err(StepError::WrongCode);
        }
        if typed.is_empty() {
            return Err(StepError::EnterCode);
        }
        if typed.chars().count() > 64 {
            return Err(StepError::WrongCode);
        }
        let client = door.client;
        if self.limits.ip_blocked(&client.key(), now).await.map_err(storage)? {
            return Err(StepError::TooManyAttempts);
        }
        let user = self.db.user_by_id(row.user_id).await.map_err(storage)?.ok_or(StepError::Expired)?;
        // As with passwords: a browser that logged in as this person before has a soft lock
        // (and a turn) of its own, so strangers' wrong passwords never block the owner's code.
        let carried = match door.devices {
            Devices::Carried(raw) => raw.iter().map(|raw| hash_token(raw)).collect(),
            Devices::Known | Devices::NotIssued => Vec::new(),
        };
        let known = |device: Option<Device>| device.filter(|d| d.user_id == user.id);
        let presented = known(self.db.device_of(&user.login_name, &carried).await.map_err(storage)?);
        let gate = attempt_gate(&user.login_name, presented.as_ref());
        // One answer at a time, like passwords: the waiting sign-in and the lock's counters are
        // read again under the turn (an answer that went first may have used either).
        let Some(_turn) = self.limits.attempt_turn(&gate).await else { return Err(StepError::Busy) };
        let row = self.db.second_step(&challenge, now).await.map_err(storage)?.ok_or(StepError::Expired)?;
        let device = match presented {
            Some(_) => known(self.db.device_of(&user.login_name, &carried).await.map_err(storage)?),
            None => None,
        };
        let user = self.db.user_by_id(row.user_id).await.map_err(storage)?.ok_or(StepError::Expired)?;
        let subject = Subject::user(user.tenant_id, user.id);
        let lockout = device.as_ref().map_or(user.lockout, |d| d.lockout);
        let (right, factor, left) = if lockout.is_locked(now) {
            self.audit(Event::LoginFailed(LoginFailure::Locked), subject, client).await;
            (false, Factor::Authenticator, None)
        } else {
            match answer {
                Answer::Code(_) => (self.authenticator_code(user.id, typed).await?, Factor::Authenticator, None),
                Answer::RecoveryCode(_) => {
                    let left = self
                        .db
                        .use_recovery_code(&user, &otp::hash_recovery_code(typed), now)
                        .await
                        .map_err(storage)?;
                    (left.is_some(), Factor::RecoveryCode, left)
                }
            }
        };
        if !right {
            if !lockout.is_locked(now) {
                // The hourly cap is for unknown devices only, as for passwords.
                let next = lockout.after_failure(now, device.is_none());
                self.db.save_lockout(user.id, device.as_ref(), &next, now).await.map_err(storage)?;
                self.audit(Event::LoginFailed(LoginFailure::WrongCode), subject, client).await;
                if next.just_locked() {
                    self.audit(Event::LockedOut, subject, client).await;
                }
            }
            self.db.second_step_failed(&challenge).await.map_err(storage)?;
            self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
            return Err(StepError::WrongCode);
        }
        if lockout.streak > 0 {
            self.db.save_lockout(user.id, device.as_ref(), &lockout.after_success(), now).await.map_err(storage)?;
        }
        if let Some(left) = left {
            self.mail.wake();
            self.audit(Event::RecoveryCodeUsed { left }, subject, client).await;
        }
        let mut stepped =
            self.complete(&challenge, row, user, SecondFactor { factor: Some(factor), at: now }, door).await?;
        stepped.recovery_codes_left = left;
        Ok(stepped)
    }

    /// The second step given by a passkey of the person's (checked by the passkey handler).
    pub async fn passed_with_passkey(&self, raw: &str, door: Door<'_>) -> Result<Stepped, StepError> {
        let challenge = hash_token(raw);
        let now = self.clock.now();
        let row = self.db.second_step(&challenge, now).await.map_err(storage)?.ok_or(StepError::Expired)?;
        let user = self.db.user_by_id(row.user_id).await.map_err(storage)?.ok_or(StepError::Expired)?;
        self.complete(&challenge, row, user, SecondFactor { factor: Some(Factor::Passkey), at: now }, door).await
    }

    /// A required second factor set up at the sign-in: the authenticator's first right code
    /// confirms it, ten recovery codes are made, and the sign-in completes.
    pub async fn enrol(&self, raw: &str, code: &str, door: Door<'_>) -> Result<Stepped, StepError> {
        let challenge = hash_token(raw);
        let now = self.clock.now();
        let row = self.db.second_step(&challenge, now).await.map_err(storage)?.ok_or(StepError::Expired)?;
        if !row.enrol {
            return Err(StepError::Expired);
        }
        let user = self.db.user_by_id(row.user_id).await.map_err(storage)?.ok_or(StepError::Expired)?;
        let codes = self.confirm_setup(&user, code, door.client).await?;
        let mut stepped = self
            .complete(&challenge, row, user, SecondFactor { factor: Some(Factor::Authenticator), at: now }, door)
            .await?;
        stepped.new_recovery_codes = Some(codes);
        Ok(stepped)
    }

    /// Confirms the authenticator being set up with its first code: the recovery codes to show.
    /// A wrong code counts toward this client's limit only: the key is the person's own, shown
    /// only to them, so guessing its codes gains nothing.
    pub async fn confirm_setup(
        &self,
        user: &UserRecord,
        code: &str,
        client: &ClientInfo,
    ) -> Result<Vec<String>, StepError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(StepError::EnterCode);
        }
        let now = self.clock.now();
        if self.limits.ip_blocked(&client.key(), now).await.map_err(storage)? {
            return Err(StepError::TooManyAttempts);
        }
        let fresh_after = now - SETUP_KEY_SECS;
        let row = self.db.totp(user.id).await.map_err(storage)?.filter(|row| row.confirmed_at.is_none());
        if row.as_ref().is_some_and(|row| row.created_at <= fresh_after) {
            return Err(StepError::KeyExpired);
        }
        let step = match &row {
            Some(row) => self.open(&row.secret_sealed)?.check(code, now),
            None => None,
        };
        let Some(step) = step else {
            self.limits.ip_failure(&client.key(), now).await.map_err(storage)?;
            return Err(StepError::WrongCode);
        };
        let codes = otp::recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| otp::hash_recovery_code(c)).collect();
        if !self.db.confirm_totp(user.id, step, &hashes, now, fresh_after).await.map_err(storage)? {
            return Err(StepError::WrongCode);
        }
        self.audit(Event::TwoStepSetUp, Subject::user(user.tenant_id, user.id), client).await;
        Ok(codes)
    }

    /// Ends the waiting sign-in (once: a second request with the same cookie finds nothing) and
    /// hands it to the completion step.
    async fn complete(
        &self,
        challenge: &str,
        row: SecondStepRow,
        user: UserRecord,
        second_factor: SecondFactor,
        door: Door<'_>,
    ) -> Result<Stepped, StepError> {
        if !self.db.end_second_step(challenge).await.map_err(storage)? {
            return Err(StepError::Expired);
        }
        let tenant = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(StepError::Expired)?;
        let method = Method::parse(&row.method).unwrap_or(Method::Password);
        let verified = Verified {
            user,
            tenant,
            method,
            auth_time: row.auth_time,
            provider: None,
            second_factor: Some(second_factor),
        };
        // The browser's CRM cookie as it is now ends with the sign-in too.
        let previous_session = door.previous_session.filter(|_| row.app == crate::db::App::Crm);
        let door = Door {
            app: row.app,
            next: row.return_to.as_deref(),
            previous_session,
            replaces: row.replaces_hash.as_deref(),
            ..door
        };
        let signed_in =
            Completion { db: self.db, clock: self.clock }.complete(verified, door).await.map_err(|err| match err {
                SignInError::Refused(refusal) => StepError::Refused(refusal),
                SignInError::Storage(err) => storage(err),
                SignInError::SecondStepDue(_) => StepError::Expired,
            })?;
        Ok(Stepped {
            signed_in,
            app: row.app,
            next: row.return_to,
            recovery_codes_left: None,
            new_recovery_codes: None,
        })
    }

    async fn audit(&self, event: Event, subject: Subject<'_>, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
    }
}

/// How long the half-signed-in cookie lives.
pub const COOKIE_SECS: i64 = SECOND_STEP_SECS;

/// How long an authenticator's key waits for its first code before a new one replaces it: time
/// to install an app, never a key that lies about for good.
pub const SETUP_KEY_SECS: i64 = 30 * 60;

/// The door of a second step: the browser's previous session of the app ends, its device
/// cookie is issued when new.
pub fn door<'a>(client: &'a ClientInfo, previous_session: Option<&'a str>, devices: &'a [String]) -> Door<'a> {
    Door { devices: Devices::Carried(devices), previous_session, ..Door::to(crate::db::App::Crm, client) }
}
