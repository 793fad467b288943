//! The axum application: plain form posts, Leptos pages and server functions, static files.

pub mod client;
pub mod context;
pub mod forms;
pub mod passwords;
pub mod plain_page;
pub mod render;
pub mod service;
pub mod sessions;

use crate::state::AppState;
use app::routes;
use axum::extract::{Request, State};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;

pub fn router(state: AppState) -> Router {
    let leptos = state.leptos.clone();
    let pkg_dir = format!("{}/{}", leptos.site_root, leptos.site_pkg_dir);
    let page_routes = page_routes();
    Router::new()
        .route("/", get(|| async { Redirect::to(routes::CRM) }))
        .route(routes::LOGIN, post(forms::login))
        .route("/t/{tenant}/login", post(forms::tenant_login))
        .route(routes::LOGOUT, post(forms::logout))
        .route(routes::FORGOT_PASSWORD, post(passwords::forgot))
        .route(routes::ACTIVATE, post(passwords::activate))
        .route(&format!("{}/{{token}}", routes::ACTIVATE), get(passwords::open_activation_link))
        .route(routes::RESET_PASSWORD, post(passwords::reset))
        .route(&format!("{}/{{token}}", routes::RESET_PASSWORD), get(passwords::open_reset_link))
        .route(routes::CHANGE_PASSWORD, post(passwords::change))
        .route(routes::SESSIONS_END, post(sessions::end_one))
        .route(routes::SESSIONS_END_OTHERS, post(sessions::end_others))
        .route(routes::CRM_SERVICE_HANDOFF, post(service::handoff))
        .route(routes::SERVICE_SESSION, post(service::redeem))
        .route(routes::SERVICE_LOGOUT, post(service::logout))
        .route(&format!("{}/{{code}}", routes::LANGUAGE), get(forms::language))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/health", get(|| async { "ok" }))
        .leptos_routes_with_context(&state, page_routes, render::app_context(&state), move || {
            app::shell(leptos.clone())
        })
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip())
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), context::request_context))
        .layer(RequestBodyLimitLayer::new(crate::security::MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), crate::security::headers))
        .with_state(state)
}

/// A form post's fields: `Err(413)` when the body is over the limit, `Ok(None)` when it is not
/// a readable form.
pub async fn read_form<T: serde::de::DeserializeOwned>(body: axum::body::Body) -> Result<Option<T>, StatusCode> {
    let bytes =
        axum::body::to_bytes(body, crate::security::MAX_BODY_BYTES).await.map_err(|_| StatusCode::PAYLOAD_TOO_LARGE)?;
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
async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let mut response = render::page(&state, parts, || {}).await;
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.into_response()
}
