//! The one completion step after any proof of identity. Nothing else opens a session.

use super::{Method, Verified};
use crate::audit::{self, Event, LoginFailure, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, NewSession, Tenant, UserRecord, UserStatus};
use crate::sessions::NewToken;
use crate::tokens::{hash_token, Token};

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
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
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
    pub devices: Devices<'a>,
    /// A hand-off: the hash of the session this one continues, and ends with.
    pub parent: Option<&'a str>,
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
        if method.is_password() && app == App::Crm && !tenant.password_login {
            return Err(Refusal::PasswordLoginOff);
        }
        Ok(())
    }

    /// Everything after a proof of identity: the checks, then the session.
    pub async fn complete(&self, verified: Verified, door: Door<'_>) -> Result<SignedIn, SignInError> {
        let Verified { user, tenant, method, auth_time, provider } = verified;
        let subject = Subject::user(tenant.id, user.id);
        if let Err(refusal) = self.check(&user, method, &door, &tenant).await? {
            self.audit(Event::LoginFailed(refusal.audited_as()), subject, door.client).await;
            return Err(SignInError::Refused(refusal));
        }
        let now = self.clock.now();
        if let Some(previous) = door.previous_session {
            self.db.delete_session(&hash_token(previous)).await?;
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
                    method: method.as_str(),
                    auth_time,
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
            let event = Event::LoginSucceeded { app: door.app.as_str(), method: method.as_str(), provider };
            self.audit(event, subject, door.client).await;
            tracing::info!(user_id = user.id, tenant = %tenant.slug, app = door.app.as_str(), method = method.as_str(), "signed in");
        }
        Ok(SignedIn {
            session: NewToken { token, lifetime_secs: lifetime },
            user_id: user.id,
            tenant,
            new_device,
            must_change_password: user.must_change_password,
        })
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
