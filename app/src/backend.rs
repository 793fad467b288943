//! The port through which server functions reach the server's logic (database, sessions,
//! hashing). The `server` crate implements [`Backend`] and provides it as context.

use crate::model::{AppError, LinkKind, LoginError, PasswordOwner, PasswordRecovery, SessionRow};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use std::sync::Arc;

pub struct LoginForm {
    pub tenant: Option<String>,
    pub user_id: String,
    pub password: String,
    pub next: Option<String>,
}

pub struct LoginSuccess {
    pub set_cookies: Vec<HeaderValue>,
    pub redirect: String,
}

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn login(&self, form: LoginForm, request: &Parts) -> Result<LoginSuccess, LoginError>;
    async fn sessions(&self, request: &Parts) -> Result<Vec<SessionRow>, AppError>;
    async fn link_owner(&self, kind: LinkKind, request: &Parts) -> Result<Option<PasswordOwner>, AppError>;
    async fn my_password_owner(&self, request: &Parts) -> Result<PasswordOwner, AppError>;
    fn reset_policy(&self) -> PasswordRecovery;
}

#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// The backend and the current request, inside a server function.
pub fn use_backend() -> Option<(Arc<dyn Backend>, Parts)> {
    let backend = use_context::<BackendHandle>()?;
    let parts = use_context::<Parts>()?;
    Some((backend.0, parts))
}

/// The per-response Content-Security-Policy nonce, put on the request by the server's
/// security layer and stamped on every inline script Leptos writes.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);
