//! The port through which server functions reach the server's logic (database, sessions,
//! hashing). The `server` crate implements [`Backend`] and provides it as context.

use crate::model::{
    AppAccess, AppError, AuditPage, AuditQuery, ClientListRow, LinkKind, LoginError, PasswordOwner, PasswordRecovery,
    RoleRow, SessionRow, TermsText, TwoStepPolicyView, TwoStepSummary, UserQuery, UsersPage,
};
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
    /// The partner apps the signed-in person allowed to sign them in.
    async fn apps_with_access(&self, request: &Parts) -> Result<Vec<AppAccess>, AppError>;
    async fn link_owner(&self, kind: LinkKind, request: &Parts) -> Result<Option<PasswordOwner>, AppError>;
    async fn my_password_owner(&self, request: &Parts) -> Result<PasswordOwner, AppError>;
    fn reset_policy(&self) -> PasswordRecovery;
    /// Whether this installation offers passkeys (its public URL is a domain).
    fn passkeys_offered(&self) -> bool;

    // Settings and maintenance: each checks the request's Settings session, its right and the
    // accepted Terms itself, whatever route led here.
    async fn admin_users(&self, query: UserQuery, request: &Parts) -> Result<UsersPage, AppError>;
    async fn admin_roles(&self, request: &Parts) -> Result<Vec<RoleRow>, AppError>;
    async fn admin_audit(&self, query: AuditQuery, request: &Parts) -> Result<AuditPage, AppError>;
    /// The apps registered to sign in through Frontdoor.
    async fn admin_clients(&self, request: &Parts) -> Result<Vec<ClientListRow>, AppError>;
    /// The tenant's two-step verification policy.
    async fn admin_two_step_policy(&self, request: &Parts) -> Result<TwoStepPolicyView, AppError>;
    /// The signed-in person's second factors, in short.
    async fn two_step_summary(&self, request: &Parts) -> Result<TwoStepSummary, AppError>;
    /// The Terms of Service version this Settings session has yet to accept, if any.
    async fn pending_terms(&self, request: &Parts) -> Result<Option<TermsText>, AppError>;
}

#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// Whether the page may offer passkeys (rendered on the server only: never in an island).
pub fn passkeys_offered() -> bool {
    use_context::<BackendHandle>().is_some_and(|backend| backend.0.passkeys_offered())
}

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

/// On every request of a Frontdoor in test mode: each page says so.
#[derive(Clone, Copy, Debug)]
pub struct TestModeOn;
