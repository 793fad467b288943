//! Choosing, changing and recovering passwords: the policy, activation from the emailed link,
//! reset from the emailed link, change under Personal settings, and the reset request.

use crate::audit::{self, Event, Origin, Subject};
use crate::authn::link::Links;
use crate::authn::password::{PasswordCheck, PasswordRefusal};
use crate::authn::{
    Completion, Devices, Door, Method, PendingStep, Refusal, SecondFactor, SignInError, SignedIn, Verified,
};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, MailKind, PasswordChange, Tenant, UserRecord, UserStatus};
use crate::hashing::{HashError, PasswordHasher};
use crate::limits::Limits;
use crate::timings::EMAIL_ANSWER_TIME;
use crate::tokens::hash_token;
use crate::wakeup::MailSignal;
use app::domain::{check_password_choice, Email, LinkKind};
use app::model::{PasswordError, PasswordOwner};
use secrecy::SecretString;

/// Whose password is being chosen: the details it may not contain, and zxcvbn's context.
pub struct PolicySubject<'a> {
    pub name: &'a str,
    pub login_name: &'a str,
    pub email: Option<&'a str>,
    pub tenant: &'a Tenant,
}

impl<'a> PolicySubject<'a> {
    pub fn of(user: &'a UserRecord, tenant: &'a Tenant) -> Self {
        PolicySubject { name: &user.display_name, login_name: &user.login_name, email: user.email.as_deref(), tenant }
    }

    /// The person's own details, which may not appear in their password at all.
    fn personal_details(&self) -> Vec<String> {
        let mut details = vec![self.name.to_string(), self.login_name.to_string()];
        if let Some(email) = self.email.filter(|email| *email != self.login_name) {
            details.push(email.to_string());
        }
        details
    }

    /// What zxcvbn counts as easy guesses: the person's details and their tenant.
    pub fn user_inputs(&self) -> Vec<String> {
        let mut inputs = self.personal_details();
        inputs.push(self.tenant.name.clone());
        inputs.push(self.tenant.slug.clone());
        inputs
    }
}

pub fn owner(user: &UserRecord, tenant: &Tenant) -> PasswordOwner {
    PasswordOwner {
        name: user.display_name.clone(),
        login_name: user.login_name.clone(),
        tenant_name: tenant.name.clone(),
        user_inputs: PolicySubject::of(user, tenant).user_inputs(),
        has_password: user.password_hash.is_some(),
        sso: Vec::new(),
        password_login: true,
    }
}

/// The whole policy: 8–128 characters, the confirmation matches, none of the person's own
/// details, and a zxcvbn score of at least 3 with those details as context. The pages and the
/// command line ask the same.
pub async fn check_policy(password: &str, confirm: &str, subject: &PolicySubject<'_>) -> Result<(), PasswordError> {
    let personal = subject.personal_details();
    check_password_choice(password, confirm, &personal.iter().map(String::as_str).collect::<Vec<_>>())?;
    let inputs = subject.user_inputs();
    let password = password.to_string();
    // zxcvbn takes a few milliseconds; long passwords more. Off the async workers.
    let verdict = tokio::task::spawn_blocking(move || {
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        strength::estimate(&password, &inputs)
    })
    .await
    .map_err(|err| {
        tracing::error!(error = %err, "the strength estimator failed");
        PasswordError::Unexpected
    })?;
    if verdict.is_acceptable() {
        Ok(())
    } else {
        Err(PasswordError::TooWeak(verdict))
    }
}

/// A storage failure: logged here, once, and answered "try again".
fn storage(err: sqlx::Error) -> PasswordError {
    tracing::error!(error = %err, "passwords: storage failed");
    PasswordError::Unavailable
}

fn from_hash_error(err: HashError) -> PasswordError {
    match err {
        HashError::Busy => PasswordError::Busy,
        HashError::Internal(message) => {
            tracing::error!(error = %message, "passwords: hashing failed");
            PasswordError::Unexpected
        }
    }
}

/// What a successful activation leaves: a CRM session, unless the role has no CRM right.
pub struct Activated {
    pub tenant: Tenant,
    pub signed_in: Option<SignedIn>,
    /// The tenant requires a second factor now: its step (setting one up) comes first.
    pub second_step: Option<PendingStep>,
}

/// A changed password: this browser's new session, or the second step that comes first.
pub enum Changed {
    SignedIn(SignedIn),
    SecondStep(PendingStep),
}

/// Why a form posted from a link did not go through.
pub enum LinkRefusal {
    /// The link is used, expired, replaced or unknown.
    Invalid,
    Refused(PasswordError),
}

impl From<PasswordError> for LinkRefusal {
    fn from(err: PasswordError) -> Self {
        LinkRefusal::Refused(err)
    }
}

/// Whether a person may choose a password here: where the tenant signs in through its identity
/// providers only, a password opens nothing but Settings and maintenance, so only those with
/// its right get one.
async fn may_have_password(db: &Db, user: &UserRecord, tenant: &Tenant) -> sqlx::Result<bool> {
    Ok(tenant.password_login || db.role_allows(user.role_id, App::Settings).await?)
}

pub struct Passwords<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a Limits,
    pub mail: &'a MailSignal,
}

impl Passwords<'_> {
    fn links(&self) -> Links<'_> {
        Links { db: self.db, clock: self.clock }
    }

    fn completion(&self) -> Completion<'_> {
        Completion { db: self.db, clock: self.clock }
    }

    async fn audit(&self, event: Event, user: &UserRecord, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, Subject::user(user.tenant_id, user.id), Origin::Client(client)).await;
    }

    /// The user and tenant behind a link the browser holds (see [`Links::owner`]).
    pub async fn link_owner(&self, kind: LinkKind, raw_token: &str) -> sqlx::Result<Option<(UserRecord, Tenant)>> {
        self.links().owner(kind, raw_token).await
    }

    /// The password the link's owner chose, under the policy, in one step with using the link
    /// up. A reset also ends every session, clears the lockout and queues the notice.
    async fn set_from_link(
        &self,
        kind: LinkKind,
        raw_token: &str,
        password: &str,
        confirm: &str,
    ) -> Result<(UserRecord, Tenant), LinkRefusal> {
        let (user, tenant) = self.link_owner(kind, raw_token).await.map_err(storage)?.ok_or(LinkRefusal::Invalid)?;
        let allowed = match kind {
            LinkKind::Activation => Completion::policy(Method::Link, App::Crm, &tenant).is_ok(),
            LinkKind::PasswordReset => may_have_password(self.db, &user, &tenant).await.map_err(storage)?,
        };
        if !allowed {
            return Err(LinkRefusal::Refused(PasswordError::SsoOnly));
        }
        check_policy(password, confirm, &PolicySubject::of(&user, &tenant)).await?;
        let hash = self.hasher.hash(SecretString::from(password.to_string())).await.map_err(from_hash_error)?;
        let token_hash = hash_token(raw_token);
        let change = PasswordChange::Link { token_hash: &token_hash, kind };
        self.db.set_password(&hash, change, self.clock.now()).await.map_err(storage)?.ok_or(LinkRefusal::Invalid)?;
        self.mail.wake();
        Ok((user, tenant))
    }

    /// Sets the password of an invited user from their activation link, activates them and
    /// signs them in to the CRM (where the tenant takes passwords).
    pub async fn activate(
        &self,
        raw_token: &str,
        form: &NewPassword<'_>,
        browser: Door<'_>,
    ) -> Result<Activated, LinkRefusal> {
        let (user, tenant) = self.set_from_link(LinkKind::Activation, raw_token, form.password, form.confirm).await?;
        self.audit(Event::AccountActivated, &user, browser.client).await;
        tracing::info!(user_id = user.id, tenant = %tenant.slug, "account activated");
        let verified = self.links().verified(user.id).await.map_err(storage)?.ok_or(LinkRefusal::Invalid)?;
        match self.completion().complete(verified, browser).await {
            Ok(signed_in) => Ok(Activated { tenant, signed_in: Some(signed_in), second_step: None }),
            Err(SignInError::SecondStepDue(pending)) => {
                Ok(Activated { tenant, signed_in: None, second_step: Some(pending) })
            }
            // Active all the same; the login page says why there is no session.
            Err(SignInError::Refused(Refusal::NoRight(_))) => {
                Ok(Activated { tenant, signed_in: None, second_step: None })
            }
            Err(SignInError::Refused(_)) => Err(LinkRefusal::Refused(PasswordError::SsoOnly)),
            Err(SignInError::Storage(err)) => Err(LinkRefusal::Refused(storage(err))),
        }
    }

    /// Sets a new password from a reset link: ends every session of the user, clears their
    /// lockout, and queues the "your password was changed" notice.
    pub async fn reset(&self, raw_token: &str, form: &NewPassword<'_>, client: &ClientInfo) -> Result<(), LinkRefusal> {
        let (user, _) = self.set_from_link(LinkKind::PasswordReset, raw_token, form.password, form.confirm).await?;
        self.audit(Event::PasswordReset, &user, client).await;
        Ok(())
    }

    /// Change password under Personal settings: the current password first (checked like a
    /// login), then the policy. Every session ends, this browser signs in again with the new
    /// password (the session returned; or its second step, when the session it came from had
    /// none and one is due now), and the notice is queued.
    pub async fn change(
        &self,
        check: &PasswordCheck<'_>,
        user_id: i64,
        form: &ChangeForm<'_>,
        client: &ClientInfo,
    ) -> Result<Changed, PasswordError> {
        let user = self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(PasswordError::Unexpected)?;
        let tenant = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(PasswordError::Unexpected)?;
        if user.password_hash.is_none() {
            return Err(PasswordError::SsoOnly);
        }
        if form.current.is_empty() {
            return Err(PasswordError::EnterCurrent);
        }
        check_policy(form.password, form.confirm, &PolicySubject::of(&user, &tenant)).await?;
        let right = check
            .confirm(user.id, &user.login_name, form.current, form.devices, client)
            .await
            .map_err(confirm_error)?;
        if !right {
            self.audit(Event::PasswordChangeRefused, &user, client).await;
            return Err(PasswordError::WrongCurrent);
        }
        let hash = self.hasher.hash(SecretString::from(form.password.to_string())).await.map_err(from_hash_error)?;
        let now = self.clock.now();
        let change = PasswordChange::Own { user_id: user.id };
        self.db.set_password(&hash, change, now).await.map_err(storage)?.ok_or(PasswordError::Unexpected)?;
        self.mail.wake();
        self.audit(Event::PasswordChanged, &user, client).await;
        // Every session ended, this browser's too: it carries on with a new one.
        let user = self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(PasswordError::Unexpected)?;
        let verified = Verified {
            user,
            tenant,
            method: Method::Password,
            auth_time: now,
            provider: None,
            second_factor: form.second_factor,
        };
        let door = Door {
            app: App::Crm,
            client,
            previous_session: None,
            replaces: None,
            devices: Devices::Carried(form.devices),
            parent: None,
            next: None,
            crm_session: None,
        };
        match self.completion().complete(verified, door).await {
            Ok(signed_in) => Ok(Changed::SignedIn(signed_in)),
            Err(SignInError::SecondStepDue(pending)) => Ok(Changed::SecondStep(pending)),
            Err(SignInError::Refused(_)) => Err(PasswordError::Unexpected),
            Err(SignInError::Storage(err)) => Err(storage(err)),
        }
    }

    /// "Forgot your password?": queues a reset link for every active account with this address.
    /// The answer is the same, in about the same time, whether or not there is one.
    pub async fn request_reset(&self, email: &str, client: &ClientInfo) -> Result<(), PasswordError> {
        let started = tokio::time::Instant::now();
        let email = match Email::parse(email) {
            Ok(email) => email,
            Err(_) if email.trim().is_empty() => return Err(PasswordError::EnterEmail),
            Err(_) => return Err(PasswordError::NotAnEmail),
        };
        let now = self.clock.now();
        let client_key = format!("reset-client {}", client.key().as_str());
        let by_client = self.limits.take_request(&client_key, now).await.map_err(storage)?;
        let address_key = format!("reset-address {}", email.as_str());
        let allowed = by_client && self.limits.take_request(&address_key, now).await.map_err(storage)?;
        if !allowed {
            let refused_key = if by_client { address_key } else { client_key };
            if self.limits.first_refusal(&refused_key, now).await.map_err(storage)? {
                let subject = Subject::typed(email.as_str());
                audit::record(self.db, self.clock, Event::ResetRequestLimited, subject, Origin::Client(client)).await;
            }
            return Err(PasswordError::TooManyRequests);
        }
        // A storage failure does not depend on the address, so saying "try again" tells nothing.
        let queued = self.queue_resets(&email, client, now).await.map_err(storage);
        tokio::time::sleep_until(started + EMAIL_ANSWER_TIME).await;
        queued
    }

    /// A reset link for every active account with this address that has a password and may
    /// use one (see [`may_have_password`]; accounts that sign in only through single sign-on
    /// have their password managed by the identity provider).
    async fn queue_resets(&self, email: &Email, client: &ClientInfo, now: i64) -> sqlx::Result<()> {
        let accounts = self.db.users_by_email(email.as_str()).await?;
        let mut queued = 0;
        for user in accounts.iter().filter(|u| u.status == UserStatus::Active && u.password_hash.is_some()) {
            let Some(tenant) = self.db.tenant_by_id(user.tenant_id).await? else { continue };
            if !may_have_password(self.db, user, &tenant).await? {
                continue;
            }
            self.db.queue_mail(MailKind::Link(LinkKind::PasswordReset), user, now).await?;
            self.audit(Event::ResetRequested, user, client).await;
            queued += 1;
        }
        if queued == 0 {
            let subject = Subject::typed(email.as_str());
            audit::record(self.db, self.clock, Event::ResetRequestUnknown, subject, Origin::Client(client)).await;
        } else {
            self.mail.wake();
        }
        Ok(())
    }
}

/// A new password and its confirmation, as posted.
pub struct NewPassword<'a> {
    pub password: &'a str,
    pub confirm: &'a str,
}

/// The Change password form.
pub struct ChangeForm<'a> {
    pub current: &'a str,
    pub password: &'a str,
    pub confirm: &'a str,
    /// The device tokens this browser carries.
    pub devices: &'a [String],
    /// The second factor of the session the change is made in: the new session keeps it.
    pub second_factor: Option<SecondFactor>,
}

/// How a refused re-check of the current password is told on a password form.
pub fn confirm_error(err: PasswordRefusal) -> PasswordError {
    match err {
        PasswordRefusal::TooManyAttempts => PasswordError::TooManyAttempts,
        PasswordRefusal::Busy => PasswordError::Busy,
        PasswordRefusal::Unavailable => PasswordError::Unavailable,
        _ => PasswordError::Unexpected,
    }
}
