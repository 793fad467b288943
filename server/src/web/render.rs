//! Rendering the Leptos pages: every page route and the re-rendered page of a refused form.

use super::page_cache::{PageCache, NONCE_MARK};
use super::state::AppState;
use app::backend::BackendHandle;
use app::backend::CspNonce;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header::RETRY_AFTER;
use http::request::Parts;
use http::{HeaderValue, Method, StatusCode};
use leptos::prelude::provide_context;
use std::sync::Arc;

/// What every server-rendered page and server function gets as context.
pub fn app_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let backend = BackendHandle(Arc::new(state.clone()));
    move || provide_context(backend.clone())
}

/// `GET` of a page route: the page at the request's path.
pub async fn page_route(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let Some(key) = PageCache::key(&parts) else {
        return page(&state, parts, || {}).await;
    };
    let nonce = parts.extensions.get::<CspNonce>().map(|n| n.0.clone()).unwrap_or_default();
    if let Some(kept) = state.pages.get(&key) {
        return kept.answer(&nonce);
    }
    parts.extensions.insert(CspNonce(NONCE_MARK.to_string()));
    state.pages.keep(key, page(&state, parts, || {}).await).await.answer(&nonce)
}

/// Renders the Leptos page at the request's path with extra context: how a plain form post
/// that failed shows the same page again, with the error and what was typed.
pub async fn page(state: &AppState, mut parts: Parts, extra: impl Fn() + Clone + Send + Sync + 'static) -> Response {
    let options = state.leptos.clone();
    let context = app_context(state);
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            context();
            extra();
        },
        move || app::shell(options.clone()),
    );
    parts.method = Method::GET;
    handler(Request::from_parts(parts, Body::empty())).await
}

/// The page at the request's path again, answered with `status` (and `Retry-After` where
/// waiting is the remedy) and `echo` in its context: how a refused form post shows the reason
/// next to its field, and what was typed.
pub async fn refusal<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    parts: Parts,
    status: u16,
    retry_after: Option<u32>,
    echo: T,
) -> Response {
    refusal_with(state, parts, status, retry_after, move || provide_context(echo.clone())).await
}

/// [`refusal`] with any context.
pub async fn refusal_with(
    state: &AppState,
    parts: Parts,
    status: u16,
    retry_after: Option<u32>,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let mut response = page(state, parts, extra).await;
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A server function call, with the backend in its context.
pub async fn server_fn(State(state): State<AppState>, request: Request) -> Response {
    let context = app_context(&state);
    leptos_axum::handle_server_fns_with_context(context, request).await.into_response()
}
