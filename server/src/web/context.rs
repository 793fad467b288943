//! Per-request context: an id, who the client is, which language to speak; a tracing span per
//! request (id, route, status, latency; never a path's raw parameters, which may be tokens);
//! and the error pages, written here with the request's id on them.

use super::cookies::{self, LANGUAGE_COOKIE};
use super::error::{ErrorPage, WebError};
use super::plain_page::plain_page;
use super::state::AppState;
use crate::client::{forwarded_for, ClientInfo};
use crate::db::SessionRecord;
use crate::html::escape;
use app::i18n::{fill, Lang, Msg};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderMap, HeaderValue};
use std::net::SocketAddr;
use tracing::Instrument;

/// The request's id: in the log, in the `X-Request-Id` header and on error pages.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The session behind the request, put there by the route group's sign-in layer.
#[derive(Clone, Debug)]
pub struct CurrentSession(pub SessionRecord);

impl<S: Send + Sync> FromRequestParts<S> for CurrentSession {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        parts.extensions.get::<CurrentSession>().cloned().ok_or(WebError::NotSignedIn)
    }
}

/// A saved choice (the switch, a cookie) wins over `Accept-Language`; the instance's language
/// (`--language`) otherwise.
pub fn language(headers: &HeaderMap, default: Lang) -> Lang {
    cookies::first(headers, LANGUAGE_COOKIE)
        .and_then(Lang::from_code)
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(default)
}

/// The client: the peer's address, or with `trust_forwarded_for` what the proxy in front said.
pub fn client_of(parts: &Parts, trust_forwarded_for: bool) -> ClientInfo {
    // A line that is not text counts as a line (an unreadable last line names no client; it
    // must not let an earlier one, the client's own, take its place).
    let forwarded = trust_forwarded_for
        .then(|| forwarded_for(parts.headers.get_all("x-forwarded-for").iter().map(|v| v.to_str().unwrap_or(""))))
        .flatten();
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let user_agent = parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    match forwarded.or(peer) {
        Some(ip) => ClientInfo::new(ip, user_agent),
        None => ClientInfo::local(),
    }
}

/// The client as this layer recorded it.
pub fn client(parts: &Parts) -> ClientInfo {
    parts.extensions.get::<ClientInfo>().cloned().unwrap_or_else(ClientInfo::local)
}

pub fn lang(parts: &Parts) -> Lang {
    parts.extensions.get::<Lang>().copied().unwrap_or_default()
}

/// Not a secret: the thread's generator will do, without a system call per request.
fn new_request_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

pub async fn request_context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let id = new_request_id();
    let (mut parts, body) = request.into_parts();
    let lang = language(&parts.headers, state.settings.default_lang);
    parts.extensions.insert(client_of(&parts, state.settings.trust_forwarded_for));
    parts.extensions.insert(lang);
    parts.extensions.insert(RequestId(id.clone()));
    if state.test_mode.is_some() {
        parts.extensions.insert(app::backend::TestModeOn);
    }
    let route = parts.extensions.get::<MatchedPath>().map_or("(none)", |p| p.as_str()).to_string();
    let method = parts.method.clone();
    request = Request::from_parts(parts, body);

    let span = tracing::info_span!("request", id = %id, %method, %route);
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    if let Some(ErrorPage(msg)) = response.extensions_mut().remove::<ErrorPage>() {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = format!(
            r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p><p class="hint">{reference}</p><p><a href="/login">{back}</a></p>"#,
            heading = escape(Msg::ProductName.text(lang)),
            text = escape(msg.text(lang)),
            reference = escape(&fill(Msg::ErrorReference.text(lang), &[("id", &id)])),
            back = escape(Msg::BackToLogin.text(lang)),
        );
        response = (status, plain_page(lang, Msg::ProductName.text(lang), &body)).into_response();
        response.headers_mut().extend(headers);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Only the server's own failures are warnings; "busy" (503) is expected under overload and
    // every refusal is in the audit trail already.
    span.in_scope(|| match status {
        500..=502 | 504.. => tracing::warn!(status, latency_ms, "answered"),
        _ => tracing::debug!(status, latency_ms, "answered"),
    });
    response
}
