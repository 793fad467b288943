//! Password login, to the CRM or to Settings and maintenance: the password handler proves who
//! it is, the completion step does the rest. Only a *successful* login without a named or
//! remembered tenant says that the name is a user in other tenants too.

use crate::authn::password::{self, PasswordCheck, PasswordRefusal};
use crate::authn::{Completion, Devices, Door, PendingStep, Refusal, SignInError, SignedIn};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db};
use crate::hashing::PasswordHasher;
use crate::limits::Limits;
use secrecy::SecretString;

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
    pub devices: &'a [String],
    /// The session of `app` this browser holds now: a login ends it.
    pub previous_session: Option<&'a str>,
    /// This browser's CRM session (a login to Settings and maintenance soon after that
    /// session's second factor is not asked again).
    pub crm_session: Option<&'a str>,
    /// Where to go once signed in (kept while a second step is asked).
    pub next: Option<&'a str>,
}

pub enum LoggedIn {
    SignedIn {
        signed_in: SignedIn,
        /// No tenant was named or remembered, and this login name is an active user in other
        /// tenants too: the start page says so (only after the right password).
        other_tenants: bool,
    },
    /// The password was right; the second step is due.
    SecondStep(PendingStep),
}

/// Why a password login did not open a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginRefused {
    /// The password proved nobody (or could not be checked now).
    Password(PasswordRefusal),
    /// The right password, but the completion step said no.
    Refused(Refusal),
    Unavailable,
}

fn storage(err: sqlx::Error) -> LoginRefused {
    tracing::error!(error = %err, "login: storage failed");
    LoginRefused::Unavailable
}

impl Login<'_> {
    pub async fn log_in(&self, attempt: Attempt<'_>) -> Result<LoggedIn, LoginRefused> {
        let check = PasswordCheck { db: self.db, clock: self.clock, hasher: self.hasher, limits: self.limits };
        let proven = check
            .verify(password::Attempt {
                tenant_slug: attempt.tenant_slug,
                remembered_tenant: attempt.remembered_tenant,
                user_id: attempt.user_id,
                password: attempt.password,
                client: attempt.client,
                devices: attempt.devices,
            })
            .await
            .map_err(LoginRefused::Password)?;
        let login_name = proven.verified.user.login_name.clone();
        let door = Door {
            app: attempt.app,
            client: attempt.client,
            previous_session: attempt.previous_session,
            replaces: None,
            devices: if proven.known_device { Devices::Known } else { Devices::Carried(attempt.devices) },
            parent: None,
            next: attempt.next,
            crm_session: attempt.crm_session,
        };
        let completion = Completion { db: self.db, clock: self.clock };
        let signed_in = match completion.complete(proven.verified, door).await {
            Ok(signed_in) => signed_in,
            Err(SignInError::SecondStepDue(pending)) => return Ok(LoggedIn::SecondStep(pending)),
            Err(SignInError::Refused(refusal)) => return Err(LoginRefused::Refused(refusal)),
            Err(SignInError::Storage(err)) => return Err(storage(err)),
        };
        let other_tenants = attempt.app == App::Crm
            && attempt.tenant_slug.is_none()
            && attempt.remembered_tenant.is_none()
            && self.db.count_active_accounts(&login_name).await.map_err(storage)? > 1;
        Ok(LoggedIn::SignedIn { signed_in, other_tenants })
    }

    /// A signed-in person's password, asked again before something that needs it.
    pub fn password_check(&self) -> PasswordCheck<'_> {
        PasswordCheck { db: self.db, clock: self.clock, hasher: self.hasher, limits: self.limits }
    }
}
