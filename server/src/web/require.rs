//! Sign-in, declared on the router: each route group has one of these layers, so a route
//! cannot be added without saying what it needs.

use super::context::CurrentSession;
use super::cookies;
use super::error::WebError;
use super::state::AppState;
use crate::db::App;
use crate::sessions::{self, NoSession};
use app::domain::{encode_query_component, ReturnPath};
use app::model::{AppError, Notice};
use app::routes;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, StatusCode};

/// What a route group needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// A CRM session; without one, the login page (and back here afterwards).
    CrmPage,
    /// A CRM session; without one, 401 (server functions).
    CrmCall,
    /// A Settings-and-maintenance session (its role has the right) whose user has accepted
    /// the newest Terms of Service; without one, its login page, or the Terms dialog.
    SettingsPage,
    /// The same for its server functions: 401 without a session, 403 before the Terms.
    SettingsCall,
    /// A Settings-and-maintenance session, Terms accepted or not (the Terms dialog, log out).
    SettingsTerms,
    /// The same for the Terms dialog's server function (401 without a session).
    SettingsTermsCall,
    /// A Service session; without one, the Service log in page.
    ServicePage,
    /// The CRM session if there is one (log out).
    OptionalCrm,
}

pub async fn crm_page(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::CrmPage, request, next).await
}

pub async fn crm_call(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::CrmCall, request, next).await
}

pub async fn settings_page(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::SettingsPage, request, next).await
}

pub async fn settings_call(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::SettingsCall, request, next).await
}

pub async fn settings_terms(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::SettingsTerms, request, next).await
}

pub async fn settings_terms_call(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::SettingsTermsCall, request, next).await
}

/// On a request whose Settings-and-maintenance session may use the admin screens and server
/// functions (right and Terms checked); the backend's admin methods require it.
#[derive(Clone, Copy, Debug)]
pub struct AdminAccess;

pub async fn service_page(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::ServicePage, request, next).await
}

pub async fn optional_crm(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::OptionalCrm, request, next).await
}

async fn require(State(state): State<AppState>, need: Need, request: Request, next: Next) -> Response {
    let app = match need {
        Need::ServicePage => App::Service,
        Need::SettingsPage | Need::SettingsCall | Need::SettingsTerms | Need::SettingsTermsCall => App::Settings,
        Need::CrmPage | Need::CrmCall | Need::OptionalCrm => App::Crm,
    };
    let (mut parts, body) = request.into_parts();
    let raw = match cookies::single(&parts.headers, cookies::session_cookie_name(&state.settings, app)) {
        Ok(raw) => raw,
        // Log out clears the cookie either way: the way out of a planted second one.
        Err(cookies::TwoCookies) if need == Need::OptionalCrm => None,
        Err(cookies::TwoCookies) => return WebError::TwoSessionCookies.into_response(),
    };
    let session = match raw {
        Some(raw) => state.sessions().resolve(raw, app).await,
        None => Err(NoSession::Missing),
    };
    let here = || match parts.method {
        // A page comes back to itself after login; a form post to the app's start page.
        http::Method::GET | http::Method::HEAD => parts.uri.path_and_query().map(|pq| pq.as_str().to_string()),
        _ => None,
    };
    match session {
        // A temporary password opens nothing but Change password.
        Ok(record)
            if need == Need::CrmPage && record.must_change_password && parts.uri.path() != routes::CHANGE_PASSWORD =>
        {
            Redirect::to(&Notice::TemporaryPassword.at(routes::CHANGE_PASSWORD)).into_response()
        }
        Ok(record) => {
            // The Terms page itself, with nothing (left) to accept, goes on to the start page.
            let terms_page = need == Need::SettingsTerms
                && parts.method == http::Method::GET
                && parts.uri.path() == routes::SETTINGS_TERMS;
            if terms_page || matches!(need, Need::SettingsPage | Need::SettingsCall) {
                match state.terms().pending(record.user_id).await {
                    Ok(None) if terms_page => return Redirect::to(routes::SETTINGS).into_response(),
                    Ok(None) => {
                        parts.extensions.insert(AdminAccess);
                    }
                    Ok(Some(_)) if terms_page => {}
                    Ok(Some(_)) if need == Need::SettingsCall => return refused_call(AppError::Forbidden),
                    Ok(Some(_)) => return Redirect::to(routes::SETTINGS_TERMS).into_response(),
                    Err(err) => return WebError::Storage(err).into_response(),
                }
            }
            parts.extensions.insert(sessions::viewer(&record));
            parts.extensions.insert(CurrentSession(record));
            next.run(Request::from_parts(parts, body)).await
        }
        Err(NoSession::Unavailable(err)) => WebError::Storage(err).into_response(),
        Err(_) if need == Need::OptionalCrm => next.run(Request::from_parts(parts, body)).await,
        Err(_) if matches!(need, Need::CrmCall | Need::SettingsCall | Need::SettingsTermsCall) => {
            refused_call(AppError::NotSignedIn)
        }
        Err(reason) => {
            let ended = matches!(reason, NoSession::Ended);
            let target = match need {
                Need::ServicePage => service_login_address(&state, ended),
                Need::SettingsPage | Need::SettingsTerms => {
                    settings_login_address(here().as_deref().unwrap_or(routes::SETTINGS), ended)
                }
                _ => login_address(here().as_deref().unwrap_or(routes::CRM), ended),
            };
            Redirect::to(&target).into_response()
        }
    }
}

/// A refused server-function call (401, 403), in the shape its caller decodes: the
/// `AppError` as JSON.
fn refused_call(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::FORBIDDEN);
    let body = serde_json::to_string(&error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The login page, remembering where to come back to.
pub fn login_address(return_to: &str, session_ended: bool) -> String {
    login_page_address(routes::LOGIN, return_to, session_ended)
}

/// Settings and maintenance's own login page, remembering where to come back to.
pub fn settings_login_address(return_to: &str, session_ended: bool) -> String {
    login_page_address(routes::SETTINGS_LOGIN, return_to, session_ended)
}

fn login_page_address(login_page: &str, return_to: &str, session_ended: bool) -> String {
    let address = match ReturnPath::parse(return_to) {
        Some(path) => format!("{login_page}?next={}", encode_query_component(path.as_str())),
        None => login_page.to_string(),
    };
    if session_ended {
        Notice::SessionEnded.at(&address)
    } else {
        address
    }
}

/// The Service log in page, on the CRM's side (it needs the CRM session to hand over).
pub fn service_login_address(state: &AppState, session_ended: bool) -> String {
    let address = format!("{}{}", state.settings.public_url, routes::CRM_SERVICE);
    if session_ended {
        Notice::SessionEnded.at(&address)
    } else {
        address
    }
}
