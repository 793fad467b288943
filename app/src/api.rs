//! What the browser and the server say to each other: shared types and server functions.
//! The bodies run on the server only; they reach the server's logic through [`crate::backend`].

use crate::i18n::Msg;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The person behind the current session, as the pages may show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Every way a login can fail, as the person is told. Deliberately one variant for unknown
/// users, wrong passwords and locked accounts.
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
    #[error("too many attempts from this address")]
    TooManyAttempts,
    #[error("server busy")]
    Busy,
    #[error("unknown tenant")]
    UnknownTenant,
    #[error("the form could not be read")]
    FormUnreadable,
    #[error("unexpected error")]
    Unexpected,
}

impl LoginError {
    /// Every variant: the login island is sent the text of each, as it may show any of them.
    pub const ALL: [LoginError; 12] = [
        LoginError::EnterUserId,
        LoginError::UserIdTooLong,
        LoginError::EnterPassword,
        LoginError::PasswordTooLong,
        LoginError::WrongCredentials,
        LoginError::NotActive,
        LoginError::NoCrmRight,
        LoginError::TooManyAttempts,
        LoginError::Busy,
        LoginError::UnknownTenant,
        LoginError::FormUnreadable,
        LoginError::Unexpected,
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
            LoginError::TooManyAttempts => Msg::TooManyAttempts,
            LoginError::Busy => Msg::ServerBusy,
            LoginError::UnknownTenant => Msg::UnknownTenant,
            LoginError::FormUnreadable => Msg::FormUnreadable,
            LoginError::Unexpected => Msg::Unexpected,
        }
    }

    pub fn field(&self) -> Field {
        match self {
            LoginError::EnterUserId | LoginError::UserIdTooLong => Field::UserId,
            LoginError::EnterPassword | LoginError::PasswordTooLong => Field::Password,
            _ => Field::Form,
        }
    }
}

impl FromServerFnError for LoginError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(_: ServerFnErrorErr) -> Self {
        LoginError::Unexpected
    }
}

/// Failures of the other server functions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("unexpected error")]
    Unexpected,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(_: ServerFnErrorErr) -> Self {
        AppError::Unexpected
    }
}

/// One row of the sessions page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub public_id: String,
    /// `crm` or `service`.
    pub app: String,
    pub browser: String,
    pub address: String,
    pub started: String,
    pub last_seen: String,
    pub current: bool,
}

/// What a failed plain-form login hands back to the re-rendered page, so that nothing the
/// person typed (but the password) is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginEcho {
    pub user_id: String,
    pub error: Option<LoginError>,
}

/// Logs in with a user ID and password. On success the session cookie is set and the answer
/// is the path to go to next.
#[server(endpoint = "login")]
pub async fn login(
    #[server(default)] tenant: Option<String>,
    #[server(default)] user_id: String,
    #[server(default)] password: String,
    #[server(default)] next: Option<String>,
) -> Result<String, LoginError> {
    use crate::backend::{use_backend, LoginForm};
    let (backend, parts) = use_backend().ok_or(LoginError::Unexpected)?;
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(LoginError::Unexpected)?;
    match backend.login(LoginForm { tenant, user_id, password, next }, &parts).await {
        Ok(success) => {
            for cookie in success.set_cookies {
                response.append_header(http::header::SET_COOKIE, cookie);
            }
            Ok(success.redirect)
        }
        Err(err) => {
            if let Ok(status) = http::StatusCode::from_u16(err.http_status()) {
                response.set_status(status);
            }
            if let Some(seconds) = err.retry_after() {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
            Err(err)
        }
    }
}

/// The signed-in person's live sessions, in every app.
#[server(endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    backend.sessions(&parts).await
}

/// The person behind this request's session.
#[server(endpoint = "viewer")]
pub async fn current_viewer() -> Result<Viewer, AppError> {
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Unexpected)?;
    parts.extensions.get::<Viewer>().cloned().ok_or(AppError::NotSignedIn)
}

impl LoginError {
    /// The HTTP status a failed login answers with, on the form and server-function paths alike.
    pub fn http_status(&self) -> u16 {
        match self {
            LoginError::EnterUserId
            | LoginError::UserIdTooLong
            | LoginError::EnterPassword
            | LoginError::PasswordTooLong => 422,
            LoginError::WrongCredentials => 401,
            LoginError::NotActive | LoginError::NoCrmRight => 403,
            LoginError::TooManyAttempts => 429,
            LoginError::Busy => 503,
            LoginError::UnknownTenant => 404,
            LoginError::FormUnreadable => 400,
            LoginError::Unexpected => 500,
        }
    }

    /// Seconds to wait before trying again, where that is the remedy.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            LoginError::TooManyAttempts => Some(60),
            LoginError::Busy => Some(1),
            _ => None,
        }
    }
}

/// The pages opened from an emailed link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    Activation,
    PasswordReset,
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
}

/// The person an emailed link was sent to, while the link still works; None when it does not.
#[server(endpoint = "link_owner")]
pub async fn link_owner(kind: LinkKind) -> Result<Option<PasswordOwner>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    backend.link_owner(kind, &parts).await
}

/// The signed-in person, for Change password.
#[server(endpoint = "password_owner")]
pub async fn my_password_owner() -> Result<PasswordOwner, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    backend.my_password_owner(&parts).await
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
    #[error("too many requests")]
    TooManyRequests,
    #[error("server busy")]
    Busy,
    #[error("the form could not be read")]
    FormUnreadable,
    #[error("unexpected error")]
    Unexpected,
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
            PasswordError::Busy => Msg::ServerBusy,
            PasswordError::FormUnreadable => Msg::FormUnreadable,
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
            PasswordError::WrongCurrent => 403,
            PasswordError::TooManyRequests => 429,
            PasswordError::Busy => 503,
            PasswordError::Unexpected => 500,
            _ => 422,
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

#[server(endpoint = "reset_policy")]
pub async fn reset_policy() -> Result<PasswordRecovery, AppError> {
    let (backend, _) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    Ok(backend.reset_policy())
}
