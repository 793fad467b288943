//! Where the flows' refusals become what a person is told and the status they are answered
//! with, in one place. The flows say *why*; this says how it reads and what HTTP makes of it.

use crate::authn::password::PasswordRefusal;
use crate::authn::sso::{LinkProofError, SsoError};
use crate::authn::Refusal;
use crate::db::App;
use crate::login::LoginRefused;
use app::i18n::Msg;
use app::model::LoginError;
use http::StatusCode;

/// A password login's refusal, as the login form shows it (and its server function answers).
pub fn login_error(refused: LoginRefused) -> LoginError {
    match refused {
        LoginRefused::Password(refusal) => match refusal {
            PasswordRefusal::EnterUserId => LoginError::EnterUserId,
            PasswordRefusal::UserIdTooLong => LoginError::UserIdTooLong,
            PasswordRefusal::EnterPassword => LoginError::EnterPassword,
            PasswordRefusal::PasswordTooLong => LoginError::PasswordTooLong,
            PasswordRefusal::WrongCredentials => LoginError::WrongCredentials,
            PasswordRefusal::TooManyAttempts => LoginError::TooManyAttempts,
            PasswordRefusal::Busy => LoginError::Busy,
            PasswordRefusal::Unavailable => LoginError::Unavailable,
            PasswordRefusal::Unexpected => LoginError::Unexpected,
        },
        LoginRefused::Refused(refusal) => match refusal {
            Refusal::NotActive => LoginError::NotActive,
            Refusal::NoRight(App::Settings) => LoginError::NoSettingsRight,
            Refusal::NoRight(_) => LoginError::NoCrmRight,
            Refusal::PasswordLoginOff => LoginError::PasswordLoginOff,
            Refusal::TemporaryPassword => LoginError::TemporaryPassword,
        },
        LoginRefused::Unavailable => LoginError::Unavailable,
    }
}

/// What a single sign-on refusal page says, and its status.
pub fn sso(error: SsoError) -> (Msg, StatusCode) {
    match error {
        SsoError::InvalidState => (Msg::SsoAttemptInvalid, StatusCode::BAD_REQUEST),
        SsoError::WrongProvider => (Msg::SsoWrongProvider, StatusCode::BAD_REQUEST),
        SsoError::WrongIssuer => (Msg::SsoWrongIssuer, StatusCode::BAD_REQUEST),
        SsoError::Cancelled => (Msg::SsoCancelled, StatusCode::OK),
        SsoError::Rejected => (Msg::SsoRejected, StatusCode::UNAUTHORIZED),
        SsoError::ProviderUnavailable => (Msg::SsoProviderUnavailable, StatusCode::BAD_GATEWAY),
        SsoError::InvalidToken(_) => (Msg::SsoTokenInvalid, StatusCode::UNAUTHORIZED),
        SsoError::EmailNotVerified => (Msg::SsoEmailNotVerified, StatusCode::UNAUTHORIZED),
        SsoError::NoAccount => (Msg::SsoNoAccount, StatusCode::FORBIDDEN),
        SsoError::WrongAccount => (Msg::SsoWrongAccount, StatusCode::FORBIDDEN),
        SsoError::LinkInvalid => (Msg::SsoLinkInvalid, StatusCode::BAD_REQUEST),
        // The provider's settings, not the person: a server-side fault, said plainly.
        SsoError::Misconfigured => (Msg::SsoMisconfigured, StatusCode::INTERNAL_SERVER_ERROR),
        SsoError::TooManyRequests => (Msg::SsoTooManyRequests, StatusCode::TOO_MANY_REQUESTS),
        SsoError::Refused(Refusal::NotActive) => (Msg::AccountNotActive, StatusCode::FORBIDDEN),
        SsoError::Refused(Refusal::NoRight(_)) => (Msg::NoCrmRight, StatusCode::FORBIDDEN),
        SsoError::Refused(Refusal::PasswordLoginOff | Refusal::TemporaryPassword) => {
            (Msg::Unexpected, StatusCode::FORBIDDEN)
        }
        SsoError::Unavailable => (Msg::TryAgainLater, StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// What the "Link your account" page says about a refused proof, and its status.
pub fn link_proof(error: LinkProofError) -> (Msg, StatusCode) {
    match error {
        LinkProofError::Expired => (Msg::LinkExpired, StatusCode::BAD_REQUEST),
        LinkProofError::EnterPassword => (Msg::EnterPassword, StatusCode::UNPROCESSABLE_ENTITY),
        LinkProofError::WrongPassword => (Msg::LinkWrongPassword, StatusCode::UNAUTHORIZED),
        LinkProofError::EnterCode => (Msg::EnterCode, StatusCode::UNPROCESSABLE_ENTITY),
        LinkProofError::WrongCode => (Msg::WrongCode, StatusCode::UNAUTHORIZED),
        LinkProofError::CodeDead => (Msg::CodeDead, StatusCode::UNAUTHORIZED),
        LinkProofError::TooManyAttempts => (Msg::TooManyAttempts, StatusCode::TOO_MANY_REQUESTS),
        LinkProofError::Busy => (Msg::ServerBusy, StatusCode::SERVICE_UNAVAILABLE),
        LinkProofError::Taken => (Msg::LinkTaken, StatusCode::CONFLICT),
        LinkProofError::Sso(error) => sso(error),
    }
}

/// Seconds to wait before trying again, where waiting is the remedy.
pub fn retry_after(status: StatusCode) -> Option<u32> {
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some(60),
        StatusCode::SERVICE_UNAVAILABLE => Some(1),
        _ => None,
    }
}
