//! Sign-in, declared on the router: each route group has one of these layers, so a route
//! cannot be added without saying what it needs.

use super::context::CurrentSession;
use super::cookies;
use super::error::WebError;
use super::state::AppState;
use crate::db::App;
use crate::sessions::{self, NoSession};
use app::domain::{encode_query_component, ReturnPath};
use app::model::AppError;
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
    /// A CRM session whose role has the Settings-and-maintenance right.
    Admin,
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

pub async fn admin(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::Admin, request, next).await
}

pub async fn service_page(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::ServicePage, request, next).await
}

pub async fn optional_crm(state: State<AppState>, request: Request, next: Next) -> Response {
    require(state, Need::OptionalCrm, request, next).await
}

async fn require(State(state): State<AppState>, need: Need, request: Request, next: Next) -> Response {
    let app = if need == Need::ServicePage { App::Service } else { App::Crm };
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
    match session {
        Ok(record) if need == Need::Admin && !record.rights.admin => Redirect::to(routes::CRM).into_response(),
        Ok(record) => {
            parts.extensions.insert(sessions::viewer(&record));
            parts.extensions.insert(CurrentSession(record));
            next.run(Request::from_parts(parts, body)).await
        }
        Err(NoSession::Unavailable(err)) => WebError::Storage(err).into_response(),
        Err(_) if need == Need::OptionalCrm => next.run(Request::from_parts(parts, body)).await,
        Err(_) if need == Need::CrmCall => not_signed_in(),
        Err(reason) => {
            let ended = matches!(reason, NoSession::Ended);
            let target = match need {
                Need::ServicePage => service_login_address(&state, ended),
                _ => {
                    // A page comes back to itself after login; a form post to the start page.
                    let here = match parts.method {
                        http::Method::GET | http::Method::HEAD => {
                            parts.uri.path_and_query().map_or(routes::CRM, |pq| pq.as_str())
                        }
                        _ => routes::CRM,
                    };
                    login_address(here, ended)
                }
            };
            Redirect::to(&target).into_response()
        }
    }
}

/// 401 in the shape a server function's caller decodes: `AppError::NotSignedIn`, as JSON.
fn not_signed_in() -> Response {
    let body = serde_json::to_string(&AppError::NotSignedIn).unwrap_or_default();
    (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The login page, remembering where to come back to.
pub fn login_address(return_to: &str, session_ended: bool) -> String {
    let mut address = routes::LOGIN.to_string();
    let mut separator = '?';
    if let Some(path) = ReturnPath::parse(return_to) {
        address.push_str(&format!("{separator}next={}", encode_query_component(path.as_str())));
        separator = '&';
    }
    if session_ended {
        address.push_str(&format!("{separator}notice=session-ended"));
    }
    address
}

/// The Service log in page, on the CRM's side (it needs the CRM session to hand over).
pub fn service_login_address(state: &AppState, session_ended: bool) -> String {
    let notice = if session_ended { "?notice=session-ended" } else { "" };
    format!("{}{}{notice}", state.settings.public_url, routes::CRM_SERVICE)
}
