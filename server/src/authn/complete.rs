//! The one completion step after any proof of identity. Nothing else opens a session.

use super::{session_method, Method, Verified};
use crate::audit::{self, Event, LoginFailure, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, NewSession, SecondStepRow, Tenant, TwoStepPolicy, UserRecord, UserStatus};
use crate::sessions::NewToken;
use crate::tokens::{hash_token, Token};

/// A sign-in waiting for its second step lasts this long.
pub const SECOND_STEP_SECS: i64 = 5 * 60;
/// Settings and maintenance asks for the second factor again when this browser's CRM session
/// gave its own longer ago than this (step-up).
pub const STEP_UP_SECS: i64 = 12 * 3600;

/// Why a verified person may not have the session they asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Invited or deactivated.
    NotActive,
    /// The role does not include the app.
    NoRight(App),
    /// The tenant signs in through its identity providers only.
    PasswordLoginOff,
    /// A temporary password opens the CRM's Change password only.
    TemporaryPassword,
}

impl Refusal {
    fn audited_as(self) -> LoginFailure {
        match self {
            Refusal::NotActive => LoginFailure::NotActive,
            Refusal::NoRight(App::Settings) => LoginFailure::NoSettingsRight,
            Refusal::NoRight(App::Service) => LoginFailure::NoServiceRight,
            Refusal::NoRight(App::Crm | App::Client) => LoginFailure::NoCrmRight,
            Refusal::PasswordLoginOff => LoginFailure::PasswordLoginOff,
            Refusal::TemporaryPassword => LoginFailure::TemporaryPassword,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The first step was right; the second is due. Nothing is open yet.
    #[error("second step due")]
    SecondStepDue(PendingStep),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

/// A sign-in whose second step is due: the browser's half-signed-in cookie holds the token.
pub struct PendingStep {
    pub token: Token,
    /// A second factor is required and none is set up: enrolment comes first.
    pub enrol: bool,
}

impl std::fmt::Debug for PendingStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingStep").field("enrol", &self.enrol).finish_non_exhaustive()
    }
}

/// What the tenant's policy and the person's factors ask of a sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// Nothing more; with the second factor this browser's CRM session gave recently, if any.
    Nothing(Option<i64>),
    /// A code (or a passkey) from what the person set up.
    Verify,
    /// Required, and not set up: set it up now.
    Enrol,
}

/// The device tokens a browser carries: its device cookie is issued when none is this user's.
#[derive(Clone, Copy)]
pub enum Devices<'a> {
    /// The handler found one of this user's devices among them already.
    Known,
    /// The raw tokens of the browser's device cookie.
    Carried(&'a [String]),
    /// No device cookie for this way in (a hand-off to another origin).
    NotIssued,
}

/// Where the session is for, and what the browser brings.
pub struct Door<'a> {
    pub app: App,
    pub client: &'a ClientInfo,
    /// The session of `app` this browser holds now: a sign-in ends it (a new id every time).
    pub previous_session: Option<&'a str>,
    /// The hash of the session of `app` the browser held when the sign-in began, carried by a
    /// second step (whose page a Settings cookie never reaches): it ends too.
    pub replaces: Option<&'a str>,
    pub devices: Devices<'a>,
    /// A hand-off: the hash of the session this one continues, and ends with.
    pub parent: Option<&'a str>,
    /// Where to go once signed in (kept while the second step is asked).
    pub next: Option<&'a str>,
    /// The raw token of this browser's CRM session: a login to Settings and maintenance within
    /// [`STEP_UP_SECS`] of that session's second factor is not asked again.
    pub crm_session: Option<&'a str>,
}

impl<'a> Door<'a> {
    /// A door with nothing but the app and the client (the fields after are for flows that
    /// have them).
    pub fn to(app: App, client: &'a ClientInfo) -> Door<'a> {
        Door {
            app,
            client,
            previous_session: None,
            replaces: None,
            devices: Devices::NotIssued,
            parent: None,
            next: None,
            crm_session: None,
        }
    }
}

/// A new session, and what the pages need to know about it.
pub struct SignedIn {
    pub session: NewToken,
    pub user_id: i64,
    pub tenant: Tenant,
    /// A device token for this browser's cookie, on its first sign-in as this user.
    pub new_device: Option<Token>,
    /// The password is a temporary one from an administrator: it must be changed first.
    pub must_change_password: bool,
}

pub struct Completion<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
}

impl Completion<'_> {
    /// The tenant's sign-in policy for a method and app, on its own: what a flow asks before it
    /// lets someone choose a password that the policy would not let them use.
    pub fn policy(method: Method, app: App, tenant: &Tenant) -> Result<(), Refusal> {
        // Settings and maintenance keeps its own password login: it has no other.
        if method.is_local() && app == App::Crm && !tenant.password_login {
            return Err(Refusal::PasswordLoginOff);
        }
        Ok(())
    }

    /// Everything after a proof of identity: the checks, the second step when one is due
    /// ([`SignInError::SecondStepDue`]), then the session.
    pub async fn complete(&self, verified: Verified, door: Door<'_>) -> Result<SignedIn, SignInError> {
        let subject = Subject::user(verified.tenant.id, verified.user.id);
        if let Err(refusal) = self.check(&verified.user, verified.method, &door, &verified.tenant).await? {
            self.audit(Event::LoginFailed(refusal.audited_as()), subject, door.client).await;
            return Err(SignInError::Refused(refusal));
        }
        let now = self.clock.now();
        let mut second_factor_at = verified.second_factor.map(|s| s.at);
        match self.due(&verified, &door, now).await? {
            Due::Nothing(recent) => second_factor_at = second_factor_at.or(recent),
            due => {
                let token = Token::generate();
                let step = SecondStepRow {
                    user_id: verified.user.id,
                    app: door.app,
                    method: verified.method.as_str().to_string(),
                    auth_time: verified.auth_time,
                    return_to: door.next.map(str::to_string),
                    enrol: due == Due::Enrol,
                    replaces_hash: door.previous_session.map(hash_token),
                };
                self.db.insert_second_step(&token.hash(), &step, now, now + SECOND_STEP_SECS).await?;
                return Err(SignInError::SecondStepDue(PendingStep { token, enrol: step.enrol }));
            }
        }
        let Verified { user, tenant, method, auth_time, provider, second_factor } = verified;
        let method_text = session_method(method, second_factor);
        if let Some(previous) = door.previous_session {
            self.db.delete_session(&hash_token(previous)).await?;
        }
        if let Some(replaced) = door.replaces {
            self.db.delete_session(replaced).await?;
        }
        let token = Token::generate();
        let public_id = Token::generate().expose()[..16].to_string();
        let (idle, lifetime) = tenant.session_limits(door.app);
        self.db
            .insert_session(
                &NewSession {
                    token_hash: &token.hash(),
                    public_id: &public_id,
                    user_id: user.id,
                    tenant_id: tenant.id,
                    app: door.app,
                    expires_at: now + lifetime,
                    idle_timeout_secs: idle,
                    ip: &door.client.ip.to_string(),
                    user_agent: &door.client.user_agent,
                    parent_hash: door.parent,
                    method: &method_text,
                    auth_time,
                    second_factor_at,
                },
                now,
            )
            .await?;
        let new_device = match door.devices {
            Devices::Known | Devices::NotIssued => None,
            Devices::Carried(raw) => {
                let hashes: Vec<String> = raw.iter().map(|t| hash_token(t)).collect();
                let known = self.db.device_of(&user.login_name, &hashes).await?.is_some_and(|d| d.user_id == user.id);
                if known {
                    None
                } else {
                    let device = Token::generate();
                    self.db.insert_device(&device.hash(), user.id, now).await?;
                    Some(device)
                }
            }
        };
        // A hand-off continues a sign-in; it is not a login of its own.
        if door.parent.is_none() {
            self.db.record_login(user.id, now).await?;
            let event = Event::LoginSucceeded { app: door.app.as_str(), method: method_text.clone(), provider };
            self.audit(event, subject, door.client).await;
            tracing::info!(user_id = user.id, tenant = %tenant.slug, app = door.app.as_str(), method = %method_text, "signed in");
        }
        Ok(SignedIn {
            session: NewToken { token, lifetime_secs: lifetime },
            user_id: user.id,
            tenant,
            new_device,
            must_change_password: user.must_change_password,
        })
    }

    /// Whether a second factor is due: never for a hand-off (its parent had the say) or a
    /// sign-in that has one; not for a provider's sign-in unless the tenant says so; else when
    /// the person set one up, or the policy requires one (after the grace, for everyone).
    async fn due(&self, verified: &Verified, door: &Door<'_>, now: i64) -> sqlx::Result<Due> {
        let tenant = &verified.tenant;
        if door.parent.is_some()
            || verified.second_factor.is_some()
            || verified.method == Method::Passkey
            || tenant.two_step == TwoStepPolicy::Off
            || (verified.method == Method::Sso && !tenant.two_step_for_sso)
        {
            return Ok(Due::Nothing(None));
        }
        let required = tenant.two_step.requires(door.app);
        let factors = self.db.factors(verified.user.id).await?;
        let set_up = factors.authenticator || factors.passkeys > 0;
        if !set_up && !required {
            return Ok(Due::Nothing(None));
        }
        if door.app == App::Settings {
            if let Some(at) = self.recent_crm_factor(verified.user.id, door.crm_session, now).await? {
                return Ok(Due::Nothing(Some(at)));
            }
        }
        if set_up {
            return Ok(Due::Verify);
        }
        // Required and not set up: everyone gets a few logins first, Settings and maintenance
        // none.
        let grace = door.app != App::Settings && tenant.two_step == TwoStepPolicy::Required;
        if grace && self.db.use_two_step_grace(verified.user.id, tenant.two_step_grace).await? {
            return Ok(Due::Nothing(None));
        }
        Ok(Due::Enrol)
    }

    /// When this browser's live CRM session of the same person gave its second factor, if that
    /// was within [`STEP_UP_SECS`].
    async fn recent_crm_factor(&self, user_id: i64, crm: Option<&str>, now: i64) -> sqlx::Result<Option<i64>> {
        let Some(raw) = crm else { return Ok(None) };
        let session = self.db.session_by_hash(&hash_token(raw)).await?;
        Ok(session
            .filter(|s| s.app == App::Crm && s.user_id == user_id && !s.is_expired(now))
            .and_then(|s| s.second_factor_at)
            .filter(|at| now - at < STEP_UP_SECS))
    }

    async fn check(
        &self,
        user: &UserRecord,
        method: Method,
        door: &Door<'_>,
        tenant: &Tenant,
    ) -> sqlx::Result<Result<(), Refusal>> {
        if user.status != UserStatus::Active {
            return Ok(Err(Refusal::NotActive));
        }
        if !self.db.role_allows(user.role_id, door.app).await? {
            return Ok(Err(Refusal::NoRight(door.app)));
        }
        if let Err(refusal) = Self::policy(method, door.app, tenant) {
            return Ok(Err(refusal));
        }
        if user.must_change_password && method == Method::Password && door.app == App::Settings {
            return Ok(Err(Refusal::TemporaryPassword));
        }
        Ok(Ok(()))
    }

    async fn audit(&self, event: Event, subject: Subject<'_>, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
    }
}
