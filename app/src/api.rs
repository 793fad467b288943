//! The server functions: what the browser may ask the server. Their bodies run on the server
//! only and reach its logic through [`crate::backend`]; the types they carry are in
//! [`crate::model`]. Every error answers with its own HTTP status (400, 401, 403, 503), never a
//! blanket 500.

use leptos::prelude::*;

pub use crate::model::*;

/// Sets the response's status (and `Retry-After`) for a failed call.
#[cfg(feature = "ssr")]
fn respond_with(status: u16, retry_after: Option<u32>) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(status) {
            response.set_status(status);
        }
        if let Some(seconds) = retry_after {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
}

/// An [`AppError`] answered with its status.
#[cfg(feature = "ssr")]
fn answered<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        respond_with(err.http_status(), (*err == AppError::Unavailable).then_some(1));
    }
    result
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
            respond_with(err.http_status(), err.retry_after());
            Err(err)
        }
    }
}

/// The signed-in person's live sessions, in every app.
#[server(endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.sessions(&parts).await)
}

/// The partner apps the signed-in person allowed to sign them in.
#[server(endpoint = "apps")]
pub async fn my_apps() -> Result<Vec<AppAccess>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.apps_with_access(&parts).await)
}

/// The signed-in person's second factors, in short.
#[server(endpoint = "two_step")]
pub async fn my_two_step() -> Result<TwoStepSummary, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.two_step_summary(&parts).await)
}

/// The person behind this request's session.
#[server(endpoint = "viewer")]
pub async fn current_viewer() -> Result<Viewer, AppError> {
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Unexpected)?;
    answered(parts.extensions.get::<Viewer>().cloned().ok_or(AppError::NotSignedIn))
}

/// The person an emailed link was sent to, while the link still works; None when it does not.
#[server(endpoint = "link_owner")]
pub async fn link_owner(kind: LinkKind) -> Result<Option<PasswordOwner>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.link_owner(kind, &parts).await)
}

/// The signed-in person, for Change password.
#[server(endpoint = "password_owner")]
pub async fn my_password_owner() -> Result<PasswordOwner, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.my_password_owner(&parts).await)
}

#[server(endpoint = "reset_policy")]
pub async fn reset_policy() -> Result<PasswordRecovery, AppError> {
    let (backend, _) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    Ok(backend.reset_policy())
}

// Settings and maintenance: under `/settings/api`, where its session cookie is sent.

/// One page of the tenant's users.
#[server(prefix = "/settings/api", endpoint = "users")]
pub async fn admin_users(query: UserQuery) -> Result<UsersPage, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.admin_users(query, &parts).await)
}

/// The tenant's roles.
#[server(prefix = "/settings/api", endpoint = "roles")]
pub async fn admin_roles() -> Result<Vec<RoleRow>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.admin_roles(&parts).await)
}

/// One page of the tenant's audit log.
#[server(prefix = "/settings/api", endpoint = "audit")]
pub async fn admin_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.admin_audit(query, &parts).await)
}

/// The apps registered to sign in through Frontdoor.
#[server(prefix = "/settings/api", endpoint = "clients")]
pub async fn admin_clients() -> Result<Vec<ClientListRow>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.admin_clients(&parts).await)
}

/// The tenant's two-step verification policy.
#[server(prefix = "/settings/api", endpoint = "two_step_policy")]
pub async fn admin_two_step_policy() -> Result<TwoStepPolicyView, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.admin_two_step_policy(&parts).await)
}

/// The Terms of Service waiting for acceptance, if any.
#[server(prefix = "/settings/api", endpoint = "terms")]
pub async fn pending_terms() -> Result<Option<TermsText>, AppError> {
    let (backend, parts) = crate::backend::use_backend().ok_or(AppError::Unexpected)?;
    answered(backend.pending_terms(&parts).await)
}
