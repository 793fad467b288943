//! Personal settings → Two-step verification: setting up an authenticator (its first right
//! code confirms it and makes ten recovery codes), new recovery codes, and turning it off (the
//! password again; not where the tenant requires it).

use crate::audit::{self, Event, Origin, Subject};
use crate::authn::otp;
use crate::authn::password::{PasswordCheck, PasswordRefusal};
use crate::authn::second_step::{SecondStep, Setup, StepError};
use crate::client::ClientInfo;
use crate::db::{App, Factors, Tenant, TwoStepPolicy, UserRecord};

/// Why a change to two-step verification was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorError {
    Step(StepError),
    EnterPassword,
    WrongPassword,
    /// The tenant requires a second factor of this person.
    Required,
    /// The tenant has two-step verification off.
    Off,
    /// Nothing is set up to act on.
    NotSetUp,
    Unavailable,
}

fn storage(err: sqlx::Error) -> FactorError {
    tracing::error!(error = %err, "two-step settings: storage failed");
    FactorError::Unavailable
}

/// A person's two-step verification as their page shows it.
pub struct Status {
    pub policy: TwoStepPolicy,
    pub factors: Factors,
    /// The tenant requires a second factor of this person (it cannot be turned off).
    pub required: bool,
}

pub struct TwoStepSettings<'a> {
    pub step: SecondStep<'a>,
    pub check: PasswordCheck<'a>,
}

impl TwoStepSettings<'_> {
    pub async fn status(&self, user: &UserRecord, tenant: &Tenant) -> Result<Status, FactorError> {
        let factors = self.step.db.factors(user.id).await.map_err(storage)?;
        let required = self.required(user, tenant).await?;
        Ok(Status { policy: tenant.two_step, factors, required })
    }

    /// Whether the tenant's policy requires a second factor of this person: of everyone, or of
    /// those who may use Settings and maintenance.
    async fn required(&self, user: &UserRecord, tenant: &Tenant) -> Result<bool, FactorError> {
        Ok(match tenant.two_step {
            TwoStepPolicy::Required => true,
            TwoStepPolicy::Settings => self.step.db.role_allows(user.role_id, App::Settings).await.map_err(storage)?,
            TwoStepPolicy::Off | TwoStepPolicy::Optional => false,
        })
    }

    /// "Set up": the authenticator to scan (the same until it is confirmed).
    pub async fn setup(&self, user: &UserRecord, tenant: &Tenant) -> Result<Setup, FactorError> {
        if tenant.two_step == TwoStepPolicy::Off {
            return Err(FactorError::Off);
        }
        self.step.setup(user, tenant).await.map_err(FactorError::Step)?.ok_or(FactorError::NotSetUp)
    }

    /// "Confirm": the first right code; the recovery codes to show once.
    pub async fn confirm(
        &self,
        user: &UserRecord,
        code: &str,
        client: &ClientInfo,
    ) -> Result<Vec<String>, FactorError> {
        self.step.confirm_setup(user, code, client).await.map_err(FactorError::Step)
    }

    /// "New recovery codes": the old ones stop working.
    pub async fn new_recovery_codes(&self, user: &UserRecord, client: &ClientInfo) -> Result<Vec<String>, FactorError> {
        let factors = self.step.db.factors(user.id).await.map_err(storage)?;
        if !factors.authenticator {
            return Err(FactorError::NotSetUp);
        }
        let codes = otp::recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| otp::hash_recovery_code(c)).collect();
        self.step.db.new_recovery_codes(user.id, &hashes).await.map_err(storage)?;
        self.audit(Event::RecoveryCodesRenewed, user, client).await;
        Ok(codes)
    }

    /// "Turn off": the password first (checked like a login); not where the tenant requires a
    /// second factor and this is the person's last one.
    pub async fn turn_off(
        &self,
        user: &UserRecord,
        tenant: &Tenant,
        password: &str,
        devices: &[String],
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        let factors = self.step.db.factors(user.id).await.map_err(storage)?;
        if !factors.authenticator {
            return Err(FactorError::NotSetUp);
        }
        if factors.passkeys == 0 && self.required(user, tenant).await? {
            return Err(FactorError::Required);
        }
        if password.is_empty() {
            return Err(FactorError::EnterPassword);
        }
        let right =
            self.check.confirm(user.id, &user.login_name, password, devices, client).await.map_err(
                |err| match err {
                    PasswordRefusal::TooManyAttempts => FactorError::Step(StepError::TooManyAttempts),
                    PasswordRefusal::Busy => FactorError::Step(StepError::Busy),
                    PasswordRefusal::PasswordTooLong | PasswordRefusal::WrongCredentials => FactorError::WrongPassword,
                    _ => FactorError::Unavailable,
                },
            )?;
        if !right {
            return Err(FactorError::WrongPassword);
        }
        self.step.db.remove_totp(user.id).await.map_err(storage)?;
        self.audit(Event::TwoStepTurnedOff, user, client).await;
        Ok(())
    }

    async fn audit(&self, event: Event, user: &UserRecord, client: &ClientInfo) {
        let subject = Subject::user(user.tenant_id, user.id);
        audit::record(self.step.db, self.step.clock, event, subject, Origin::Client(client)).await;
    }
}
