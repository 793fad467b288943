//! The sign-in core (after kanidm's `idm/authsession`). Each way of proving who you are is a
//! handler that answers "verified as this user of this tenant, by this method" or a refusal of
//! its own: [`password`], [`link`] (activation and reset links), [`sso`] (OpenID Connect, the
//! relying party). Everything after the proof is [`complete::Completion`], the one place that
//! checks the account's status, the role's right to the app and the tenant's sign-in policy,
//! ends the browser's previous session, opens the new one (with its method and `auth_time`),
//! records the last login, issues the device cookie and writes the audit event.

pub mod complete;
pub mod link;
pub mod password;
pub mod sso;

pub use complete::{Completion, Devices, Door, Refusal, SignInError, SignedIn};

use crate::db::{Tenant, UserRecord};

/// How a person proved who they are; a session row says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A password (the CRM's or Settings and maintenance's login, or Change password).
    Password,
    /// Their organisation's identity provider (OpenID Connect).
    Sso,
    /// An emailed link (activation with a chosen password).
    Link,
}

impl Method {
    /// As stored on the session row (and, later, the basis of the `amr` claim).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "pwd",
            Method::Sso => "sso",
            Method::Link => "link",
        }
    }

    pub fn parse(raw: &str) -> Option<Method> {
        [Method::Password, Method::Sso, Method::Link].into_iter().find(|m| m.as_str() == raw)
    }

    /// Whether the person chose or typed a password here: the tenant's "password login off"
    /// applies to these.
    pub fn is_password(self) -> bool {
        matches!(self, Method::Password | Method::Link)
    }
}

/// A handler's answer: this user of this tenant, by this method, at this time.
pub struct Verified {
    pub user: UserRecord,
    pub tenant: Tenant,
    pub method: Method,
    /// When the proof was made (a hand-off carries its parent session's).
    pub auth_time: i64,
    /// The identity provider, when there was one (for the audit trail).
    pub provider: Option<String>,
}
