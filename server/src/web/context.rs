//! Per-request context: who the client is, which language to speak, and whose session this is.
//! Anonymous visits to signed-in pages are sent to the right login page, and back afterwards.

use crate::db::SessionRecord;
use crate::session::{self, App, NoSession, LANGUAGE_COOKIE};
use crate::state::AppState;
use crate::web::client::ClientInfo;
use app::domain::{encode_query_component, ReturnPath};
use app::i18n::Lang;
use app::routes;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, Method, StatusCode};

/// The session behind the request, when there is one.
#[derive(Clone, Debug)]
pub struct CurrentSession(pub SessionRecord);

/// Which app's session a path needs, and whether an anonymous GET is sent to log in.
fn session_needed(path: &str) -> Option<(App, bool)> {
    let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
    if path == routes::SERVICE_SESSION {
        None
    } else if under(routes::SERVICE) {
        Some((App::Service, true))
    } else if under(routes::CRM) || under(routes::SETTINGS) {
        Some((App::Crm, true))
    } else if path.starts_with("/api/") || path == routes::LOGOUT {
        Some((App::Crm, false))
    } else {
        None
    }
}

pub fn language(headers: &HeaderMap) -> Lang {
    session::read_cookie(headers, LANGUAGE_COOKIE)
        .and_then(Lang::from_code)
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

pub async fn request_context(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let client = ClientInfo::of(&parts, state.settings.trust_forwarded_for);
    parts.extensions.insert(client);
    parts.extensions.insert(language(&parts.headers));
    let path = parts.uri.path().to_string();
    if let Some((app, gated)) = session_needed(&path) {
        match session::resolve(&state, &parts.headers, app).await {
            Ok(record) if path.starts_with(routes::SETTINGS) && record.can_admin == 0 => {
                // Settings and maintenance needs the admin right; others go back to the CRM.
                return Redirect::to(routes::CRM).into_response();
            }
            Ok(record) => {
                parts.extensions.insert(session::viewer(&record));
                parts.extensions.insert(CurrentSession(record));
            }
            Err(reason) if gated && parts.method == Method::GET => {
                let ended = reason == NoSession::Ended;
                let target = match app {
                    App::Crm => {
                        let here = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or(&path);
                        login_address(here, ended)
                    }
                    App::Service => service_login_address(&state, ended),
                };
                return Redirect::to(&target).into_response();
            }
            Err(_) => {}
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Ends the request's session (if it has one) and records it; `detail` names the app when it
/// is not the CRM.
pub async fn end_current_session(
    state: &AppState,
    parts: &http::request::Parts,
    detail: Option<&str>,
) -> Result<(), StatusCode> {
    let Some(CurrentSession(record)) = parts.extensions.get::<CurrentSession>() else { return Ok(()) };
    if let Err(err) = state.db.delete_session(&record.token_hash).await {
        tracing::error!(error = %err, "logout could not end the session");
        return Err(StatusCode::INTERNAL_SERVER_ERROR);
    }
    let client = ClientInfo::of_request(parts);
    crate::login::audit_event(
        state,
        Some(record.tenant_id),
        Some(record.user_id),
        None,
        "logout",
        "success",
        detail,
        &client,
    )
    .await;
    Ok(())
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
