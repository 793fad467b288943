//! Per-request context: who the client is, which language to speak, and whose session this is.
//! Anonymous visits to signed-in pages are sent to log in, and back afterwards.

use crate::db::SessionRecord;
use crate::session::{self, NoSession, LANGUAGE_COOKIE};
use crate::state::AppState;
use crate::web::client::ClientInfo;
use app::domain::ReturnPath;
use app::i18n::Lang;
use app::routes;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, Method};

/// The session behind the request, when there is one.
#[derive(Clone, Debug)]
pub struct CurrentSession(pub SessionRecord);

const SIGNED_IN_PAGES: [&str; 3] = [routes::CRM, routes::SERVICE, routes::SETTINGS];

fn is_signed_in_page(path: &str) -> bool {
    SIGNED_IN_PAGES
        .iter()
        .any(|page| path == *page || path.strip_prefix(page).is_some_and(|rest| rest.starts_with('/')))
}

fn needs_session(path: &str) -> bool {
    is_signed_in_page(path) || path.starts_with("/api/") || path == routes::LOGOUT
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
    if needs_session(&path) {
        match session::resolve(&state, &parts.headers, session::CRM_APP).await {
            Ok(record) => {
                parts.extensions.insert(session::viewer(&record));
                parts.extensions.insert(CurrentSession(record));
            }
            Err(reason) if is_signed_in_page(&path) && parts.method == Method::GET => {
                let here = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or(&path);
                return Redirect::to(&login_address(here, reason == NoSession::Ended)).into_response();
            }
            Err(_) => {}
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The login page, remembering where to come back to.
pub fn login_address(return_to: &str, session_ended: bool) -> String {
    let mut address = routes::LOGIN.to_string();
    let mut separator = '?';
    if let Some(path) = ReturnPath::parse(return_to) {
        address.push_str(&format!("{separator}next={}", app::components::language_switch::encode_component(path.as_str())));
        separator = '&';
    }
    if session_ended {
        address.push_str(&format!("{separator}notice=session-ended"));
    }
    address
}
