//! The audit trail: who did what, when, from where, with what outcome. Every event is one
//! variant of [`Event`] and is written through [`record`], from the web and the command line
//! alike. Append-only; a failure to write is logged, never shown to the person.

use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{AuditRecord, Db};

/// Why a login failed, as the audit trail tells it (the person is told less).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginFailure {
    UnknownUser,
    UnknownTenant,
    WrongPassword,
    Locked,
    NotActive,
    NoCrmRight,
    NoServiceRight,
    NoSettingsRight,
    TemporaryPassword,
    PasswordLoginOff,
    IpLimit,
    /// A wrong (or reused) authenticator or recovery code at the second step.
    WrongCode,
    /// A passkey that is no one's, or whose signature or counter is wrong.
    WrongPasskey,
}

impl LoginFailure {
    fn as_str(self) -> &'static str {
        match self {
            LoginFailure::UnknownUser => "unknown user",
            LoginFailure::UnknownTenant => "unknown tenant",
            LoginFailure::WrongPassword => "wrong password",
            LoginFailure::Locked => "locked",
            LoginFailure::NotActive => "not active",
            LoginFailure::NoCrmRight => "no crm right",
            LoginFailure::NoServiceRight => "no service right",
            LoginFailure::NoSettingsRight => "no settings right",
            LoginFailure::TemporaryPassword => "temporary password",
            LoginFailure::PasswordLoginOff => "password login off",
            LoginFailure::IpLimit => "ip limit",
            LoginFailure::WrongCode => "wrong code",
            LoginFailure::WrongPasskey => "wrong passkey",
        }
    }
}

/// Everything the trail records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A sign-in (the completion step): to which app, by which method (`pwd`, `sso`, `link`,
    /// `passkey`, `pwd+otp`, …), through which identity provider.
    LoginSucceeded {
        app: &'static str,
        method: String,
        provider: Option<String>,
    },
    LoginFailed(LoginFailure),
    /// The third failure in a row: the soft lock starts.
    LockedOut,
    LoggedOut {
        app: &'static str,
    },
    AccountActivated,
    PasswordReset,
    PasswordChanged,
    PasswordChangeRefused,
    /// By an administrator (the command line, or a temporary one from Settings and maintenance).
    PasswordSet {
        temporary: bool,
    },
    ResetRequested,
    ResetRequestUnknown,
    ResetRequestLimited,
    HandoffIssued,
    HandoffRedeemed,
    HandoffRefused(String),
    SessionEnded,
    OtherSessionsEnded {
        count: u64,
    },
    OtherSessionsRefused,
    SessionsRevoked {
        count: u64,
    },
    UserInvited,
    InvitationResent,
    UserActivated,
    UserDeactivated,
    RoleAssigned {
        role: String,
    },
    RoleCreated,
    RoleChanged {
        detail: String,
    },
    RoleDeleted,
    TermsAccepted {
        version: i64,
    },
    /// "Reset login": a code was queued for an address with active accounts.
    TenantCodeSent,
    /// … or asked for an address without one (the person is told the same).
    TenantCodeUnknown,
    TenantCodeLimited,
    TenantCodeAccepted,
    TenantCodeRefused,
    TenantChosen,
    /// Single sign-on: a browser was sent to the provider.
    SsoStarted {
        provider: String,
    },
    SsoFailed {
        provider: Option<String>,
        reason: &'static str,
    },
    /// A provider identity was linked to a user (their first SSO login), on the strength of
    /// `proof`: the provider's own domain, the account's password, or an emailed code.
    SsoLinked {
        provider: String,
        proof: &'static str,
    },
    /// An administrator removed a user's link to a provider.
    SsoUnlinked {
        provider: String,
    },
    /// A user created with a password of their own (the command line).
    UserCreated,
    /// An app (Frontdoor as OpenID provider): tokens issued for a code, refreshed, revoked; a
    /// code or refresh token used twice (its family ended); a partner app allowed or denied.
    TokenIssued {
        app: String,
    },
    TokenRefreshed {
        app: String,
    },
    TokenRevoked {
        app: String,
    },
    CodeReused {
        app: String,
    },
    RefreshReused {
        app: String,
    },
    ConsentGiven {
        app: String,
    },
    ConsentDenied {
        app: String,
    },
    ConsentRevoked {
        app: String,
    },
    ClientAdded {
        app: String,
    },
    ClientRemoved {
        app: String,
    },
    ClientSecretRotated {
        app: String,
    },
    KeysRotated,
    SsoUserCreated {
        provider: String,
    },
    SsoActivated {
        provider: String,
    },
    SsoProviderAdded {
        name: String,
    },
    SsoProviderRemoved {
        name: String,
    },
    SignInPolicySet {
        detail: String,
    },
    /// Two-step verification: an authenticator set up, turned off, new recovery codes, a
    /// recovery code used (the codes left), every factor reset by an administrator.
    TwoStepSetUp,
    TwoStepTurnedOff,
    RecoveryCodesRenewed,
    RecoveryCodeUsed {
        left: i64,
    },
    TwoStepReset,
    PasskeyAdded {
        name: String,
    },
    PasskeyRenamed {
        name: String,
    },
    PasskeyRemoved {
        name: String,
    },
}

impl Event {
    /// (event, outcome, detail) as stored.
    fn parts(&self) -> (&'static str, &'static str, Option<String>) {
        match self {
            Event::LoginSucceeded { app, method, provider } => {
                let mut detail = Vec::new();
                if *app != "crm" {
                    detail.push(app.to_string());
                }
                match (provider, method.as_str()) {
                    (Some(provider), _) => detail.push(format!("sso: {provider}")),
                    (None, "pwd") => {}
                    (None, method) => detail.push(method.to_string()),
                }
                ("login", "success", (!detail.is_empty()).then(|| detail.join(", ")))
            }
            Event::LoginFailed(why) => ("login", "failure", Some(why.as_str().to_string())),
            Event::LockedOut => ("lockout", "locked", None),
            Event::LoggedOut { app } => ("logout", "success", (*app != "crm").then(|| app.to_string())),
            Event::AccountActivated => ("account.activate", "success", None),
            Event::PasswordReset => ("password.reset", "success", None),
            Event::PasswordChanged => ("password.change", "success", None),
            Event::PasswordChangeRefused => ("password.change", "failure", None),
            Event::PasswordSet { temporary } => ("password.set", "success", temporary.then(|| "temporary".into())),
            Event::ResetRequested => ("password.reset-request", "success", None),
            Event::ResetRequestUnknown => ("password.reset-request", "success", Some("no account".into())),
            Event::ResetRequestLimited => ("password.reset-request", "failure", Some("rate limit".into())),
            Event::HandoffIssued => ("service.handoff", "issued", None),
            Event::HandoffRedeemed => ("service.handoff", "success", None),
            Event::HandoffRefused(why) => ("service.handoff", "refused", Some(why.clone())),
            Event::SessionEnded => ("session.end", "success", None),
            Event::OtherSessionsEnded { count } => ("session.end-others", "success", Some(format!("{count} ended"))),
            Event::OtherSessionsRefused => ("session.end-others", "failure", Some("wrong password".into())),
            Event::SessionsRevoked { count } => ("session.revoke", "success", Some(format!("{count} ended"))),
            Event::UserInvited => ("user.invite", "success", None),
            Event::InvitationResent => ("user.invite-resend", "success", None),
            Event::RoleAssigned { role } => ("user.role", "success", Some(role.clone())),
            Event::RoleCreated => ("role.create", "success", None),
            Event::RoleChanged { detail } => ("role.change", "success", Some(detail.clone())),
            Event::RoleDeleted => ("role.delete", "success", None),
            Event::TermsAccepted { version } => ("terms.accept", "success", Some(format!("version {version}"))),
            Event::UserActivated => ("user.activate", "success", None),
            Event::UserDeactivated => ("user.deactivate", "success", None),
            Event::TenantCodeSent => ("tenant-choice.code", "success", None),
            Event::TenantCodeUnknown => ("tenant-choice.code", "success", Some("no account".into())),
            Event::TenantCodeLimited => ("tenant-choice.code", "failure", Some("rate limit".into())),
            Event::TenantCodeAccepted => ("tenant-choice.verify", "success", None),
            Event::TenantCodeRefused => ("tenant-choice.verify", "failure", None),
            Event::TenantChosen => ("tenant-choice.choose", "success", None),
            Event::SsoStarted { provider } => ("sso.start", "success", Some(provider.clone())),
            Event::SsoFailed { provider, reason } => (
                "sso.login",
                "failure",
                Some(match provider {
                    Some(provider) => format!("{reason} ({provider})"),
                    None => reason.to_string(),
                }),
            ),
            Event::SsoLinked { provider, proof } => match *proof {
                "domain" => ("sso.link", "success", Some(provider.clone())),
                proof => ("sso.link", "success", Some(format!("{provider} (proven by {proof})"))),
            },
            Event::SsoUnlinked { provider } => ("sso.unlink", "success", Some(provider.clone())),
            Event::UserCreated => ("user.create", "success", None),
            Event::TokenIssued { app } => ("app.token", "issued", Some(app.clone())),
            Event::TokenRefreshed { app } => ("app.token", "refreshed", Some(app.clone())),
            Event::TokenRevoked { app } => ("app.token", "revoked", Some(app.clone())),
            Event::CodeReused { app } => ("app.token", "failure", Some(format!("{app}: a code used twice"))),
            Event::RefreshReused { app } => {
                ("app.token", "failure", Some(format!("{app}: a refresh token used twice; its session ended")))
            }
            Event::ConsentGiven { app } => ("app.consent", "success", Some(app.clone())),
            Event::ConsentDenied { app } => ("app.consent", "failure", Some(app.clone())),
            Event::ConsentRevoked { app } => ("app.consent", "revoked", Some(app.clone())),
            Event::ClientAdded { app } => ("app.client", "added", Some(app.clone())),
            Event::ClientRemoved { app } => ("app.client", "removed", Some(app.clone())),
            Event::ClientSecretRotated { app } => ("app.client", "secret rotated", Some(app.clone())),
            Event::KeysRotated => ("app.keys", "rotated", None),
            Event::SsoUserCreated { provider } => ("user.create", "success", Some(format!("sso: {provider}"))),
            Event::SsoActivated { provider } => ("account.activate", "success", Some(format!("sso: {provider}"))),
            Event::SsoProviderAdded { name } => ("sso.provider-add", "success", Some(name.clone())),
            Event::SsoProviderRemoved { name } => ("sso.provider-remove", "success", Some(name.clone())),
            Event::SignInPolicySet { detail } => ("tenant.sign-in", "success", Some(detail.clone())),
            Event::TwoStepSetUp => ("two-step.setup", "success", None),
            Event::TwoStepTurnedOff => ("two-step.off", "success", None),
            Event::RecoveryCodesRenewed => ("two-step.recovery-codes", "renewed", None),
            Event::RecoveryCodeUsed { left } => ("two-step.recovery-codes", "used", Some(format!("{left} left"))),
            Event::TwoStepReset => ("two-step.reset", "success", None),
            Event::PasskeyAdded { name } => ("passkey.add", "success", Some(name.clone())),
            Event::PasskeyRenamed { name } => ("passkey.rename", "success", Some(name.clone())),
            Event::PasskeyRemoved { name } => ("passkey.remove", "success", Some(name.clone())),
        }
    }
}

/// Whom an event is about: a user (and their tenant), or only what was typed (a login name, a
/// role's name).
#[derive(Clone, Copy, Debug, Default)]
pub struct Subject<'a> {
    pub tenant_id: Option<i64>,
    pub user_id: Option<i64>,
    /// What the actor typed (a login name, an address) when there is no user.
    pub typed: Option<&'a str>,
}

impl<'a> Subject<'a> {
    pub fn user(tenant_id: i64, user_id: i64) -> Self {
        Subject { tenant_id: Some(tenant_id), user_id: Some(user_id), typed: None }
    }

    pub fn typed(name: &'a str) -> Self {
        Subject { typed: Some(name), ..Subject::default() }
    }

    /// Something of a tenant, no user in particular.
    pub fn tenant(tenant_id: i64) -> Self {
        Subject { tenant_id: Some(tenant_id), ..Subject::default() }
    }

    /// Something of a tenant that is not a user (a role), by its name.
    pub fn named(tenant_id: i64, name: &'a str) -> Self {
        Subject { tenant_id: Some(tenant_id), user_id: None, typed: Some(name) }
    }
}

/// Where an event came from: a request's client, an administrator's request (the actor is
/// recorded too), or the command line (no client).
pub enum Origin<'a> {
    Client(&'a ClientInfo),
    Admin { client: &'a ClientInfo, actor_id: i64 },
    CommandLine,
}

/// Writes one event. A failure is logged (with the event's name) and otherwise ignored: the
/// trail must never stop a person from logging in.
pub async fn record(db: &Db, clock: &Clock, event: Event, subject: Subject<'_>, origin: Origin<'_>) {
    let (name, outcome, detail) = event.parts();
    let actor_id = match origin {
        Origin::Admin { actor_id, .. } => Some(actor_id),
        _ => None,
    };
    let (ip, user_agent, detail) = match origin {
        Origin::Client(client) | Origin::Admin { client, .. } => {
            (Some(client.ip.to_string()), Some(client.user_agent.as_str()), detail)
        }
        Origin::CommandLine => {
            (None, None, Some(detail.map_or_else(|| "command line".to_string(), |d| format!("{d}, command line"))))
        }
    };
    let row = AuditRecord {
        tenant_id: subject.tenant_id,
        user_id: subject.user_id,
        subject: subject.typed,
        event: name,
        outcome,
        ip: ip.as_deref(),
        user_agent,
        detail: detail.as_deref(),
        actor_id,
    };
    if let Err(err) = db.audit(&row, clock.now()).await {
        tracing::error!(error = %err, event = name, "could not write an audit event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event the trail records is a kind the audit log can filter on and name.
    #[test]
    fn every_event_is_a_kind_the_audit_log_names() {
        let events = [
            Event::LoginSucceeded { app: "crm", method: "pwd".into(), provider: None },
            Event::LoginFailed(LoginFailure::WrongPassword),
            Event::LockedOut,
            Event::LoggedOut { app: "crm" },
            Event::AccountActivated,
            Event::PasswordReset,
            Event::PasswordChanged,
            Event::PasswordChangeRefused,
            Event::PasswordSet { temporary: true },
            Event::ResetRequested,
            Event::ResetRequestUnknown,
            Event::ResetRequestLimited,
            Event::HandoffIssued,
            Event::HandoffRedeemed,
            Event::HandoffRefused("x".into()),
            Event::SessionEnded,
            Event::OtherSessionsEnded { count: 1 },
            Event::OtherSessionsRefused,
            Event::SessionsRevoked { count: 1 },
            Event::UserInvited,
            Event::InvitationResent,
            Event::UserActivated,
            Event::UserDeactivated,
            Event::RoleAssigned { role: "User".into() },
            Event::RoleCreated,
            Event::RoleChanged { detail: "x".into() },
            Event::RoleDeleted,
            Event::TermsAccepted { version: 1 },
            Event::TenantCodeSent,
            Event::TenantCodeUnknown,
            Event::TenantCodeLimited,
            Event::TenantCodeAccepted,
            Event::TenantCodeRefused,
            Event::TenantChosen,
            Event::SsoStarted { provider: "p".into() },
            Event::SsoFailed { provider: None, reason: "r" },
            Event::SsoLinked { provider: "p".into(), proof: "password" },
            Event::SsoUnlinked { provider: "p".into() },
            Event::UserCreated,
            Event::TokenIssued { app: "a".into() },
            Event::TokenRefreshed { app: "a".into() },
            Event::TokenRevoked { app: "a".into() },
            Event::CodeReused { app: "a".into() },
            Event::RefreshReused { app: "a".into() },
            Event::ConsentGiven { app: "a".into() },
            Event::ConsentDenied { app: "a".into() },
            Event::ConsentRevoked { app: "a".into() },
            Event::ClientAdded { app: "a".into() },
            Event::ClientRemoved { app: "a".into() },
            Event::ClientSecretRotated { app: "a".into() },
            Event::KeysRotated,
            Event::SsoUserCreated { provider: "p".into() },
            Event::SsoActivated { provider: "p".into() },
            Event::SsoProviderAdded { name: "p".into() },
            Event::SsoProviderRemoved { name: "p".into() },
            Event::SignInPolicySet { detail: "x".into() },
            Event::TwoStepSetUp,
            Event::TwoStepTurnedOff,
            Event::RecoveryCodesRenewed,
            Event::RecoveryCodeUsed { left: 2 },
            Event::TwoStepReset,
            Event::PasskeyAdded { name: "p".into() },
            Event::PasskeyRenamed { name: "p".into() },
            Event::PasskeyRemoved { name: "p".into() },
        ];
        for event in events {
            let (kind, _, _) = event.parts();
            assert!(app::model::AUDIT_KINDS.contains(&kind), "{kind} is not in AUDIT_KINDS");
            assert!(app::model::audit_kind_msg(kind).is_some(), "{kind} has no name");
        }
    }

    #[test]
    fn a_login_says_its_method_and_provider() {
        let detail = |app, method, provider: Option<&str>| {
            Event::LoginSucceeded { app, method: String::from(method), provider: provider.map(str::to_string) }
                .parts()
                .2
        };
        assert_eq!(detail("crm", "pwd", None), None);
        assert_eq!(detail("crm", "sso", Some("Acme IdP")).as_deref(), Some("sso: Acme IdP"));
        assert_eq!(detail("settings", "pwd", None).as_deref(), Some("settings"));
        assert_eq!(detail("crm", "link", None).as_deref(), Some("link"));
        assert_eq!(detail("crm", "pwd+otp", None).as_deref(), Some("pwd+otp"));
    }
}
