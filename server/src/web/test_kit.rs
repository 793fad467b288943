//! Test mode's routes under `/_test/` (mounted only with `--test-mode`), each behind the test
//! key as a bearer token. JSON in and out; every refusal a 4xx with `{"error": "…"}`.
//!
//!   POST /_test/users               a test user (and its tenant): active, with a known password
//!   POST /_test/sessions            a signed-in session, as Playwright `storageState` JSON
//!   GET  /_test/mail?to=…&since=…   the messages this instance sent to an address
//!   GET  /_test/authenticator-code?tenant=…&login=…   a test user's current authenticator code

use super::context::client_of;
use super::cookies::{self, CookieSpec};
use super::state::AppState;
use crate::authn::second_step::COOKIE_SECS;
use crate::authn::{Refusal, SignInError};
use crate::db::App;
use crate::test_mode::{Minted, TestKit, TestKitError, TestUserSpec};
use axum::extract::{Query, Request, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{header, HeaderName, HeaderValue, StatusCode};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{json, Value};

pub const PREFIX: &str = "/_test";
/// Tells the kit that a minted sign-in waits for its second step (the storage state then
/// holds the half-signed-in cookie, and the browser starts at `/two-step`).
const SECOND_STEP_HEADER: &str = "frontdoor-second-step";

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/users"), post(create_user))
        .route(&format!("{PREFIX}/sessions"), post(mint_session))
        .route(&format!("{PREFIX}/mail"), get(mail))
        .route(&format!("{PREFIX}/authenticator-code"), get(authenticator_code))
        .route_layer(from_fn_with_state(state.clone(), require_key))
}

fn kit(state: &AppState) -> TestKit<'_> {
    TestKit { db: &state.db, clock: &state.clock, hasher: &state.hasher, key: state.relying_party.key() }
}

fn refused(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": message.to_string() }))).into_response()
}

async fn require_key(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(mode) = state.test_mode.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, key)| key);
    if given.is_empty() || !mode.key_matches(given.trim()) {
        let mut response =
            refused(StatusCode::UNAUTHORIZED, "the test key is missing or wrong (Authorization: Bearer …)");
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    next.run(request).await
}

impl IntoResponse for TestKitError {
    fn into_response(self) -> Response {
        let status = match &self {
            TestKitError::BadRequest(_) => StatusCode::BAD_REQUEST,
            TestKitError::NotATestUser(_) | TestKitError::NotATestTenant(_) | TestKitError::CodeUsed(_) => {
                StatusCode::CONFLICT
            }
            TestKitError::NoSuchUser(..) => StatusCode::NOT_FOUND,
            TestKitError::SignIn(SignInError::Refused(_)) => StatusCode::FORBIDDEN,
            TestKitError::SignIn(_) | TestKitError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
            TestKitError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = match &self {
            TestKitError::SignIn(SignInError::Refused(why)) => refusal_text(*why).to_string(),
            TestKitError::SignIn(_) | TestKitError::Storage(_) => "storage is unavailable; try again".to_string(),
            other => other.to_string(),
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "test mode");
        }
        let mut response = refused(status, message);
        if let TestKitError::CodeUsed(seconds) = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}

fn refusal_text(why: Refusal) -> &'static str {
    match why {
        Refusal::NotActive => "the user is not active",
        Refusal::NoRight(_) => "the user's role does not include that app",
        Refusal::PasswordLoginOff => "the tenant has password login off",
        Refusal::TemporaryPassword => "the user has a temporary password",
    }
}

/// Reads a JSON body into `T`, or says what is wrong with it (for a 400).
fn body<T: serde::de::DeserializeOwned>(raw: &[u8]) -> Result<T, String> {
    serde_json::from_slice(raw).map_err(|e| format!("the JSON body: {e}"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserRequest {
    tenant: String,
    tenant_name: Option<String>,
    login: String,
    name: Option<String>,
    role: Option<String>,
    password: String,
    language: Option<String>,
}

async fn create_user(State(state): State<AppState>, raw: axum::body::Bytes) -> Response {
    let request: UserRequest = match body(&raw) {
        Ok(request) => request,
        Err(why) => return refused(StatusCode::BAD_REQUEST, why),
    };
    let spec = TestUserSpec {
        tenant: &request.tenant,
        tenant_name: request.tenant_name.as_deref(),
        login: &request.login,
        name: request.name.as_deref(),
        role: request.role.as_deref(),
        password: SecretString::from(request.password),
        language: request.language.as_deref().filter(|l| matches!(*l, "en" | "nl")),
    };
    match kit(&state).ensure_user(&spec).await {
        Ok(id) => {
            Json(json!({ "id": id, "tenant": request.tenant, "login": request.login.to_lowercase() })).into_response()
        }
        Err(err) => err.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SessionRequest {
    tenant: String,
    login: String,
    #[serde(default = "crm")]
    app: String,
    #[serde(default)]
    second_factor: bool,
}

fn crm() -> String {
    "crm".into()
}

async fn mint_session(State(state): State<AppState>, request: Request) -> Response {
    let (parts, raw) = request.into_parts();
    let Ok(raw) = axum::body::to_bytes(raw, super::security::MAX_BODY_BYTES).await else {
        return refused(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large");
    };
    let request: SessionRequest = match body(&raw) {
        Ok(request) => request,
        Err(why) => return refused(StatusCode::BAD_REQUEST, why),
    };
    let app = match request.app.as_str() {
        "crm" => App::Crm,
        "service" => App::Service,
        "settings" => App::Settings,
        _ => return refused(StatusCode::BAD_REQUEST, "app: crm, service or settings"),
    };
    let client = client_of(&parts, state.settings.trust_forwarded_for);
    let minted = kit(&state).mint(&request.tenant, &request.login, app, request.second_factor, &client).await;
    let now = state.clock.now();
    match minted {
        Ok(Minted::Session(signed_in)) => {
            let spec = cookies::session_cookie_spec(&state.settings, app);
            let url = if app == App::Service { &state.settings.service_url } else { &state.settings.public_url };
            let expires = now + signed_in.session.lifetime_secs;
            Json(storage_state(url, &spec, signed_in.session.token.expose(), expires)).into_response()
        }
        Ok(Minted::SecondStepDue(pending)) => {
            let spec = cookies::two_step_cookie_of(&state.settings);
            let state_json =
                storage_state(&state.settings.public_url, &spec, pending.token.expose(), now + COOKIE_SECS);
            let due = if pending.enrol { "enrol" } else { "verify" };
            ([(HeaderName::from_static(SECOND_STEP_HEADER), due)], Json(state_json)).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// Playwright's `storageState`: one cookie, no origins.
pub fn storage_state(url: &str, spec: &CookieSpec, value: &str, expires: i64) -> Value {
    let domain = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    json!({
        "cookies": [{
            "name": spec.name,
            "value": value,
            "domain": domain,
            "path": spec.path,
            "expires": expires,
            "httpOnly": true,
            "secure": spec.secure,
            "sameSite": spec.same_site,
        }],
        "origins": [],
    })
}

#[derive(Deserialize)]
struct MailQuery {
    to: String,
    #[serde(default)]
    since: u64,
}

async fn mail(
    State(state): State<AppState>,
    query: Result<Query<MailQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return refused(StatusCode::BAD_REQUEST, "to: an address; since: Unix milliseconds (optional)");
    };
    let Some(mode) = state.test_mode.as_deref() else { return StatusCode::NOT_FOUND.into_response() };
    Json(mode.mailbox.to(&query.to, query.since)).into_response()
}

#[derive(Deserialize)]
struct UserQuery {
    tenant: String,
    login: String,
}

async fn authenticator_code(
    State(state): State<AppState>,
    query: Result<Query<UserQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return refused(StatusCode::BAD_REQUEST, "tenant and login are needed");
    };
    match kit(&state).authenticator_code(&query.tenant, &query.login).await {
        Ok(Some(code)) => Json(json!({ "code": code })).into_response(),
        Ok(None) => refused(StatusCode::NOT_FOUND, "the user has no authenticator"),
        Err(err) => err.into_response(),
    }
}
