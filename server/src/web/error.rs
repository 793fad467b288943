//! The one error type of the plain handlers. Each variant is a status and a sentence the
//! person can act on; internal detail is logged here, once, with the request's id, and never
//! shown. A storage failure is never read as "no longer valid" or an empty form: it is 503,
//! "try again".

use app::i18n::Msg;
use axum::response::{IntoResponse, Response};
use http::header::RETRY_AFTER;
use http::{HeaderValue, StatusCode};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("storage failed: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("not signed in")]
    NotSignedIn,
    /// Signed in, without the right this needs.
    #[error("forbidden")]
    Forbidden,
    #[error("the request could not be read")]
    BadRequest,
    #[error("two session cookies of one name")]
    TwoSessionCookies,
    /// Every hashing worker is busy.
    #[error("server busy")]
    Busy,
    #[error("internal error: {0}")]
    Internal(String),
}

/// Marks a response whose page the request-context layer writes (in the person's language,
/// with the request's id).
#[derive(Clone, Copy, Debug)]
pub struct ErrorPage(pub Msg);

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Storage(_) | WebError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            WebError::NotSignedIn => StatusCode::UNAUTHORIZED,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::BadRequest | WebError::TwoSessionCookies => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn msg(&self) -> Msg {
        match self {
            WebError::Storage(_) => Msg::TryAgainLater,
            WebError::NotSignedIn => Msg::SessionEnded,
            WebError::Forbidden => Msg::NoSettingsRight,
            WebError::BadRequest => Msg::FormUnreadable,
            WebError::TwoSessionCookies => Msg::TwoSessionCookies,
            WebError::Busy => Msg::ServerBusy,
            WebError::Internal(_) => Msg::Unexpected,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::Storage(err) => tracing::error!(error = %err, "storage failed"),
            WebError::Internal(err) => tracing::error!(error = %err, "internal error"),
            WebError::TwoSessionCookies => tracing::warn!("refused a request with two session cookies"),
            WebError::NotSignedIn | WebError::Forbidden | WebError::BadRequest | WebError::Busy => {}
        }
        let mut response = self.status().into_response();
        if matches!(self, WebError::Storage(_) | WebError::Busy) {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response.extensions_mut().insert(ErrorPage(self.msg()));
        response
    }
}
