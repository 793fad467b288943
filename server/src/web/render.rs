use crate::state::AppState;
use app::backend::BackendHandle;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::request::Parts;
use http::Method;
use leptos::prelude::provide_context;
use std::sync::Arc;

/// What every server-rendered page and server function gets as context.
pub fn app_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let backend = BackendHandle(Arc::new(state.clone()));
    move || provide_context(backend.clone())
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
