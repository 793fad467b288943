//! Safety on every response: a Content-Security-Policy with a fresh nonce, no sniffing, no
//! referrer, no framing; state-changing requests from another site are refused; bodies are small.

use super::context::language;
use super::state::AppState;
use crate::settings::Settings;
use app::backend::CspNonce;
use app::i18n::{Lang, Msg};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use rand::RngCore;

/// Endpoints other sites' apps and servers call (see [`is_same_site`]).
const APP_ENDPOINTS: [&str; 5] =
    ["/oauth2/authorize", "/oauth2/token", "/oauth2/userinfo", "/oauth2/revoke", "/oauth2/introspect"];

/// Forms here are a few fields; anything larger is refused before it is read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // The saved choice first, as on every page.
    let lang = language(request.headers(), state.settings.default_lang);
    let mut response = if !is_same_site(&request, &state) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        plain(StatusCode::FORBIDDEN, refused_text(lang))
    } else if declared_length(&request).is_some_and(|n| n > MAX_BODY_BYTES) {
        plain(StatusCode::PAYLOAD_TOO_LARGE, too_large_text(lang))
    } else {
        let nonce = new_nonce();
        request.extensions_mut().insert(CspNonce(nonce.clone()));
        let static_file = request.uri().path().starts_with("/pkg/");
        let mut response = next.run(request).await;
        if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
            response = plain(StatusCode::PAYLOAD_TOO_LARGE, too_large_text(lang));
        }
        // A page that must post elsewhere (an answer to an app) brings its own, narrower policy.
        if !response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
            set(&mut response, header::CONTENT_SECURITY_POLICY, &content_security_policy(&nonce, &state.settings));
        }
        // Pages are never stored. The bundles have no hash in their names, so a browser must
        // ask (cheaply: 304) whether its copy is still current, or a new page could meet an old
        // bundle after an upgrade.
        set(&mut response, header::CACHE_CONTROL, if static_file { "no-cache" } else { "no-store" });
        response
    };
    set(&mut response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // A page that must name its origin to another (the Service hand-off) sets its own.
    if !response.headers().contains_key(header::REFERRER_POLICY) {
        set(&mut response, header::REFERRER_POLICY, "no-referrer");
    }
    set(&mut response, header::X_FRAME_OPTIONS, "DENY");
    set(&mut response, HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(&mut response, HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    if state.settings.secure_cookies {
        set(&mut response, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}

/// Forms may post to this server and to Service (the hand-off crosses to its origin).
pub fn content_security_policy(nonce: &str, settings: &Settings) -> String {
    let mut form_action = String::from("'self'");
    for origin in [&settings.public_origin, &settings.service_origin] {
        if !form_action.contains(origin.as_str()) {
            form_action.push(' ');
            form_action.push_str(origin);
        }
    }
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action {form_action}; frame-ancestors 'none'"
    )
}

fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn set(response: &mut Response, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

fn declared_length(request: &Request) -> Option<usize> {
    request.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Safe methods pass. Others need an `Origin` that is one of the configured origins (the public
/// URL's and the Service URL's), scheme included: never one derived from the request's own
/// `Host`, which the client chooses. Under `Referrer-Policy: no-referrer` browsers send
/// `Origin: null` on form posts, so then `Sec-Fetch-Site` decides: only `same-origin` (or
/// `none`, typed by the person) passes. With neither header (not a browser) the request passes:
/// cookies are `SameSite=Lax`, so such a client can only act on a session it was given.
fn is_same_site(request: &Request, state: &AppState) -> bool {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    // The OpenID provider's endpoints that apps call, or post a browser to: no session cookie
    // is what lets them act (the token endpoint takes the app's credentials; an authorization
    // request is a navigation).
    if APP_ENDPOINTS.contains(&request.uri().path()) {
        return true;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) if origin != "null" => state.settings.allows_origin(origin),
        origin => match fetch_site {
            Some(site) => site == "same-origin" || site == "none",
            None => origin.is_none(),
        },
    }
}

fn refused_text(lang: Lang) -> &'static str {
    Msg::CrossSiteRefused.text(lang)
}

fn too_large_text(lang: Lang) -> &'static str {
    Msg::RequestTooLarge.text(lang)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], Body::from(text)).into_response()
}
