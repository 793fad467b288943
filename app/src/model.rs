//! What the browser and the server say to each other: the types both sides share. Server
//! functions (`api`) and the server's port (`backend`) are built on these.

use crate::domain::PasswordChoiceError;
use crate::i18n::Msg;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

pub use crate::domain::LinkKind;

/// The person behind the current session, as the pages may show them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub name: String,
    pub login_name: String,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub can_service: bool,
    pub can_admin: bool,
}

/// Where on the form a message belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    UserId,
    Password,
    Form,
}

/// Whether a server-function error was the caller's fault: malformed arguments are answered
/// 400, never 500. The status is set here because the function body never runs for them.
fn is_bad_request(err: &ServerFnErrorErr) -> bool {
    let bad = matches!(
        err,
        ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_)
    );
    #[cfg(feature = "ssr")]
    if bad {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::BAD_REQUEST);
        }
    }
    bad
}

/// Every way a login can fail, as the person is told. Deliberately one variant for unknown
/// users, unknown tenants, wrong passwords and locked accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LoginError {
    #[error("missing user id")]
    EnterUserId,
    #[error("user id too long")]
    UserIdTooLong,
    #[error("missing password")]
    EnterPassword,
    #[error("password too long")]
    PasswordTooLong,
    #[error("wrong user id or password")]
    WrongCredentials,
    #[error("account not active")]
    NotActive,
    #[error("the role has no right to the CRM")]
    NoCrmRight,
    #[error("the role has no right to Settings and maintenance")]
    NoSettingsRight,
    #[error("the password is temporary and must be changed first")]
    TemporaryPassword,
    #[error("too many attempts from this address")]
    TooManyAttempts,
    #[error("server busy")]
    Busy,
    #[error("the form could not be read")]
    FormUnreadable,
    #[error("storage unavailable")]
    Unavailable,
    #[error("unexpected error")]
    Unexpected,
    #[error("the identity provider cannot be reached")]
    ProviderUnavailable,
    #[error("the tenant signs in with single sign-on only")]
    PasswordLoginOff,
}

impl LoginError {
    /// Every variant: the login island is sent the text of each, as it may show any of them.
    pub const ALL: [LoginError; 16] = [
        LoginError::EnterUserId,
        LoginError::UserIdTooLong,
        LoginError::EnterPassword,
        LoginError::PasswordTooLong,
        LoginError::WrongCredentials,
        LoginError::NotActive,
        LoginError::NoCrmRight,
        LoginError::NoSettingsRight,
        LoginError::TemporaryPassword,
        LoginError::TooManyAttempts,
        LoginError::Busy,
        LoginError::FormUnreadable,
        LoginError::Unavailable,
        LoginError::Unexpected,
        LoginError::ProviderUnavailable,
        LoginError::PasswordLoginOff,
    ];

    pub fn msg(&self) -> Msg {
        match self {
            LoginError::EnterUserId => Msg::EnterUserId,
            LoginError::UserIdTooLong => Msg::UserIdTooLong,
            LoginError::EnterPassword => Msg::EnterPassword,
            LoginError::PasswordTooLong => Msg::PasswordTooLong,
            LoginError::WrongCredentials => Msg::WrongCredentials,
            LoginError::NotActive => Msg::AccountNotActive,
            LoginError::NoCrmRight => Msg::NoCrmRight,
            LoginError::NoSettingsRight => Msg::NoSettingsRight,
            LoginError::TemporaryPassword => Msg::TemporaryPasswordFirst,
            LoginError::TooManyAttempts => Msg::TooManyAttempts,
            LoginError::Busy => Msg::ServerBusy,
            LoginError::FormUnreadable => Msg::FormUnreadable,
            LoginError::Unavailable => Msg::TryAgainLater,
            LoginError::Unexpected => Msg::Unexpected,
            LoginError::ProviderUnavailable => Msg::HomeRealmUnavailable,
            LoginError::PasswordLoginOff => Msg::PasswordLoginOff,
        }
    }

    pub fn field(&self) -> Field {
        match self {
            LoginError::EnterUserId | LoginError::UserIdTooLong => Field::UserId,
            LoginError::EnterPassword | LoginError::PasswordTooLong => Field::Password,
            _ => Field::Form,
        }
    }

    /// The HTTP status a failed login answers with, on the form and server-function paths alike.
    pub fn http_status(&self) -> u16 {
        match self {
            LoginError::EnterUserId
            | LoginError::UserIdTooLong
            | LoginError::EnterPassword
            | LoginError::PasswordTooLong => 422,
            LoginError::WrongCredentials => 401,
            LoginError::NotActive
            | LoginError::NoCrmRight
            | LoginError::NoSettingsRight
            | LoginError::TemporaryPassword
            | LoginError::PasswordLoginOff => 403,
            LoginError::ProviderUnavailable => 502,
            LoginError::TooManyAttempts => 429,
            LoginError::Busy | LoginError::Unavailable => 503,
            LoginError::FormUnreadable => 400,
            LoginError::Unexpected => 500,
        }
    }

    /// Seconds to wait before trying again, where that is the remedy.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            LoginError::TooManyAttempts => Some(60),
            LoginError::Busy | LoginError::Unavailable => Some(1),
            _ => None,
        }
    }
}

impl FromServerFnError for LoginError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        if is_bad_request(&err) {
            LoginError::FormUnreadable
        } else {
            LoginError::Unexpected
        }
    }
}

/// Failures of the other server functions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    /// Signed in, but without the right (or the accepted Terms) this needs.
    #[error("forbidden")]
    Forbidden,
    #[error("the request could not be read")]
    BadRequest,
    #[error("storage unavailable")]
    Unavailable,
    #[error("unexpected error")]
    Unexpected,
}

impl AppError {
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::Forbidden => 403,
            AppError::BadRequest => 400,
            AppError::Unavailable => 503,
            AppError::Unexpected => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        if is_bad_request(&err) {
            AppError::BadRequest
        } else {
            AppError::Unexpected
        }
    }
}

/// One row of the sessions page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub public_id: String,
    /// `crm`, `service`, `settings`, or `client` (an app signed in through Frontdoor).
    pub app: String,
    /// An app's name, for its sessions.
    #[serde(default)]
    pub app_name: Option<String>,
    pub browser: String,
    pub address: String,
    pub started: String,
    pub last_seen: String,
    pub current: bool,
}

/// An app registered to sign in through Frontdoor, as Settings and maintenance lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientListRow {
    pub client_id: String,
    pub name: String,
    pub native: bool,
    pub first_party: bool,
    pub redirect_uris: Vec<String>,
}

/// A partner app the person allowed to sign them in ("Apps with access").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppAccess {
    pub client_id: String,
    pub name: String,
    pub granted: String,
}

/// What a failed plain-form login hands back to the re-rendered page, so that nothing the
/// person typed (but the password) is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginEcho {
    pub user_id: String,
    pub error: Option<LoginError>,
}

/// Whose password is being chosen, as the page may show it. `user_inputs` are the person's own
/// details, which the strength meter counts as easy guesses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordOwner {
    pub name: String,
    pub login_name: String,
    pub tenant_name: String,
    pub user_inputs: Vec<String>,
    /// False for people who sign in only through single sign-on.
    pub has_password: bool,
    /// An invitation's tenant's providers ("Activate with …").
    #[serde(default)]
    pub sso: Vec<SsoButton>,
    /// Whether the tenant lets people log in with a password (else only the providers show).
    #[serde(default = "yes")]
    pub password_login: bool,
}

fn yes() -> bool {
    true
}

/// Where on a password form a message belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordField {
    Current,
    New,
    Confirm,
    Email,
    Form,
}

/// Every way choosing, changing or recovering a password can fail, as the person is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PasswordError {
    #[error("no password given")]
    EnterPassword,
    #[error("password too short")]
    TooShort,
    #[error("password too long")]
    TooLong,
    #[error("the passwords differ")]
    Mismatch,
    #[error("the password contains the person's own details")]
    ContainsPersonal,
    #[error("password too easy to guess")]
    TooWeak(strength::Strength),
    #[error("no current password given")]
    EnterCurrent,
    #[error("wrong current password")]
    WrongCurrent,
    #[error("the account signs in with single sign-on")]
    SsoOnly,
    #[error("no email address given")]
    EnterEmail,
    #[error("not an email address")]
    NotAnEmail,
    /// Forgot-password requests over their limit (per address or network, five minutes).
    #[error("too many requests")]
    TooManyRequests,
    /// Wrong passwords from this network over the login limit (one minute).
    #[error("too many attempts from this address")]
    TooManyAttempts,
    #[error("server busy")]
    Busy,
    #[error("the form could not be read")]
    FormUnreadable,
    #[error("storage unavailable")]
    Unavailable,
    #[error("unexpected error")]
    Unexpected,
}

impl From<PasswordChoiceError> for PasswordError {
    fn from(err: PasswordChoiceError) -> Self {
        match err {
            PasswordChoiceError::EnterPassword => PasswordError::EnterPassword,
            PasswordChoiceError::TooShort => PasswordError::TooShort,
            PasswordChoiceError::TooLong => PasswordError::TooLong,
            PasswordChoiceError::Mismatch => PasswordError::Mismatch,
            PasswordChoiceError::ContainsPersonal => PasswordError::ContainsPersonal,
        }
    }
}

impl PasswordError {
    pub fn msg(&self) -> Msg {
        match self {
            PasswordError::EnterPassword => Msg::EnterNewPassword,
            PasswordError::TooShort => Msg::PasswordTooShort,
            PasswordError::TooLong => Msg::PasswordTooLong,
            PasswordError::Mismatch => Msg::PasswordsDiffer,
            PasswordError::ContainsPersonal => Msg::PasswordContainsPersonal,
            PasswordError::TooWeak(_) => Msg::PasswordTooWeak,
            PasswordError::EnterCurrent => Msg::EnterCurrentPassword,
            PasswordError::WrongCurrent => Msg::WrongCurrentPassword,
            PasswordError::SsoOnly => Msg::SsoOnlyPassword,
            PasswordError::EnterEmail => Msg::EnterEmail,
            PasswordError::NotAnEmail => Msg::NotAnEmail,
            PasswordError::TooManyRequests => Msg::TooManyResetRequests,
            PasswordError::TooManyAttempts => Msg::TooManyAttempts,
            PasswordError::Busy => Msg::ServerBusy,
            PasswordError::FormUnreadable => Msg::FormUnreadable,
            PasswordError::Unavailable => Msg::TryAgainLater,
            PasswordError::Unexpected => Msg::Unexpected,
        }
    }

    pub fn field(&self) -> PasswordField {
        match self {
            PasswordError::EnterPassword
            | PasswordError::TooShort
            | PasswordError::TooLong
            | PasswordError::ContainsPersonal
            | PasswordError::TooWeak(_) => PasswordField::New,
            PasswordError::Mismatch => PasswordField::Confirm,
            PasswordError::EnterCurrent | PasswordError::WrongCurrent => PasswordField::Current,
            PasswordError::EnterEmail | PasswordError::NotAnEmail => PasswordField::Email,
            _ => PasswordField::Form,
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            PasswordError::FormUnreadable => 400,
            PasswordError::WrongCurrent | PasswordError::SsoOnly => 403,
            PasswordError::TooManyRequests | PasswordError::TooManyAttempts => 429,
            PasswordError::Busy | PasswordError::Unavailable => 503,
            PasswordError::Unexpected => 500,
            _ => 422,
        }
    }

    /// Seconds to wait before trying again, where that is the remedy.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            PasswordError::TooManyRequests => Some(300),
            PasswordError::TooManyAttempts => Some(60),
            PasswordError::Busy | PasswordError::Unavailable => Some(1),
            _ => None,
        }
    }
}

/// What a refused password form hands back to the re-rendered page. Passwords are never echoed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordEcho {
    pub error: Option<PasswordError>,
    pub email: String,
}

/// How this installation recovers forgotten passwords.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRecovery {
    /// Online installations email a reset link; onsite ones send people to their administrator.
    pub by_email: bool,
    pub link_minutes: i64,
}

/// Where on a "Reset login" form a message belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChoiceField {
    Email,
    Code,
    Form,
}

/// Every way "Reset login" can refuse, as the person is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChoiceError {
    #[error("no email address given")]
    EnterEmail,
    #[error("not an email address")]
    NotAnEmail,
    #[error("too many requests")]
    TooManyRequests,
    #[error("no code given")]
    EnterCode,
    #[error("wrong code")]
    WrongCode,
    /// Used, replaced, expired or tried too often.
    #[error("the code no longer works")]
    CodeDead,
    #[error("the form could not be read")]
    FormUnreadable,
    #[error("storage unavailable")]
    Unavailable,
}

impl ChoiceError {
    pub fn msg(&self) -> Msg {
        match self {
            ChoiceError::EnterEmail => Msg::EnterEmail,
            ChoiceError::NotAnEmail => Msg::NotAnEmail,
            ChoiceError::TooManyRequests => Msg::TooManyCodeRequests,
            ChoiceError::EnterCode => Msg::EnterCode,
            ChoiceError::WrongCode => Msg::WrongCode,
            ChoiceError::CodeDead => Msg::CodeDead,
            ChoiceError::FormUnreadable => Msg::FormUnreadable,
            ChoiceError::Unavailable => Msg::TryAgainLater,
        }
    }

    pub fn field(&self) -> ChoiceField {
        match self {
            ChoiceError::EnterEmail | ChoiceError::NotAnEmail => ChoiceField::Email,
            ChoiceError::EnterCode | ChoiceError::WrongCode => ChoiceField::Code,
            _ => ChoiceField::Form,
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            ChoiceError::FormUnreadable => 400,
            ChoiceError::WrongCode | ChoiceError::CodeDead => 403,
            ChoiceError::TooManyRequests => 429,
            ChoiceError::Unavailable => 503,
            _ => 422,
        }
    }

    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ChoiceError::TooManyRequests => Some(300),
            ChoiceError::Unavailable => Some(1),
            _ => None,
        }
    }
}

/// What a refused "Reset login" form hands back to the re-rendered page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceEcho {
    pub error: Option<ChoiceError>,
    pub email: String,
}

/// The tenants a proven email address may log in to, for "Choose tenant".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOptions {
    pub email: String,
    /// (slug, name)
    pub tenants: Vec<(String, String)>,
}

// Settings and maintenance.

/// A user's status, as the Users screen shows and filters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserState {
    Invited,
    Active,
    Deactivated,
}

impl UserState {
    pub const ALL: [UserState; 3] = [UserState::Invited, UserState::Active, UserState::Deactivated];

    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Invited => "invited",
            UserState::Active => "active",
            UserState::Deactivated => "deactivated",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        UserState::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn msg(self) -> Msg {
        match self {
            UserState::Invited => Msg::StatusInvited,
            UserState::Active => Msg::StatusActive,
            UserState::Deactivated => Msg::StatusDeactivated,
        }
    }
}

/// Rows on one page of the Users screen and the audit log.
pub const PAGE_SIZE: usize = 50;

/// What the Users screen asks for (its address's query).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuery {
    pub search: String,
    pub status: Option<UserState>,
    /// From 1.
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListRow {
    pub id: i64,
    pub name: String,
    pub user_id: String,
    pub role_id: i64,
    pub role: String,
    pub status: UserState,
    /// When an invited user's activation link expires (once it has been sent).
    pub invitation_expires: Option<String>,
    pub last_login: Option<String>,
    /// The identity providers linked to the user.
    pub identities: Vec<LinkedProvider>,
    /// Their second factors: an authenticator, recovery codes left, passkeys.
    pub authenticator: bool,
    pub recovery_codes: i64,
    pub passkeys: i64,
}

/// An identity provider linked to a user, as the Users screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedProvider {
    /// The provider's public id.
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub rows: Vec<UserListRow>,
    pub roles: Vec<RoleOption>,
    pub has_next: bool,
    /// Onsite installations: user names instead of email addresses, "Set password".
    pub onsite: bool,
    /// The administrator looking at the page (who cannot deactivate themselves).
    pub me: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: i64,
    pub name: String,
    pub user_level: i64,
    pub crm: bool,
    pub service: bool,
    pub admin: bool,
    pub users: i64,
}

/// What the audit log asks for (its address's query); dates are `YYYY-MM-DD`, UTC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub user: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub event: String,
    pub outcome: String,
    pub user: String,
    pub actor: String,
    pub address: String,
    pub browser: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    pub has_next: bool,
}

/// The kinds of audit events the log can be filtered by.
pub const AUDIT_KINDS: &[&str] = &[
    "login",
    "lockout",
    "logout",
    "account.activate",
    "password.reset-request",
    "password.reset",
    "password.change",
    "password.set",
    "service.handoff",
    "session.end",
    "session.end-others",
    "session.revoke",
    "terms.accept",
    "user.invite",
    "user.invite-resend",
    "user.activate",
    "user.deactivate",
    "user.role",
    "role.create",
    "role.change",
    "role.delete",
    "tenant-choice.code",
    "tenant-choice.verify",
    "tenant-choice.choose",
    "sso.start",
    "sso.login",
    "sso.link",
    "sso.unlink",
    "user.create",
    "sso.provider-add",
    "sso.provider-remove",
    "tenant.sign-in",
    "app.token",
    "app.consent",
    "app.client",
    "app.keys",
    "two-step.setup",
    "two-step.off",
    "two-step.recovery-codes",
    "two-step.reset",
    "passkey.add",
    "passkey.rename",
    "passkey.remove",
];

/// What the audit log calls each kind of event.
pub fn audit_kind_msg(kind: &str) -> Option<Msg> {
    Some(match kind {
        "login" => Msg::AuditLogin,
        "lockout" => Msg::AuditLockout,
        "logout" => Msg::AuditLogout,
        "account.activate" => Msg::AuditActivate,
        "password.reset-request" => Msg::AuditResetRequest,
        "password.reset" => Msg::AuditReset,
        "password.change" => Msg::AuditChange,
        "password.set" => Msg::AuditSet,
        "service.handoff" => Msg::AuditHandoff,
        "session.end" => Msg::AuditSessionEnd,
        "session.end-others" => Msg::AuditSessionEndOthers,
        "session.revoke" => Msg::AuditSessionRevoke,
        "terms.accept" => Msg::AuditTermsAccept,
        "user.invite" => Msg::AuditUserInvite,
        "user.invite-resend" => Msg::AuditUserInviteResend,
        "user.activate" => Msg::AuditUserActivate,
        "user.deactivate" => Msg::AuditUserDeactivate,
        "user.role" => Msg::AuditUserRole,
        "role.create" => Msg::AuditRoleCreate,
        "role.change" => Msg::AuditRoleChange,
        "role.delete" => Msg::AuditRoleDelete,
        "tenant-choice.code" => Msg::AuditChoiceCode,
        "tenant-choice.verify" => Msg::AuditChoiceVerify,
        "tenant-choice.choose" => Msg::AuditChoiceChoose,
        "sso.start" => Msg::AuditSsoStart,
        "sso.login" => Msg::AuditSsoLogin,
        "sso.link" => Msg::AuditSsoLink,
        "sso.unlink" => Msg::AuditSsoUnlink,
        "user.create" => Msg::AuditUserCreate,
        "sso.provider-add" => Msg::AuditProviderAdd,
        "sso.provider-remove" => Msg::AuditProviderRemove,
        "tenant.sign-in" => Msg::AuditSignInPolicy,
        "app.token" => Msg::AuditAppToken,
        "app.consent" => Msg::AuditAppConsent,
        "app.client" => Msg::AuditAppClient,
        "app.keys" => Msg::AuditAppKeys,
        "two-step.setup" => Msg::AuditTwoStepSetUp,
        "two-step.off" => Msg::AuditTwoStepOff,
        "two-step.recovery-codes" => Msg::AuditRecoveryCodes,
        "two-step.reset" => Msg::AuditTwoStepReset,
        "passkey.add" => Msg::AuditPasskeyAdd,
        "passkey.rename" => Msg::AuditPasskeyRename,
        "passkey.remove" => Msg::AuditPasskeyRemove,
        _ => return None,
    })
}

/// A single sign-on provider as a login or activation page offers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoButton {
    /// The provider's public id (random: ids in forms name no sequence).
    pub id: String,
    pub name: String,
}

/// The providers the login page offers ("Log in with …"), set by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SsoChoices(pub Vec<SsoButton>);

/// The Terms of Service version waiting for this person's acceptance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsText {
    pub version: i64,
    /// Rendered from Markdown and sanitised when it was published.
    pub html: String,
}

/// What an administrator's action says when it is done, or why it was refused: it travels
/// in the address of the page the action returns to (`?notice=` / `?refused=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    Invited,
    InvitationResent,
    Deactivated,
    Activated,
    SessionsEnded,
    RoleAssigned,
    RoleCreated,
    RoleSaved,
    RoleDeleted,
    // Refusals.
    LastAdmin,
    NotYourself,
    RoleInUse,
    RoleNameTaken,
    RoleNameMissing,
    NotInvited,
    NoSuchUser,
    Unlinked,
    PasswordSet,
    LevelTooLow,
    DefaultRole,
    NotActive,
    /// "Reset two-step verification" done.
    TwoStepReset,
    /// The tenant's two-step policy saved (Settings and maintenance's start page).
    PolicySaved,
    /// A policy that cannot be: an unknown level, or a grace out of range.
    PolicyInvalid,
}

impl AdminOutcome {
    const ALL: [AdminOutcome; 24] = [
        AdminOutcome::Invited,
        AdminOutcome::InvitationResent,
        AdminOutcome::Deactivated,
        AdminOutcome::Activated,
        AdminOutcome::SessionsEnded,
        AdminOutcome::RoleAssigned,
        AdminOutcome::RoleCreated,
        AdminOutcome::RoleSaved,
        AdminOutcome::RoleDeleted,
        AdminOutcome::LastAdmin,
        AdminOutcome::NotYourself,
        AdminOutcome::RoleInUse,
        AdminOutcome::RoleNameTaken,
        AdminOutcome::RoleNameMissing,
        AdminOutcome::NotInvited,
        AdminOutcome::NoSuchUser,
        AdminOutcome::Unlinked,
        AdminOutcome::PasswordSet,
        AdminOutcome::LevelTooLow,
        AdminOutcome::DefaultRole,
        AdminOutcome::NotActive,
        AdminOutcome::TwoStepReset,
        AdminOutcome::PolicySaved,
        AdminOutcome::PolicyInvalid,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AdminOutcome::Invited => "invited",
            AdminOutcome::InvitationResent => "invitation-resent",
            AdminOutcome::Deactivated => "deactivated",
            AdminOutcome::Activated => "activated",
            AdminOutcome::SessionsEnded => "sessions-ended",
            AdminOutcome::RoleAssigned => "role-assigned",
            AdminOutcome::RoleCreated => "role-created",
            AdminOutcome::RoleSaved => "role-saved",
            AdminOutcome::RoleDeleted => "role-deleted",
            AdminOutcome::LastAdmin => "last-admin",
            AdminOutcome::NotYourself => "not-yourself",
            AdminOutcome::RoleInUse => "role-in-use",
            AdminOutcome::RoleNameTaken => "role-name-taken",
            AdminOutcome::RoleNameMissing => "role-name-missing",
            AdminOutcome::NotInvited => "not-invited",
            AdminOutcome::NoSuchUser => "no-such-user",
            AdminOutcome::Unlinked => "unlinked",
            AdminOutcome::PasswordSet => "password-set",
            AdminOutcome::LevelTooLow => "level",
            AdminOutcome::DefaultRole => "default-role",
            AdminOutcome::NotActive => "not-active",
            AdminOutcome::TwoStepReset => "two-step-reset",
            AdminOutcome::PolicySaved => "policy-saved",
            AdminOutcome::PolicyInvalid => "policy-invalid",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        AdminOutcome::ALL.into_iter().find(|o| o.slug() == slug)
    }

    /// A refusal, shown as an alert; the others are confirmations.
    pub fn is_refusal(self) -> bool {
        matches!(
            self,
            AdminOutcome::LastAdmin
                | AdminOutcome::NotYourself
                | AdminOutcome::RoleInUse
                | AdminOutcome::RoleNameTaken
                | AdminOutcome::RoleNameMissing
                | AdminOutcome::NotInvited
                | AdminOutcome::NoSuchUser
                | AdminOutcome::LevelTooLow
                | AdminOutcome::DefaultRole
                | AdminOutcome::NotActive
                | AdminOutcome::PolicyInvalid
        )
    }

    pub fn msg(self) -> Msg {
        match self {
            AdminOutcome::Invited => Msg::OutcomeInvited,
            AdminOutcome::InvitationResent => Msg::OutcomeInvitationResent,
            AdminOutcome::Deactivated => Msg::OutcomeDeactivated,
            AdminOutcome::Activated => Msg::OutcomeActivated,
            AdminOutcome::SessionsEnded => Msg::OutcomeSessionsEnded,
            AdminOutcome::RoleAssigned => Msg::OutcomeRoleAssigned,
            AdminOutcome::RoleCreated => Msg::OutcomeRoleCreated,
            AdminOutcome::RoleSaved => Msg::OutcomeRoleSaved,
            AdminOutcome::RoleDeleted => Msg::OutcomeRoleDeleted,
            AdminOutcome::LastAdmin => Msg::RefusedLastAdmin,
            AdminOutcome::NotYourself => Msg::RefusedNotYourself,
            AdminOutcome::RoleInUse => Msg::RefusedRoleInUse,
            AdminOutcome::RoleNameTaken => Msg::RefusedRoleNameTaken,
            AdminOutcome::RoleNameMissing => Msg::RefusedRoleNameMissing,
            AdminOutcome::NotInvited => Msg::RefusedNotInvited,
            AdminOutcome::NoSuchUser => Msg::RefusedNoSuchUser,
            AdminOutcome::Unlinked => Msg::OutcomeUnlinked,
            AdminOutcome::PasswordSet => Msg::OutcomePasswordSet,
            AdminOutcome::LevelTooLow => Msg::RefusedLevel,
            AdminOutcome::DefaultRole => Msg::RefusedDefaultRole,
            AdminOutcome::NotActive => Msg::RefusedDeactivated,
            AdminOutcome::TwoStepReset => Msg::TwoStepResetNotice,
            AdminOutcome::PolicySaved => Msg::PolicySaved,
            AdminOutcome::PolicyInvalid => Msg::RefusedPolicyInvalid,
        }
    }
}

/// A field of "Add user".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddUserField {
    Name,
    Login,
    Role,
    Form,
}

/// What a refused "Add user" hands back to the re-rendered form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddUserEcho {
    pub name: String,
    pub login: String,
    pub role_id: Option<i64>,
    pub language: String,
    pub error: Option<(AddUserField, Msg)>,
}

/// Shown once, to the administrator who set it, on the page their "Set password" returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryPassword {
    pub user_id: String,
    pub password: String,
}

/// A refused Terms of Service dialog: Accept was not ticked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsEcho {
    pub tick_accept: bool,
}

/// Where a notice is shown: "your session has ended" reads differently per app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Crm,
    Settings,
    Service,
}

/// What a redirect tells the page it lands on (`?notice=…`): one typed list, so that a page
/// and the server that sends people there cannot disagree on a spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    LoggedOut,
    /// Logged out, with a session at the identity provider that is the provider's.
    LoggedOutSso,
    SessionEnded,
    PasswordReset,
    /// Signed in (or activated) without the role's right to the CRM.
    NoCrmRight,
    /// The email is a user in other tenants too.
    OtherTenants,
    TemporaryPassword,
    PasswordChanged,
    SessionLoggedOut,
    OthersLoggedOut,
    ServiceLoggedOut,
    AccessRemoved,
    /// Signed in with a recovery code: the start page says how many are left.
    RecoveryCodeUsed,
    /// Two-step verification turned off, new recovery codes, a passkey removed.
    TwoStepOff,
    PasskeyRemoved,
    PasskeyAdded,
}

impl Notice {
    pub const ALL: [Notice; 16] = [
        Notice::LoggedOut,
        Notice::LoggedOutSso,
        Notice::SessionEnded,
        Notice::PasswordReset,
        Notice::NoCrmRight,
        Notice::OtherTenants,
        Notice::TemporaryPassword,
        Notice::PasswordChanged,
        Notice::SessionLoggedOut,
        Notice::OthersLoggedOut,
        Notice::ServiceLoggedOut,
        Notice::AccessRemoved,
        Notice::RecoveryCodeUsed,
        Notice::TwoStepOff,
        Notice::PasskeyRemoved,
        Notice::PasskeyAdded,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Notice::LoggedOut => "logged-out",
            Notice::LoggedOutSso => "logged-out-sso",
            Notice::SessionEnded => "session-ended",
            Notice::PasswordReset => "password-reset",
            Notice::NoCrmRight => "no-crm-right",
            Notice::OtherTenants => "other-tenants",
            Notice::TemporaryPassword => "temporary",
            Notice::PasswordChanged => "password-changed",
            Notice::SessionLoggedOut => "session-logged-out",
            Notice::OthersLoggedOut => "others-logged-out",
            Notice::ServiceLoggedOut => "service-logged-out",
            Notice::AccessRemoved => "access-removed",
            Notice::RecoveryCodeUsed => "recovery-code-used",
            Notice::TwoStepOff => "two-step-off",
            Notice::PasskeyRemoved => "passkey-removed",
            Notice::PasskeyAdded => "passkey-added",
        }
    }

    pub fn parse(slug: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.slug() == slug)
    }

    /// `path` with this notice in its query.
    pub fn at(self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}notice={}", self.slug())
    }

    /// What the page says.
    pub fn msg(self, area: Area) -> Msg {
        match (self, area) {
            (Notice::LoggedOut, Area::Settings) => Msg::LoggedOutOfSettings,
            (Notice::LoggedOut, _) => Msg::LoggedOut,
            (Notice::LoggedOutSso, _) => Msg::LoggedOutSso,
            (Notice::SessionEnded, Area::Settings) => Msg::SettingsSessionEnded,
            (Notice::SessionEnded, Area::Service) => Msg::ServiceSessionEnded,
            (Notice::SessionEnded, Area::Crm) => Msg::SessionEnded,
            (Notice::PasswordReset, _) => Msg::PasswordWasReset,
            (Notice::NoCrmRight, _) => Msg::NoCrmRight,
            (Notice::OtherTenants, _) => Msg::OtherTenants,
            (Notice::TemporaryPassword, _) => Msg::TemporaryPasswordNotice,
            (Notice::PasswordChanged, _) => Msg::PasswordChanged,
            (Notice::SessionLoggedOut, _) => Msg::SessionLoggedOut,
            (Notice::OthersLoggedOut, _) => Msg::OthersLoggedOut,
            (Notice::ServiceLoggedOut, _) => Msg::LoggedOutOfService,
            (Notice::AccessRemoved, _) => Msg::AccessRemoved,
            (Notice::RecoveryCodeUsed, _) => Msg::RecoveryCodeUsedNotice,
            (Notice::TwoStepOff, _) => Msg::TwoStepTurnedOff,
            (Notice::PasskeyRemoved, _) => Msg::PasskeyRemovedNotice,
            (Notice::PasskeyAdded, _) => Msg::PasskeyAddedNotice,
        }
    }
}

/// Why a code (or a change to two-step verification) was refused, as the person is told.
/// Wrong, reused and locked-out codes are one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoStepError {
    EnterCode,
    WrongCode,
    /// The authenticator's key being set up waited too long: a new one is shown.
    KeyExpired,
    /// The sign-in waited too long, was used, or had too many wrong codes: log in again.
    Expired,
    TooManyAttempts,
    Busy,
    EnterPassword,
    WrongPassword,
    /// The organisation requires two-step verification.
    Required,
    Unavailable,
}

impl TwoStepError {
    pub const ALL: [TwoStepError; 10] = [
        TwoStepError::EnterCode,
        TwoStepError::WrongCode,
        TwoStepError::KeyExpired,
        TwoStepError::Expired,
        TwoStepError::TooManyAttempts,
        TwoStepError::Busy,
        TwoStepError::EnterPassword,
        TwoStepError::WrongPassword,
        TwoStepError::Required,
        TwoStepError::Unavailable,
    ];

    pub fn msg(self) -> Msg {
        match self {
            TwoStepError::EnterCode => Msg::EnterTwoStepCode,
            TwoStepError::WrongCode => Msg::WrongTwoStepCode,
            TwoStepError::KeyExpired => Msg::AuthenticatorKeyExpired,
            TwoStepError::Expired => Msg::TwoStepExpired,
            TwoStepError::TooManyAttempts => Msg::TooManyAttempts,
            TwoStepError::Busy => Msg::ServerBusy,
            TwoStepError::EnterPassword => Msg::EnterPassword,
            TwoStepError::WrongPassword => Msg::WrongCurrentPassword,
            TwoStepError::Required => Msg::TwoStepRequiredCannotTurnOff,
            TwoStepError::Unavailable => Msg::TryAgainLater,
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            TwoStepError::EnterCode | TwoStepError::EnterPassword => 400,
            TwoStepError::WrongCode | TwoStepError::WrongPassword => 401,
            TwoStepError::KeyExpired => 409,
            TwoStepError::Expired => 401,
            TwoStepError::Required => 409,
            TwoStepError::TooManyAttempts => 429,
            TwoStepError::Busy | TwoStepError::Unavailable => 503,
        }
    }
}

/// An authenticator being set up: its secret as text (grouped for typing) and as a QR code
/// (an inline SVG made on the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticatorSetup {
    pub secret: String,
    pub qr_svg: String,
}

/// What the sign-in's "Two-step verification" page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondStepMode {
    /// "Code" from the authenticator app.
    Code,
    /// "Recovery code".
    RecoveryCode,
    /// A second factor is required and none is set up: set up an authenticator now.
    Enrol(AuthenticatorSetup),
    /// Set up: the recovery codes, shown once, then on to `next`.
    RecoveryCodes { codes: Vec<String>, next: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondStepView {
    pub mode: SecondStepMode,
    pub error: Option<TwoStepError>,
    /// The person has an authenticator (else only passkeys or recovery codes).
    pub authenticator: bool,
    /// The person has passkeys: "Use a passkey" (with JavaScript).
    pub passkeys: bool,
}

/// The tenant's two-step policy, as Settings and maintenance's start page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepPolicyView {
    /// `off`, `optional`, `settings` or `required`.
    pub level: String,
    pub grace: i64,
    pub for_sso: bool,
}

/// Personal settings → "Two-step verification" in short (the CRM start page after a recovery
/// code).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepSummary {
    pub authenticator: bool,
    pub recovery_codes_left: i64,
    pub passkeys: i64,
}

/// One of my passkeys, as Personal settings → Passkeys lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
}

/// What Personal settings → "Passkeys" shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasskeysView {
    /// The tenant has two-step verification (and passkeys) off.
    pub off: bool,
    /// This installation's address is no domain: browsers make no passkeys for it.
    pub unavailable: bool,
    /// Adding a passkey asks for the password (the person has one).
    pub ask_password: bool,
    /// Someone without a password last signed in too long ago to add a passkey.
    pub sign_in_again: bool,
    pub passkeys: Vec<PasskeyRow>,
}

/// What Personal settings → "Two-step verification" shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TwoStepSettingsView {
    /// The tenant has it off: nothing to set up.
    pub off: bool,
    /// The tenant requires it of this person: it cannot be turned off.
    pub required: bool,
    pub authenticator: bool,
    pub recovery_codes_left: i64,
    pub passkeys: i64,
    /// "Set up" was pressed: the authenticator to scan, then "Code" and "Confirm".
    pub setup: Option<AuthenticatorSetup>,
    /// New recovery codes, shown once.
    pub new_codes: Option<Vec<String>>,
    pub error: Option<TwoStepError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Every text a person can be shown about a login, a notice or an audit event exists, and
    /// differs, in both languages (a Dutch page never falls back to English).
    #[test]
    fn every_refusal_notice_and_audit_kind_speaks_both_languages() {
        let mut msgs: Vec<Msg> = LoginError::ALL.iter().map(LoginError::msg).collect();
        msgs.extend(TwoStepError::ALL.map(TwoStepError::msg));
        for notice in Notice::ALL {
            assert_eq!(Notice::parse(notice.slug()), Some(notice));
            msgs.extend([Area::Crm, Area::Settings, Area::Service].map(|area| notice.msg(area)));
        }
        for kind in AUDIT_KINDS {
            msgs.push(audit_kind_msg(kind).unwrap_or_else(|| panic!("the audit kind {kind} has no name")));
        }
        for msg in msgs {
            let (en, nl) = (msg.text(Lang::En), msg.text(Lang::Nl));
            assert!(!en.trim().is_empty() && !nl.trim().is_empty(), "{msg:?}");
            // Short technical words ("OK", "CRM") may read the same; sentences may not.
            assert!(en != nl || en.len() < 8, "{msg:?} is not translated: {en:?}");
        }
    }
}
