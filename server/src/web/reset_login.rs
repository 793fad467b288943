//! "Reset login": the email address, the emailed code, the tenant. Each step is a plain form
//! post; this browser's place in the flow is an HttpOnly cookie scoped to `/reset-login`.

use super::context::client;
use super::cookies;
use super::error::WebError;
use super::state::AppState;
use super::{read_form, render};
use app::model::{ChoiceEcho, ChoiceError, TenantOptions};
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use leptos::prelude::provide_context;
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /reset-login`: the same answer whether or not the address belongs to anyone.
pub async fn request(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form: EmailForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return refused(&state, parts, ChoiceError::FormUnreadable, String::new()).await,
        Err(status) => return status.into_response(),
    };
    match state.tenant_choice().request(&form.email, &client(&parts)).await {
        Ok(challenge) => {
            let mut response = Redirect::to(routes::RESET_LOGIN_CODE).into_response();
            response.headers_mut().append(SET_COOKIE, cookies::choice_cookie(&state.settings, &challenge));
            response
        }
        Err(err) => refused(&state, parts, err, form.email.chars().take(254).collect()).await,
    }
}

#[derive(Deserialize, Default)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /reset-login/code`: the right code opens "Choose tenant".
pub async fn verify(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form: CodeForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return refused(&state, parts, ChoiceError::FormUnreadable, String::new()).await,
        Err(status) => return status.into_response(),
    };
    let Some(challenge) = cookies::choice(&parts.headers) else {
        return refused(&state, parts, ChoiceError::CodeDead, String::new()).await;
    };
    match state.tenant_choice().verify(challenge, &form.code, &client(&parts)).await {
        Ok(()) => Redirect::to(routes::RESET_LOGIN_CHOOSE).into_response(),
        Err(err) => refused(&state, parts, err, String::new()).await,
    }
}

/// `GET /reset-login/choose`: one button per tenant; with a single tenant, straight on.
pub async fn choose_page(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    let options = match cookies::choice(&parts.headers) {
        Some(challenge) => state.tenant_choice().options(challenge).await?,
        None => None,
    };
    if let Some((_, _, tenants)) = &options {
        if let [only] = tenants.as_slice() {
            let slug = only.slug.clone();
            return chosen(&state, &parts, &slug).await;
        }
    }
    let options = options.map(|(_, email, tenants)| TenantOptions {
        email,
        tenants: tenants.into_iter().map(|t| (t.slug, t.name)).collect(),
    });
    Ok(render::page(&state, parts, move || {
        if let Some(options) = options.clone() {
            provide_context(options);
        }
    })
    .await)
}

#[derive(Deserialize, Default)]
struct TenantForm {
    #[serde(default)]
    tenant: String,
}

/// `POST /reset-login/choose`: this browser remembers the tenant, and its login page opens
/// with the user ID filled in. Nobody is logged in: the password comes next.
pub async fn choose(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let form: TenantForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    chosen(&state, &parts, &form.tenant).await
}

async fn chosen(state: &AppState, parts: &http::request::Parts, slug: &str) -> Result<Response, WebError> {
    let Some(challenge) = cookies::choice(&parts.headers) else {
        return Ok(Redirect::to(routes::RESET_LOGIN_CHOOSE).into_response());
    };
    let Some((email, tenant)) = state.tenant_choice().choose(challenge, slug, &client(parts)).await? else {
        return Ok(Redirect::to(routes::RESET_LOGIN_CHOOSE).into_response());
    };
    let mut response = Redirect::to(&format!("/t/{}/login", tenant.slug)).into_response();
    let headers = response.headers_mut();
    headers.append(SET_COOKIE, cookies::clear_choice_cookie(&state.settings));
    headers.append(SET_COOKIE, cookies::tenant_cookie(&state.settings, &tenant.slug));
    headers.append(SET_COOKIE, cookies::login_hint_cookie(&state.settings, &email));
    Ok(response)
}

/// The same page again, with the reason and what was typed (never a code).
async fn refused(state: &AppState, parts: http::request::Parts, err: ChoiceError, email: String) -> Response {
    let (status, retry_after) = (err.http_status(), err.retry_after());
    render::refusal(state, parts, status, retry_after, ChoiceEcho { error: Some(err), email }).await
}
