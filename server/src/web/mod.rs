//! The web floor: the axum router with sign-in declared per route group, plain form posts,
//! Leptos pages and server functions, static files. Handlers call the flows with plain values
//! and turn their typed results into responses.

mod admin;
mod backend;
pub mod context;
pub mod cookies;
pub mod error;
mod forms;
mod page_cache;
mod passkeys;
mod passwords;
mod plain_page;
mod provider;
mod refusals;
mod render;
mod require;
mod reset_login;
pub mod security;
mod service;
mod sessions;
mod settings;
mod sso;
mod state;
pub mod test_kit;
mod two_step;

pub use state::AppState;

use app::routes;
use axum::extract::Request;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use http::StatusCode;
use leptos_axum::{generate_route_list, AxumRouteListing};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;

/// The Leptos pages of each route group (their `GET`); the groups mount these very arrays,
/// and the check at start-up compares them with the app's own route list.
const PUBLIC_PAGES: &[&str] = &[
    routes::FORGOT_PASSWORD,
    routes::RESET_LOGIN,
    routes::RESET_LOGIN_CODE,
    routes::ACTIVATE,
    routes::RESET_PASSWORD,
    routes::SETTINGS_LOGIN,
];
const CRM_PAGES: &[&str] =
    &[routes::CRM, routes::CHANGE_PASSWORD, routes::CRM_LOGOUT_CONFIRM, routes::SESSIONS, routes::CRM_SERVICE];
/// Settings and maintenance, once its Terms of Service are accepted.
const SETTINGS_PAGES: &[&str] = &[
    routes::SETTINGS,
    routes::SETTINGS_USERS,
    routes::SETTINGS_ADD_USER,
    routes::SETTINGS_ROLES,
    routes::SETTINGS_AUDIT,
    routes::SETTINGS_APPS,
];
/// Settings and maintenance before its Terms of Service are accepted.
const SETTINGS_TERMS_PAGES: &[&str] = &[routes::SETTINGS_TERMS, routes::SETTINGS_LOGOUT_CONFIRM];
const SERVICE_PAGES: &[&str] = &[routes::SERVICE, routes::SERVICE_LOGOUT_CONFIRM];
/// Pages with a handler of their own (they fill in what the page shows).
const HANDLED_PAGES: &[&str] = &[
    routes::LOGIN,
    "/t/{tenant}/login",
    routes::RESET_LOGIN_CHOOSE,
    routes::TWO_STEP,
    routes::TWO_STEP_SETTINGS,
    routes::PASSKEYS,
];

/// Server functions each group may be called for (`/api/{endpoint}`).
const PUBLIC_CALLS: &[&str] = &["login", "link_owner", "reset_policy"];
const CRM_CALLS: &[&str] = &["viewer", "sessions", "apps", "password_owner", "two_step"];
/// Settings and maintenance's server functions (`/settings/api/{endpoint}`, where its cookie
/// is sent): the admin screens', and the Terms dialog's.
const SETTINGS_CALLS: &[&str] = &["users", "roles", "audit", "clients", "two_step_policy"];
const SETTINGS_TERMS_CALLS: &[&str] = &["terms"];
const SETTINGS_API: &str = "/settings/api";

/// The whole application. Fails when a page or server function of the app is in no route
/// group: nothing can go unchecked by accident.
pub fn router(state: AppState) -> anyhow::Result<Router> {
    let call = || post(render::server_fn);

    let public = with_pages(Router::new(), PUBLIC_PAGES)
        .route("/", get(|| async { Redirect::to(routes::CRM) }))
        .route(routes::LOGIN, get(forms::login_page).post(forms::login))
        .route("/t/{tenant}/login", get(forms::login_page).post(forms::tenant_login))
        .route(routes::RESET_LOGIN, post(reset_login::request))
        .route(routes::RESET_LOGIN_CODE, post(reset_login::verify))
        .route(routes::RESET_LOGIN_CHOOSE, get(reset_login::choose_page).post(reset_login::choose))
        .route(routes::FORGOT_PASSWORD, post(passwords::forgot))
        .route(routes::ACTIVATE, post(passwords::activate))
        .route(&format!("{}/{{token}}", routes::ACTIVATE), get(passwords::open_activation_link))
        .route(routes::RESET_PASSWORD, post(passwords::reset))
        .route(&format!("{}/{{token}}", routes::RESET_PASSWORD), get(passwords::open_reset_link))
        .route(routes::SERVICE_SESSION, post(service::redeem))
        .route(routes::SETTINGS_LOGIN, post(settings::login))
        .route(routes::TWO_STEP, get(two_step::page).post(two_step::answer))
        .route(routes::TWO_STEP_PASSKEY_OPTIONS, post(passkeys::step_options))
        .route(routes::TWO_STEP_PASSKEY, post(passkeys::step))
        .route(routes::PASSKEY_LOGIN_OPTIONS, post(passkeys::login_options))
        .route(routes::PASSKEY_LOGIN, post(passkeys::login))
        .route(routes::SSO_START, post(sso::start))
        .route(&format!("{}/{{provider}}", routes::SSO_CALLBACK), get(sso::callback))
        .route(routes::SSO_LINK, get(sso::link_page).post(sso::link))
        .route(routes::SSO_LINK_CODE, post(sso::send_link_code))
        .route(routes::ACTIVATE_SSO, post(sso::activate))
        .route(&format!("{}/{{code}}", routes::LANGUAGE), get(forms::language))
        .route(provider::DISCOVERY, get(provider::discovery))
        .route(provider::JWKS, get(provider::jwks))
        .route(provider::AUTHORIZE, get(provider::authorize).post(provider::authorize))
        .route(provider::AUTHORIZE_CONTINUE, get(provider::resume))
        .route(provider::AUTHORIZE_TENANT, post(provider::choose_tenant))
        .route(provider::CONSENT, post(provider::consent))
        .route(provider::TOKEN, post(provider::token))
        .route(provider::USERINFO, get(provider::userinfo).post(provider::userinfo))
        .route(provider::REVOKE, post(provider::revoke))
        .route(provider::INTROSPECT, post(provider::introspect))
        .route(provider::LOGOUT, get(provider::logout).post(provider::logout_confirmed))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/health", get(|| async { "ok" }));
    let public = with_calls(public, PUBLIC_CALLS, &call);

    let optional_crm = Router::new()
        .route(routes::LOGOUT, post(forms::logout))
        .route_layer(from_fn_with_state(state.clone(), require::optional_crm));

    let crm = with_pages(Router::new(), CRM_PAGES)
        .route(routes::CHANGE_PASSWORD, post(passwords::change))
        .route(routes::SESSIONS_END, post(sessions::end_one))
        .route(routes::SESSIONS_END_OTHERS, post(sessions::end_others))
        .route(routes::APPS_REVOKE, post(sessions::revoke_app))
        .route(routes::CRM_SERVICE_HANDOFF, post(service::handoff))
        .route(routes::TWO_STEP_SETTINGS, get(two_step::settings_page).post(two_step::settings_post))
        .route(routes::PASSKEYS, get(passkeys::page).post(passkeys::manage))
        .route(routes::PASSKEYS_OPTIONS, post(passkeys::register_options))
        .route(routes::PASSKEYS_REGISTER, post(passkeys::register))
        .route_layer(from_fn_with_state(state.clone(), require::crm_page));

    let crm_calls =
        with_calls(Router::new(), CRM_CALLS, &call).route_layer(from_fn_with_state(state.clone(), require::crm_call));

    let settings = with_pages(Router::new(), SETTINGS_PAGES)
        .route(routes::SETTINGS_ADD_USER, post(admin::add_user))
        .route(&format!("{}/{{id}}/{{action}}", routes::SETTINGS_USERS), post(admin::user_action))
        .route(routes::SETTINGS_ROLES, post(admin::create_role))
        .route(&format!("{}/{{id}}/{{action}}", routes::SETTINGS_ROLES), post(admin::role_action))
        .route(routes::SETTINGS_TWO_STEP, post(admin::two_step_policy))
        .route_layer(from_fn_with_state(state.clone(), require::settings_page));
    let settings_calls = with_calls_at(Router::new(), SETTINGS_API, SETTINGS_CALLS, &call)
        .route_layer(from_fn_with_state(state.clone(), require::settings_call));
    let settings_terms = with_pages(Router::new(), SETTINGS_TERMS_PAGES)
        .route(routes::SETTINGS_TERMS, post(settings::accept_terms))
        .route(routes::SETTINGS_LOGOUT, post(settings::logout))
        .route_layer(from_fn_with_state(state.clone(), require::settings_terms));
    let settings_terms_calls = with_calls_at(Router::new(), SETTINGS_API, SETTINGS_TERMS_CALLS, &call)
        .route_layer(from_fn_with_state(state.clone(), require::settings_terms_call));

    let service = with_pages(Router::new(), SERVICE_PAGES)
        .route(routes::SERVICE_LOGOUT, post(service::logout))
        .route_layer(from_fn_with_state(state.clone(), require::service_page));

    check_every_route_is_grouped()?;
    // Test mode's routes exist only in test mode: otherwise /_test/… is the 404 page.
    let test_kit = if state.test_mode.is_some() { test_kit::routes(&state) } else { Router::new() };
    let pkg_dir = format!("{}/{}", state.leptos.site_root, state.leptos.site_pkg_dir);
    Ok(public
        .merge(optional_crm)
        .merge(crm)
        .merge(crm_calls)
        .merge(settings)
        .merge(settings_calls)
        .merge(settings_terms)
        .merge(settings_terms_calls)
        .merge(service)
        .merge(test_kit)
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), context::request_context))
        .layer(RequestBodyLimitLayer::new(security::MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .with_state(state))
}

/// `GET` of each page: the Leptos page at that path.
fn with_pages(router: Router<AppState>, pages: &[&str]) -> Router<AppState> {
    pages.iter().fold(router, |router, path| router.route(path, get(render::page_route)))
}

fn with_calls(
    router: Router<AppState>,
    endpoints: &[&str],
    call: &impl Fn() -> MethodRouter<AppState>,
) -> Router<AppState> {
    with_calls_at(router, "/api", endpoints, call)
}

fn with_calls_at(
    router: Router<AppState>,
    prefix: &str,
    endpoints: &[&str],
    call: &impl Fn() -> MethodRouter<AppState>,
) -> Router<AppState> {
    endpoints.iter().fold(router, |router, endpoint| router.route(&format!("{prefix}/{endpoint}"), call()))
}

/// Every page of the app and every server function is in one of the groups above.
fn check_every_route_is_grouped() -> anyhow::Result<()> {
    let grouped_pages: BTreeSet<&str> =
        [PUBLIC_PAGES, CRM_PAGES, SETTINGS_PAGES, SETTINGS_TERMS_PAGES, SERVICE_PAGES, HANDLED_PAGES]
            .into_iter()
            .flatten()
            .copied()
            .collect();
    for listing in page_routes() {
        let path = listing.path().replace(":tenant", "{tenant}");
        if !grouped_pages.contains(path.as_str()) {
            anyhow::bail!("the page {path} is in no route group (web::router)");
        }
    }
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let grouped = match path.strip_prefix(&format!("{SETTINGS_API}/")) {
            Some(endpoint) => SETTINGS_CALLS.contains(&endpoint) || SETTINGS_TERMS_CALLS.contains(&endpoint),
            None => path.strip_prefix("/api/").is_some_and(|e| PUBLIC_CALLS.contains(&e) || CRM_CALLS.contains(&e)),
        };
        if !grouped {
            anyhow::bail!("the server function {path} is in no route group (web::router)");
        }
    }
    Ok(())
}

/// A form post's fields: `Err(413)` when the body is over the limit, `Ok(None)` when it is not
/// a readable form.
pub async fn read_form<T: serde::de::DeserializeOwned>(body: axum::body::Body) -> Result<Option<T>, StatusCode> {
    let bytes =
        axum::body::to_bytes(body, security::MAX_BODY_BYTES).await.map_err(|_| StatusCode::PAYLOAD_TOO_LARGE)?;
    Ok(serde_urlencoded::from_bytes(&bytes).ok())
}

/// The Leptos route list, generated once per process. Generating it runs the app with resource
/// loading suppressed process-wide, so a page rendering at that moment would wait forever
/// (leptos-rs/leptos#4773); after the first router is built it never happens again.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Anything else gets the application's own "Page not found".
async fn not_found(state: axum::extract::State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let mut response = render::page(&state, parts, || {}).await;
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.into_response()
}
