//! The sign-in core (after kanidm's `idm/authsession`). Each way of proving who you are is a
//! handler that answers "verified as this user of this tenant, by this method" or a refusal of
//! its own: [`password`], [`link`] (activation and reset links), [`sso`] (OpenID Connect, the
//! relying party), [`passkey`] (WebAuthn), and [`second_step`] (an authenticator or recovery
//! code after the first). Everything after the proof is [`complete::Completion`], the one place
//! that checks the account's status, the role's right to the app and the tenant's sign-in
//! policy, decides whether a second factor is due, ends the browser's previous session, opens
//! the new one (with its method, `auth_time` and second factor), records the last login, issues
//! the device cookie and writes the audit event.

pub mod complete;
pub mod link;
pub mod otp;
pub mod passkey;
pub mod password;
pub mod second_step;
pub mod sso;

pub use complete::{Completion, Devices, Door, PendingStep, Refusal, SignInError, SignedIn};

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
    /// A passkey: the device and its fingerprint, face or PIN, two factors in one.
    Passkey,
}

impl Method {
    /// As stored on the session row (and, later, the basis of the `amr` claim).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "pwd",
            Method::Sso => "sso",
            Method::Link => "link",
            Method::Passkey => "passkey",
        }
    }

    pub fn parse(raw: &str) -> Option<Method> {
        [Method::Password, Method::Sso, Method::Link, Method::Passkey].into_iter().find(|m| m.as_str() == raw)
    }

    /// Whether the way in is one Frontdoor keeps itself (a password, chosen here or typed, or
    /// a passkey) rather than the tenant's identity provider: "password login off" applies to
    /// these, so that an account the provider disables cannot come in another way.
    pub fn is_local(self) -> bool {
        matches!(self, Method::Password | Method::Link | Method::Passkey)
    }
}

/// A second factor, after a password, a link or a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Factor {
    /// A code from an authenticator app (RFC 6238).
    Authenticator,
    /// One of the person's recovery codes.
    RecoveryCode,
    /// A passkey, asked after a password.
    Passkey,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Authenticator => "otp",
            Factor::RecoveryCode => "recovery",
            Factor::Passkey => "passkey",
        }
    }
}

/// The second factor of a sign-in: which, and when it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecondFactor {
    pub factor: Option<Factor>,
    pub at: i64,
}

impl SecondFactor {
    /// The second factor a session records (carried on by a hand-off or a password change).
    pub fn of_session(method: &str, at: Option<i64>) -> Option<SecondFactor> {
        let factor = match method.split_once('+').map(|(_, second)| second) {
            Some("otp") => Some(Factor::Authenticator),
            Some("recovery") => Some(Factor::RecoveryCode),
            Some("passkey") => Some(Factor::Passkey),
            _ => None,
        };
        at.map(|at| SecondFactor { factor, at })
    }
}

/// A session's method once `factor` was given in it (an authenticator or a passkey just set
/// up proves the person has it): `pwd` becomes `pwd+otp`; a method with a second factor already,
/// or a passkey's, stays.
pub fn method_with_factor(method: &str, factor: Factor, at: i64) -> String {
    match Method::parse(method) {
        Some(first) => session_method(first, Some(SecondFactor { factor: Some(factor), at })),
        None => method.to_string(),
    }
}

/// How a session says it was signed in: `pwd`, `sso`, `passkey`, `pwd+otp`, `pwd+recovery`, …
pub fn session_method(method: Method, second: Option<SecondFactor>) -> String {
    match second.and_then(|s| s.factor) {
        Some(factor) if method != Method::Passkey => format!("{}+{}", method.as_str(), factor.as_str()),
        _ => method.as_str().to_string(),
    }
}

/// The first factor of a session's method (`pwd+otp` is a password sign-in).
pub fn first_method(session_method: &str) -> Method {
    let first = session_method.split_once('+').map_or(session_method, |(first, _)| first);
    Method::parse(first).unwrap_or(Method::Password)
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
    /// The second factor given (or carried over from the session this sign-in continues).
    pub second_factor: Option<SecondFactor>,
}
